// Supabase benchmark: Management API collection across many projects (requests
// per project, throughput under the per-token concurrency bound), and the RLS
// exposure query's cost as the schema grows (one query, whatever the table count).
import pg from 'pg';
import { DATASTORE_COLLECTORS } from '../src/datastores';
import { collectPostgres } from '../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../src/datastores/postgres/connection';
import { API_ROLES, SUPABASE_MANAGED_SCHEMAS } from '../src/datastores/supabase-project/schemas';
import { ConfigSchema } from '../src/config/schema';
import { runScan } from '../src/engine/scan';
import { silentLogger } from '../src/log';
import { ALL_CHECKS } from '../checks';
import { startEmbeddedPostgres } from '../src/embedded-postgres';
import { fixtureEntitlements, fixtureProject, startSupabaseFixture } from '../test/support/supabase-fixture-server';

const TOKEN = 'sbp_bench_token_bench_token_bench_token_0';

async function managementApi(projects: number): Promise<void> {
  const now = new Date();
  // Project refs are 20 lower-case letters: "bench" and the index in base 26.
  const refs = Array.from({ length: projects }, (_, i) => `bench${[...i.toString(26).padStart(15, '0')].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('')}`);
  const buckets = [{ name: 'invoices' }, { name: 'avatars', public: true }, { name: 'exports' }];
  const fixture = await startSupabaseFixture({
    token: TOKEN,
    projects: Object.fromEntries(
      refs.map((ref, i) => [ref, fixtureProject({ ref, pitrDays: ([7, 14, 28, false] as const)[i % 4]!, latestBackupAt: now, now, buckets })]),
    ),
    organizations: { acmeorgslugabcdefghi: fixtureEntitlements(7) },
  });
  process.env.CONTINUITY_BENCH_SUPABASE_TOKEN = TOKEN;
  try {
    const config = ConfigSchema.parse({
      scan: { concurrency: 32 },
      services: [
        {
          name: 'bench',
          datastores: refs.map((projectRef, i) => ({
            name: `p${i}`,
            type: 'supabase-project',
            projectRef,
            apiUrl: fixture.url,
            accessTokenEnv: 'CONTINUITY_BENCH_SUPABASE_TOKEN',
            backupPolicy: 'https://wiki.acme.dev/backups',
            storageBuckets: [{ name: 'invoices', backupPolicy: 'https://wiki.acme.dev/invoices' }],
          })),
        },
      ],
    });
    const started = performance.now();
    const scan = await runScan({
      config,
      configPath: null,
      collectors: DATASTORE_COLLECTORS.filter((c) => c.kind === 'supabase'),
      serviceCollectors: [],
      checks: ALL_CHECKS.filter((c) => c.id.startsWith('supabase.')),
      log: silentLogger,
    });
    const ms = performance.now() - started;
    const requests = fixture.requests.length;
    const parts = scan.services[0]!.datastores.reduce((n, d) => n + (d.parts?.length ?? 0), 0);
    console.log(
      `management API: ${projects} projects in ${ms.toFixed(0)} ms (${((projects / ms) * 1000).toFixed(0)} projects/s), ` +
        `${requests} requests = ${(requests / projects).toFixed(2)} per project (entitlements read once per organization), ` +
        `${parts} bucket rows, ${scan.services[0]!.findings.length} findings`,
    );
  } finally {
    delete process.env.CONTINUITY_BENCH_SUPABASE_TOKEN;
    await fixture.close();
  }
}

async function rlsQuery(tableCounts: number[]): Promise<void> {
  const server = await startEmbeddedPostgres();
  try {
    const admin = new pg.Client({ connectionString: server.adminUrl() });
    await admin.connect();
    await admin.query('create role anon nologin; create role authenticated nologin');
    await admin.query('create database app');
    await admin.end();
    const url = server.adminUrl('app');
    const app = new pg.Client({ connectionString: url });
    app.on('error', () => undefined); // the server stops under it in `finally`
    await app.connect();
    const limits = { statementTimeoutMs: 60_000, lockTimeoutMs: 1000, connectTimeoutMs: 10_000 };
    let created = 0;
    const results: { tables: number; ms: number; queries: number }[] = [];
    for (const count of tableCounts) {
      const statements = [];
      for (; created < count; created++) {
        statements.push(`create table public.t${created} (id bigint primary key, email text, note text);`);
        if (created % 2 === 0) statements.push(`alter table public.t${created} enable row level security;`);
      }
      await app.query(`${statements.join('')} grant select on all tables in schema public to anon, authenticated;`);
      const endpoint = parsePostgresUrl(url);
      await collectPostgres(endpoint, { excludeSchemas: SUPABASE_MANAGED_SCHEMAS, dataApiRoles: API_ROLES }, limits); // warm the catalog cache
      const started = performance.now();
      const facts = await collectPostgres(endpoint, { excludeSchemas: SUPABASE_MANAGED_SCHEMAS, dataApiRoles: API_ROLES }, limits);
      results.push({ tables: count, ms: performance.now() - started, queries: facts.queriesSent });
    }
    await app.end();
    for (const r of results) console.log(`postgres collection with API role access: ${r.tables} tables: ${r.ms.toFixed(0)} ms, ${r.queries} queries`);
    const first = results[0]!;
    const last = results[results.length - 1]!;
    console.log(
      `ratio ${last.tables / first.tables}x tables -> ${(last.ms / first.ms).toFixed(2)}x time, ${(last.queries / first.queries).toFixed(2)}x queries`,
    );
  } finally {
    await server.stop();
  }
}

export async function run(): Promise<void> {
  await managementApi(500);
  await rlsQuery([10, 1000]);
}
