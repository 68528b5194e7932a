import { existing, type LintRule } from './rule';

export default {
  id: 'refresh-without-concurrently',
  title: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY',
  severity: 'medium',
  category: 'locking',
  flags: '`REFRESH MATERIALIZED VIEW` without `CONCURRENTLY` of an existing materialized view',
  doc: 'A plain REFRESH MATERIALIZED VIEW holds ACCESS EXCLUSIVE on the view while its query runs, so every read of the view waits. Use REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view and takes only EXCLUSIVE, which lets reads go on).',
  check(context) {
    return context.kinds
      .filter(({ kind, relations }) => kind.id === 'refresh-materialized-view' && existing(context, relations.view!))
      .map(({ relations }) => `refreshes ${relations.view} without CONCURRENTLY, blocking its reads while the query runs`);
  },
} satisfies LintRule;
