// The transaction model: in which transaction block each statement of a
// migration runs, given how its tool sends the SQL to PostgreSQL, and what
// BEGIN/COMMIT in the file do to it. It follows the server (protocol-flow.html,
// "Multiple Statements in a Simple Query"; sql-begin.html; sql-commit.html) and
// is proved on a real server by test/migrations/transactions.server.test.ts.
import { classifyStatement } from './locks';
import type { ParsedStatement } from './sql';

/**
 * How a tool sends a migration's SQL:
 * - `tool`: inside a transaction the tool opens, the text as one query (dbmate, Knex, Rails, Alembic, TypeORM, node-pg-migrate, db-migrate);
 * - `tool-per-statement`: inside the tool's transaction, one statement at a time (Supabase CLI, Liquibase, Django);
 * - `implicit`: the text as one query and no transaction of the tool's (golang-migrate, Prisma, dbmate `transaction:false`,
 *   raw queries of Sequelize): PostgreSQL runs a query of several statements as one implicit transaction block;
 * - `autocommit`: one statement at a time and no transaction of the tool's (psql, so sqitch);
 * - `flyway`: one statement at a time, in a transaction unless every statement is one PostgreSQL refuses in a transaction block.
 */
export type TransactionMode = 'tool' | 'tool-per-statement' | 'implicit' | 'autocommit' | 'flyway';

/** The block a statement runs in: none (autocommit), an explicit BEGIN, the implicit block of a multi-statement query, or the tool's. */
export type TransactionBlock = 'none' | 'explicit' | 'implicit' | 'tool';

/**
 * What a transaction statement does wrong:
 * - `nested-begin`: BEGIN inside a block (the server warns "there is already a transaction in progress" and ignores it);
 * - `ends-tool-transaction`: COMMIT/ROLLBACK inside the tool's transaction ends it early: the rest runs outside it, and the tool's own COMMIT warns;
 * - `commit-without-transaction`: COMMIT/ROLLBACK without a BEGIN or tool transaction (the server warns "there is no
 *   transaction in progress", also in the implicit block of a multi-statement query);
 * - `never-committed`: a BEGIN never followed by COMMIT or ROLLBACK: its changes are rolled back when the session ends (psql), or left open
 *   (not where the tool opened a transaction: its COMMIT at the end of the file commits the block).
 */
export type TransactionEvent = 'nested-begin' | 'ends-tool-transaction' | 'commit-without-transaction' | 'never-committed';

export interface StatementTransaction {
  block: TransactionBlock;
  event?: TransactionEvent;
  /** The statement ends the block it ran in (COMMIT/ROLLBACK), or its block ends with it (autocommit). */
  endsBlock: boolean;
}

/** PostgreSQL refuses the statement inside a transaction block (the lock table's `noTransactionBlock`). */
export function refusedInTransactionBlock(statement: ParsedStatement): boolean {
  return classifyStatement(statement).some((c) => c.kind.noTransactionBlock);
}

function transactionControl(statement: ParsedStatement): 'begin' | 'end' | undefined {
  if (statement.kind !== 'TransactionStmt') return undefined;
  const kind = statement.node.kind;
  if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') return 'begin';
  if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') return 'end';
  return undefined;
}

/**
 * The block of each statement of one piece of SQL sent by a tool. `extraStatements`
 * counts statements that follow but could not be parsed: they still make the
 * query a multi-statement one.
 */
export function transactionModel(statements: ParsedStatement[], mode: TransactionMode, extraStatements = 0): StatementTransaction[] {
  const oneQuery = mode === 'tool' || mode === 'implicit';
  // Every statement of a query holding several runs in an implicit block unless an explicit one is open.
  const implicitBlock = oneQuery && statements.length + extraStatements > 1;
  const outside: TransactionBlock = implicitBlock ? 'implicit' : 'none';
  const toolTransaction =
    mode === 'tool' || mode === 'tool-per-statement' || (mode === 'flyway' && !statements.every(refusedInTransactionBlock));
  let block: TransactionBlock = toolTransaction ? 'tool' : outside;
  let openBegin = -1;
  const result: StatementTransaction[] = statements.map((statement, index) => {
    const control = transactionControl(statement);
    if (control === 'begin') {
      if (block === 'tool' || block === 'explicit') return { block, event: 'nested-begin', endsBlock: false };
      block = 'explicit';
      openBegin = index;
      return { block, endsBlock: false };
    }
    if (control === 'end') {
      const ended = block;
      block = outside;
      if (ended === 'tool') return { block: ended, event: 'ends-tool-transaction', endsBlock: true };
      if (ended === 'explicit') {
        openBegin = -1;
        return { block: ended, endsBlock: true };
      }
      // Without a BEGIN the server warns; in the implicit block of a multi-statement query it still commits what ran, and later statements run in a new implicit block.
      return { block: ended, event: 'commit-without-transaction', endsBlock: true };
    }
    return { block, endsBlock: block === 'none' };
  });
  // A tool that opened a transaction commits at the end of the file: that COMMIT ends a block the file left open.
  if (openBegin >= 0 && !toolTransaction) result[openBegin] = { ...result[openBegin]!, event: 'never-committed' };
  return result;
}
