import { booleanOption } from '../locks';
import { existing, type LintRule } from './rule';

export default {
  id: 'reindex-without-concurrently',
  title: 'REINDEX without CONCURRENTLY',
  severity: 'medium',
  category: 'locking',
  flags: '`REINDEX INDEX/TABLE/SCHEMA/DATABASE` without `CONCURRENTLY` (also `CONCURRENTLY false`) of an existing relation',
  doc: 'REINDEX blocks writes to the table and takes ACCESS EXCLUSIVE on each index it rebuilds; queries that plan on the table open its indexes, so reads wait too. Use REINDEX (CONCURRENTLY) (PostgreSQL 12+), outside a transaction block.',
  check(context) {
    const { kind, node } = context.statement;
    // SCHEMA and DATABASE reindex every table in turn; SYSTEM cannot be concurrent at all.
    if (kind === 'ReindexStmt' && ['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_DATABASE'].includes(node.kind) && booleanOption(node.params, 'concurrently') !== true) {
      return [`reindexes every table of ${node.kind === 'REINDEX_OBJECT_SCHEMA' ? 'schema' : 'database'} ${node.name ?? '(current)'} without CONCURRENTLY, blocking writes to each in turn`];
    }
    return context.kinds
      .filter(({ kind, relations }) => kind.id === 'reindex' && existing(context, (relations.index ?? relations.table)!))
      .map(({ relations }) => `reindexes ${relations.index ?? relations.table} without CONCURRENTLY, blocking writes and the reads that use its indexes`);
  },
} satisfies LintRule;
