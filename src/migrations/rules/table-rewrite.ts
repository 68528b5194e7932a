import { existing, type LintRule } from './rule';

/** Lock-table kinds that rewrite the table and no other rule reports (type changes and volatile defaults have their own). */
const REWRITING = new Set(['alter-table-add-column-generated', 'alter-table-set-logged', 'vacuum-full', 'cluster']);

export default {
  id: 'table-rewrite',
  title: 'Table rewritten under ACCESS EXCLUSIVE',
  severity: 'medium',
  category: 'locking',
  flags: '`ADD COLUMN … GENERATED ALWAYS AS (…) STORED` / `AS IDENTITY`, `SET LOGGED/UNLOGGED`, `VACUUM FULL`, `CLUSTER` on an existing table',
  doc: 'These statements copy every row of the table into a new file while holding ACCESS EXCLUSIVE, which blocks reads and writes for as long as the copy takes (minutes to hours on a large table). Add a plain nullable column and backfill it in batches (with a trigger for new rows) instead of a stored generated or identity column; schedule VACUUM FULL / CLUSTER in a maintenance window or use pg_repack.',
  check(context) {
    return context.kinds
      .filter(({ kind, relations }) => REWRITING.has(kind.id) && existing(context, relations.table!))
      .map(({ kind, relations }) => `${kind.title}: rewrites ${relations.table} under ACCESS EXCLUSIVE, blocking reads and writes for the whole copy`);
  },
} satisfies LintRule;
