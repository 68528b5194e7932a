import type { TransactionBlock } from '../transactions';
import type { LintRule } from './rule';

const WHERE: Record<Exclude<TransactionBlock, 'none'>, string> = {
  tool: 'in the transaction the migration tool opens',
  implicit: 'in the implicit transaction of a query of several statements (the tool sends the file as one query)',
  explicit: 'inside BEGIN … COMMIT',
};

export default {
  id: 'concurrently-in-transaction',
  title: 'Statement that cannot run in a transaction block runs in one',
  severity: 'high',
  category: 'deploy',
  flags: '`CREATE/DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, `DETACH PARTITION CONCURRENTLY`, `VACUUM`, `CREATE DATABASE` in a transaction block (explicit, the tool\'s, or the implicit one of a multi-statement query)',
  doc: 'CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH PARTITION CONCURRENTLY, VACUUM and CREATE/DROP DATABASE cannot run inside a transaction block, so the migration fails at deploy time. That includes the implicit block PostgreSQL opens for a query of several statements (golang-migrate, Prisma and dbmate `transaction:false` send a file as one query), even after a COMMIT in it. Put the statement alone in its own migration file and turn the tool\'s transaction off for it (dbmate `-- migrate:up transaction:false`, Flyway `executeInTransaction=false`, Rails `disable_ddl_transaction!`, Knex `config = { transaction: false }`, Diesel `run_in_transaction = false` in metadata.toml, SQLx `-- no-transaction` as the first line).',
  check({ kinds, transaction }) {
    const refused = kinds.find((c) => c.kind.noTransactionBlock);
    if (!refused || transaction.block === 'none') return [];
    return [`runs ${refused.kind.title} ${WHERE[transaction.block]}, which PostgreSQL refuses`];
  },
} satisfies LintRule;
