import type { ParsedStatement } from '../sql';
import type { LintRule } from './rule';

/** CREATE/DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY, which PostgreSQL refuses inside a transaction block. */
export function isConcurrent({ kind, node }: ParsedStatement): boolean {
  if (kind === 'IndexStmt') return node.concurrent === true;
  if (kind === 'DropStmt') return node.removeType === 'OBJECT_INDEX' && node.concurrent === true;
  if (kind === 'ReindexStmt') return (node.params ?? []).some((p: { DefElem?: { defname?: string } }) => p.DefElem?.defname === 'concurrently');
  return false;
}

export default {
  id: 'concurrently-in-transaction',
  title: 'CONCURRENTLY inside a transaction',
  severity: 'high',
  flags: '`CREATE/DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY` in a transaction (explicit BEGIN or the tool\'s own)',
  doc: 'CREATE/DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY cannot run inside a transaction block, so the migration fails at deploy time. Put the statement alone in its own migration and turn the tool\'s transaction off for it (dbmate `-- migrate:up transaction:false`, Flyway `executeInTransaction=false`, Rails `disable_ddl_transaction!`, Knex `config = { transaction: false }`; golang-migrate and Prisma send a file as one query, which PostgreSQL runs as one implicit transaction when it holds several statements).',
  check({ statement, inTransaction }) {
    return inTransaction && isConcurrent(statement) ? ['runs CONCURRENTLY inside a transaction, which PostgreSQL refuses'] : [];
  },
} satisfies LintRule;
