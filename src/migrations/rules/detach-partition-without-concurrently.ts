import { existing, type LintRule } from './rule';

export default {
  id: 'detach-partition-without-concurrently',
  title: 'DETACH PARTITION without CONCURRENTLY',
  severity: 'medium',
  category: 'locking',
  flags: '`ALTER TABLE … DETACH PARTITION` without `CONCURRENTLY`',
  doc: 'DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table, blocking reads and writes of every partition. Use DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+), which takes SHARE UPDATE EXCLUSIVE; it cannot run in a transaction block nor with a default partition.',
  check(context) {
    return context.kinds
      .filter(({ kind, relations }) => kind.id === 'alter-table-detach-partition' && existing(context, relations.table!))
      .map(({ relations }) => `detaches partition ${relations.partition} from ${relations.table} under ACCESS EXCLUSIVE on the whole partitioned table`);
  },
} satisfies LintRule;
