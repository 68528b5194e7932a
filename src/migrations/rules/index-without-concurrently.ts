import { lastName } from '../sql';
import { existing, tableName, type LintRule } from './rule';

export default {
  id: 'index-without-concurrently',
  title: 'Index created or dropped without CONCURRENTLY on an existing table',
  severity: 'medium',
  flags: '`CREATE INDEX`/`DROP INDEX` without `CONCURRENTLY` on an existing table',
  doc: 'CREATE INDEX blocks writes to the table for the whole build, and DROP INDEX takes an ACCESS EXCLUSIVE lock. Use CREATE INDEX CONCURRENTLY / DROP INDEX CONCURRENTLY, in a migration that does not run in a transaction.',
  check(context) {
    const { kind, node } = context.statement;
    if (kind === 'IndexStmt' && !node.concurrent) {
      const table = tableName(node.relation);
      return existing(context, table)
        ? [`creates index ${node.idxname ?? '(unnamed)'} on existing table ${table} without CONCURRENTLY`]
        : [];
    }
    if (kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX' && !node.concurrent) {
      return (node.objects ?? [])
        .map((o: { List?: { items?: unknown[] } }) => lastName(o.List?.items))
        .filter((index: string) => !context.createdIndexes.has(index))
        .map((index: string) => `drops index ${index} without CONCURRENTLY`);
    }
    return [];
  },
} satisfies LintRule;
