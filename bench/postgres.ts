// PostgreSQL collection at 1,000 and 10,000 tables (one foreign key and two
// indexes per table), and on 1,000 partitioned tables of 10 partitions each (a foreign
// key and two indexes per parent, cloned onto every partition): wall time, queries
// sent, peak memory and growth ratios.
import pg from 'pg';
import { collectPostgres } from '../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../src/datastores/postgres/connection';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/embedded-postgres';
import { ALL_CHECKS } from '../checks';
import { resolvePolicy } from '../src/config/policy';
import type { DatastoreConfig } from '../src/config/schema';

/** A database of `tables` tables, each with a primary key, a foreign key to the previous one and an index on it. */
export async function createSchema(server: EmbeddedServer, database: string, tables: number): Promise<void> {
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const client = new pg.Client({ connectionString: server.adminUrl(database) });
  await client.connect();
  const batch = 500;
  for (let start = 0; start < tables; start += batch) {
    const ddl: string[] = [];
    for (let i = start; i < Math.min(start + batch, tables); i++) {
      const parent = i === 0 ? '' : `, parent_id int references t${i - 1} (id)`;
      ddl.push(`create table t${i} (id int primary key, name text, email text${parent || ', parent_id int'});`);
      ddl.push(`create index t${i}_parent_idx on t${i} (parent_id);`);
    }
    if (start === 0) ddl.push('alter table t0 add foreign key (parent_id) references t0 (id);');
    await client.query(ddl.join('\n'));
  }
  await client.query('analyze');
  await client.end();
}

/** `parents` range-partitioned tables of 10 partitions each, each with a foreign key, a primary key and an index declared on the parent. */
async function createPartitionedSchema(server: EmbeddedServer, database: string, parents: number): Promise<void> {
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const client = new pg.Client({ connectionString: server.adminUrl(database) });
  await client.connect();
  await client.query('create table customers (id int primary key)');
  const batch = 50;
  for (let start = 0; start < parents; start += batch) {
    const ddl: string[] = [];
    for (let i = start; i < Math.min(start + batch, parents); i++) {
      ddl.push(
        `create table p${i} (id int not null, created int not null, customer_id int references customers (id), name text, primary key (id, created)) partition by range (created);`,
        `create index p${i}_name_idx on p${i} (name);`,
      );
      for (let j = 0; j < 10; j++) ddl.push(`create table p${i}_${j} partition of p${i} for values from (${j * 100}) to (${(j + 1) * 100});`);
    }
    await client.query(ddl.join('\n'));
  }
  await client.query('analyze');
  await client.end();
}

interface Measurement {
  tables: number;
  foreignKeys: number;
  indexes: number;
  wallMs: number;
  checksMs: number;
  queries: number;
  peakRssMb: number;
}

async function measure(server: EmbeddedServer, database: string): Promise<Measurement> {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const facts = await collectPostgres(
    parsePostgresUrl(server.adminUrl(database)),
    { excludeSchemas: [] },
    { statementTimeoutMs: 60_000, lockTimeoutMs: 1000, connectTimeoutMs: 10_000 },
  );
  const wallMs = performance.now() - started;
  const checksStarted = performance.now();
  const datastore: DatastoreConfig = { name: database, type: 'postgres', url: 'postgres://bench' };
  const policy = resolvePolicy({ policy: {} }, 'production');
  for (const check of ALL_CHECKS) {
    if (check.scope === 'datastore' && check.requires === 'postgres') {
      check.evaluate({ service: { name: 'bench', environment: 'production', datastores: [] }, datastore, facts: facts as never, policy, now: new Date() });
    }
  }
  const checksMs = performance.now() - checksStarted;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    tables: facts.tables.ok ? facts.tables.value.length : -1,
    foreignKeys: facts.foreignKeys.ok ? facts.foreignKeys.value.length : -1,
    indexes: facts.indexes.ok ? facts.indexes.value.length : -1,
    wallMs,
    checksMs,
    queries: facts.queriesSent,
    peakRssMb: (peak - baseline) / 1024 / 1024,
  };
}

export async function run(): Promise<void> {
  const server = await startEmbeddedPostgres({ postgresFlags: ['-c', 'fsync=off', '-c', 'max_locks_per_transaction=1024'] });
  try {
    const setup = performance.now();
    await createSchema(server, 'small', 1_000);
    await createSchema(server, 'large', 10_000);
    await createPartitionedSchema(server, 'partitioned', 1_000);
    console.log(`schema generation: ${((performance.now() - setup) / 1000).toFixed(1)} s`);
    const results: Measurement[] = [];
    for (const database of ['small', 'large', 'partitioned']) {
      await measure(server, database); // warm the server's catalog caches and the JIT
      const best = await (async () => {
        const runs: Measurement[] = [];
        for (let i = 0; i < 3; i++) runs.push(await measure(server, database));
        return runs.sort((a, b) => a.wallMs - b.wallMs)[1]!; // the median of three
      })();
      results.push(best);
      console.log(
        `${database === 'partitioned' ? 'partitioned: ' : ''}${best.tables} tables, ${best.foreignKeys} foreign keys, ${best.indexes} indexes: ` +
          `collection ${best.wallMs.toFixed(0)} ms, checks ${best.checksMs.toFixed(0)} ms, ` +
          `${best.queries} queries, peak RSS +${best.peakRssMb.toFixed(1)} MB`,
      );
    }
    const [small, large, partitioned] = results as [Measurement, Measurement, Measurement];
    console.log(`growth 1,000 -> 10,000 tables: time x${(large.wallMs / small.wallMs).toFixed(2)} (limit 12), queries x${(large.queries / small.queries).toFixed(2)} (must be 1.00)`);
    console.log(`10,000-table collection under 2 s: ${large.wallMs < 2000 ? 'yes' : 'NO'}`);
    console.log(
      `partitioned (1,000 parents x 10 partitions) beside 10,000 plain tables: time x${(partitioned.wallMs / large.wallMs).toFixed(2)}, ` +
        `checks x${(partitioned.checksMs / large.checksMs).toFixed(2)}, queries x${(partitioned.queries / large.queries).toFixed(2)} (must be 1.00)`,
    );
    console.log(`partitioned collection (${partitioned.tables} tables) under 2 s: ${partitioned.wallMs < 2000 ? 'yes' : 'NO'}`);
  } finally {
    await server.stop();
  }
}
