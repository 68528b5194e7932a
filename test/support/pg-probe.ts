// What a statement does on a real PostgreSQL: the relation locks it takes
// (read from pg_locks), the relations it rewrites (pg_class.relfilenode), whether
// it is refused in a transaction block, and the notices (warnings) it raises.
// Used to prove the lock table and the transaction model of src/migrations.
import pg from 'pg';
import { LOCK_MODES, type LockMode } from '../../src/migrations/locks';
import type { TransactionMode } from '../../src/migrations/transactions';
import type { EmbeddedServer } from './postgres';

/** pg_locks.mode (`ShareUpdateExclusiveLock`) as the documentation names it (`SHARE UPDATE EXCLUSIVE`). */
export function lockModeOf(pgLocksMode: string): LockMode {
  const mode = pgLocksMode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  if (!(LOCK_MODES as readonly string[]).includes(mode)) throw new Error(`unknown lock mode ${pgLocksMode}`);
  return mode as LockMode;
}

export interface ProbeClient {
  client: pg.Client;
  /** Warnings and notices the server sent since the last clear. */
  notices: string[];
  pid: number;
}

export async function probeClient(server: EmbeddedServer, database: string, schema?: string): Promise<ProbeClient> {
  const client = new pg.Client({ connectionString: server.adminUrl(database) });
  const notices: string[] = [];
  client.on('notice', (notice) => notices.push(`${notice.severity}: ${notice.message}`));
  await client.connect();
  if (schema) await client.query(`set search_path = ${schema}`);
  const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  return { client, notices, pid };
}

interface Relation {
  oid: number;
  relname: string;
  relfilenode: string;
}

async function relations(client: pg.Client, schema: string): Promise<Relation[]> {
  const result = await client.query<Relation>(
    'select c.oid::int as oid, c.relname, c.relfilenode::text as relfilenode from pg_class c where c.relnamespace = $1::regnamespace',
    [schema],
  );
  return result.rows;
}

export interface StatementEffect {
  /** Strongest lock per relation name: held at the end of the statement, or, for a statement refused in a transaction block, the first lock it waited for. */
  locks: Map<string, LockMode>;
  /** Relations whose relfilenode changed. */
  rewritten: Set<string>;
  /** The error when the statement was run inside BEGIN … ROLLBACK, if it was refused there. */
  refusedInTransactionBlock?: string;
}

/** The strongest relation lock per relation a backend holds or waits for (only granted ones with `grantedOnly`). */
async function locksOf(client: pg.Client, pid: number, byOid: Map<number, string>, grantedOnly: boolean): Promise<Map<string, LockMode>> {
  const rows = (
    await client.query<{ relation: number; mode: string }>(
      "select relation::int as relation, mode from pg_locks where pid = $1 and locktype = 'relation' and (granted or not $2)",
      [pid, grantedOnly],
    )
  ).rows;
  const locks = new Map<string, LockMode>();
  for (const row of rows) {
    const name = byOid.get(row.relation);
    if (!name) continue;
    const mode = lockModeOf(row.mode);
    const known = locks.get(name);
    if (!known || LOCK_MODES.indexOf(mode) > LOCK_MODES.indexOf(known)) locks.set(name, mode);
  }
  return locks;
}

/**
 * Run `setup` then `sql` in a fresh schema of `database`. A statement the server
 * accepts in a transaction block runs inside BEGIN … ROLLBACK and its locks are
 * read from its own session. One it refuses there runs on its own while another
 * session holds SHARE UPDATE EXCLUSIVE on `blockOn` (which conflicts with the
 * SHARE UPDATE EXCLUSIVE and stronger locks such statements take, but not with
 * the ACCESS SHARE they take first to look the relation up); the locks it holds
 * and waits for are read while it waits.
 */
export async function observeStatement(
  server: EmbeddedServer,
  database: string,
  schema: string,
  setup: string,
  sql: string,
  blockOn?: string,
): Promise<StatementEffect> {
  const session = await probeClient(server, database);
  const { client } = session;
  try {
    await client.query(`create schema ${schema}`);
    await client.query(`set search_path = ${schema}`);
    if (setup) await client.query(setup);
    const before = await relations(client, schema);
    const byOid = new Map(before.map((r) => [r.oid, r.relname]));
    const rewrittenSince = async () => {
      const after = new Map((await relations(client, schema)).map((r) => [r.oid, r.relfilenode]));
      return new Set(before.filter((r) => after.has(r.oid) && after.get(r.oid) !== r.relfilenode).map((r) => r.relname));
    };
    await client.query('begin');
    let refused: string | undefined;
    try {
      await client.query(sql);
    } catch (error) {
      refused = (error as Error).message;
    }
    if (refused === undefined) {
      const locks = await locksOf(client, session.pid, byOid, true);
      const rewritten = await rewrittenSince();
      await client.query('rollback');
      return { locks, rewritten };
    }
    await client.query('rollback');
    const locks = new Map<string, LockMode>();
    if (blockOn) {
      const blocker = await probeClient(server, database, schema);
      const runner = await probeClient(server, database, schema);
      try {
        await blocker.client.query('begin');
        await blocker.client.query(`lock table ${blockOn} in share update exclusive mode`);
        const running = runner.client.query(sql);
        const waiting = async () =>
          (await client.query("select 1 from pg_locks where pid = $1 and not granted", [runner.pid])).rowCount! > 0;
        for (let attempt = 0; attempt < 400 && !(await waiting()); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
        for (const [name, mode] of await locksOf(client, runner.pid, byOid, false)) locks.set(name, mode);
        await blocker.client.query('commit');
        await running;
      } finally {
        await blocker.client.end();
        await runner.client.end();
      }
    } else {
      await client.query(sql);
    }
    return { locks, rewritten: await rewrittenSince(), refusedInTransactionBlock: refused };
  } finally {
    await client.end();
  }
}

export interface ToolRun {
  /** The error that stopped the script, if any. */
  error?: string;
  /** The rows of the last statement. */
  rows: Record<string, unknown>[];
  notices: string[];
  /** A transaction block is still open after the script (and the tool's COMMIT, for tools that send one). */
  leftOpen: boolean;
}

/**
 * Run `setup`, then send the statements as a tool of `mode` sends a migration
 * (transactions.ts), in a fresh schema and session: `tool` inside BEGIN … COMMIT
 * as one query, `tool-per-statement` inside BEGIN … COMMIT one by one, `implicit`
 * as one query, `autocommit` one by one, `flyway` one by one in a transaction
 * unless every statement is VACUUM (the only kind the tests send that is refused there).
 */
export async function sendAsTool(server: EmbeddedServer, database: string, schema: string, setup: string, statements: string[], mode: TransactionMode): Promise<ToolRun> {
  const session = await probeClient(server, database);
  const { client, notices } = session;
  try {
    await client.query(`create schema ${schema}; set search_path = ${schema}`);
    if (setup) await client.query(setup);
    notices.length = 0;
    const toolTransaction = mode === 'tool' || mode === 'tool-per-statement' || (mode === 'flyway' && !statements.every((s) => /^\s*vacuum/i.test(s)));
    let error: string | undefined;
    let rows: Record<string, unknown>[] = [];
    const last = (result: pg.QueryResult | pg.QueryResult[]) => (Array.isArray(result) ? result.at(-1)! : result).rows;
    try {
      if (toolTransaction) await client.query('begin');
      if (mode === 'tool' || mode === 'implicit') rows = last(await client.query(statements.join(';\n')));
      else for (const statement of statements) rows = last(await client.query(statement));
      if (toolTransaction) await client.query('commit');
    } catch (failure) {
      error = (failure as Error).message;
    }
    let leftOpen = true;
    if (error === undefined) {
      try {
        await client.query('savepoint probe_open');
      } catch {
        leftOpen = false;
      }
    }
    return { ...(error !== undefined ? { error } : {}), rows, notices: [...notices], leftOpen: error === undefined && leftOpen };
  } finally {
    await client.end();
  }
}
