import { existing, type LintRule } from './rule';

export default {
  id: 'index-without-concurrently',
  title: 'Index created or dropped without CONCURRENTLY on an existing table',
  severity: 'medium',
  category: 'locking',
  flags: '`CREATE INDEX`/`DROP INDEX` without `CONCURRENTLY` on an existing table',
  doc: 'CREATE INDEX holds SHARE on the table for the whole build, which blocks writes, and DROP INDEX takes ACCESS EXCLUSIVE, which blocks reads too. Use CREATE INDEX CONCURRENTLY / DROP INDEX CONCURRENTLY, in a migration that does not run in a transaction.',
  check(context) {
    return context.kinds.flatMap(({ kind, relations }) => {
      if (kind.id === 'create-index' && existing(context, relations.table!)) {
        return [`creates index ${context.statement.node.idxname ?? '(unnamed)'} on existing table ${relations.table} without CONCURRENTLY, blocking writes during the build`];
      }
      if (kind.id === 'drop-index' && existing(context, relations.index!)) return [`drops index ${relations.index} without CONCURRENTLY, under ACCESS EXCLUSIVE on its table`];
      return [];
    });
  },
} satisfies LintRule;
