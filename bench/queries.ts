// postgres.query-index-use at scale: a 10,000-table database with 500 distinct
// statements in pg_stat_statements, all explained and judged, on PostgreSQL 17
// (EXPLAIN GENERIC_PLAN) and 15 (PREPARE + force_generic_plan; with HypoPG when
// Debian's postgresql-15-hypopg is installed). Prints statements per second,
// round trips, and the datastore's collection time with and without the check.
import pg from 'pg';
import check from '../checks/postgres/query-index-use';
import { resolvePolicy } from '../src/config/policy';
import type { DatastoreConfig } from '../src/config/schema';
import { collectPostgres } from '../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../src/datastores/postgres/connection';
import type { PostgresFacts } from '../src/datastores/postgres/facts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/embedded-postgres';
import { postgres15Unavailable, startPostgres15 } from '../test/support/postgres15';
import { createSchema } from './postgres';

const STATEMENTS = 500;
const LIMITS = { statementTimeoutMs: 60_000, lockTimeoutMs: 1000, connectTimeoutMs: 10_000 };
const BIG_TABLES = 20;

/** 20 tables of 20,000 rows (a indexed, b not) and 500 distinct statements run once each, with literals. */
async function workload(url: string, hypopg: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create extension pg_stat_statements${hypopg ? '; create extension hypopg' : ''}`);
    for (let k = 0; k < BIG_TABLES; k++) {
      await client.query(`
        create table big${k} (id serial primary key, a integer not null, b integer not null, c text);
        create index big${k}_a_idx on big${k} (a);
        insert into big${k} (a, b, c) select g % 5000, g % 4000, 'row ' || g from generate_series(1, 20000) g;`);
    }
    await client.query('analyze');
    await client.query('select pg_stat_statements_reset()');
    const texts: string[] = [];
    for (let i = 0; i < 250; i++) texts.push(`select id, name from t${i} where parent_id = ${i}`); // small tables, by index
    for (let k = 0; k < BIG_TABLES; k++) {
      texts.push(
        `select id from big${k} where b = 7`, // large, unindexed: a suggestion
        `select id, c from big${k} where b = 7`,
        `select id from big${k} where a = 7`, // by index
        `select id, c from big${k} where a = 7`,
        `select id from big${k} order by b desc limit 10`, // top-N sort: a suggestion
        `select id, b from big${k} where a = 7 and b > 3`,
        `select count(*) from big${k}`, // whole table, no filter: no finding
        `select id from big${k} where a between 1 and 9`,
        `update big${k} set c = 'x' where b = -1`, // large, unindexed, writes nothing
        `select t.id from t${k} t join big${k} b on b.b = t.id where t.name = 'x'`, // join on an unindexed column
      );
    }
    for (let i = texts.length; i < STATEMENTS; i++) texts.push(`select id, email from t${1000 + i} where id = ${i}`);
    for (const text of texts) await client.query(text);
  } finally {
    await client.end();
  }
}

interface Run {
  ms: number;
  queries: number;
  facts: PostgresFacts;
}

async function collect(url: string, withStatements: boolean): Promise<Run> {
  const started = performance.now();
  const facts = await collectPostgres(
    parsePostgresUrl(url),
    { excludeSchemas: [], statements: withStatements ? { top: STATEMENTS, minLiveRows: 10_000, budgetMs: 60_000 } : false },
    LIMITS,
  );
  return { ms: performance.now() - started, queries: facts.queriesSent, facts };
}

async function median(url: string, withStatements: boolean): Promise<Run> {
  await collect(url, withStatements); // warm the catalog caches
  const runs: Run[] = [];
  for (let i = 0; i < 3; i++) runs.push(await collect(url, withStatements));
  return runs.sort((a, b) => a.ms - b.ms)[1]!;
}

async function measure(label: string, server: EmbeddedServer, hypopg: boolean): Promise<void> {
  const setup = performance.now();
  await createSchema(server, 'wide', 10_000);
  await workload(server.adminUrl('wide'), hypopg);
  console.log(`${label}: 10,000 tables, ${STATEMENTS} statements set up in ${((performance.now() - setup) / 1000).toFixed(1)} s`);
  const url = server.adminUrl('wide');
  const without = await median(url, false);
  const withCheck = await median(url, true);
  const statements = withCheck.facts.statements;
  if (!statements.ok) throw new Error(`statements not collected: ${statements.reason}`);
  const judgedStarted = performance.now();
  const findings = check.evaluate({
    service: { name: 'bench', environment: 'production', datastores: [] },
    datastore: { name: 'wide', type: 'postgres', url: 'postgres://bench' } as DatastoreConfig,
    facts: withCheck.facts,
    policy: resolvePolicy({ policy: {} }, 'production'),
    now: new Date(),
  });
  const judgedMs = performance.now() - judgedStarted;
  const s = statements.value;
  const statementsMs = withCheck.ms - without.ms;
  const byStatus = new Map<string, number>();
  for (const f of findings.slice(1)) byStatus.set(f.status, (byStatus.get(f.status) ?? 0) + 1);
  const tried = s.statements.flatMap((st) => (st.plan.status === 'planned' ? st.plan.issues : [])).filter((i) => i.suggestion.kind === 'new' && i.suggestion.hypothetical).length;
  console.log(
    `${label}: ${s.statements.length} statements explained (${s.method}${s.hypopg ? `, ${tried} HypoPG tries` : ', no HypoPG'}), judged in ${judgedMs.toFixed(0)} ms: ` +
      [...byStatus].map(([status, n]) => `${n} ${status}`).join(', '),
  );
  console.log(
    `${label}: collection ${withCheck.ms.toFixed(0)} ms with the check, ${without.ms.toFixed(0)} ms without (x${(withCheck.ms / without.ms).toFixed(2)}); ` +
      `statements ${statementsMs.toFixed(0)} ms, ${(s.statements.length / (statementsMs / 1000)).toFixed(0)} statements/s; ` +
      `round trips ${withCheck.queries} with, ${without.queries} without (${s.roundTrips} for the statements)`,
  );
  console.log(`${label}: ${STATEMENTS} statements in under 5 s: ${statementsMs < 5000 ? 'yes' : 'NO'}`);
}

export async function run(): Promise<void> {
  const flags = ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'fsync=off', '-c', 'max_locks_per_transaction=1024'];
  const pg17 = await startEmbeddedPostgres({ postgresFlags: flags });
  try {
    await measure('PostgreSQL 17', pg17, false);
  } finally {
    await pg17.stop();
  }
  const unavailable = postgres15Unavailable();
  if (unavailable) {
    console.log(`PostgreSQL 15: skipped (${unavailable})`);
    return;
  }
  const pg15 = await startPostgres15({ settings: { shared_preload_libraries: 'pg_stat_statements', fsync: 'off', max_locks_per_transaction: '1024' } });
  try {
    const hypopg = (await import('node:fs')).existsSync('/usr/share/postgresql/15/extension/hypopg.control');
    if (!hypopg) console.log('PostgreSQL 15: HypoPG is not installed (Debian package postgresql-15-hypopg): measured without it');
    await measure('PostgreSQL 15', pg15, hypopg);
  } finally {
    await pg15.stop();
  }
}
