// ClickHouse benchmark: 200 clickhouse datastores collected from the fixture server through the
// real @clickhouse/client and checked, at scan concurrency 8 and 16: statements per datastore
// (constant, whatever the server holds) and wall time.
import { DATASTORE_COLLECTORS } from '../src/datastores';
import { ConfigSchema } from '../src/config/schema';
import { runScan } from '../src/engine/scan';
import { silentLogger } from '../src/log';
import { ALL_CHECKS } from '../checks';
import { startClickHouseFixture, type Row } from '../test/support/clickhouse-fixture-server';
import { OTEL_MUTATIONS, SCANNER, SCANNER_ENV, otelServer } from '../test/support/clickhouse-scan';

const DATASTORES = 200;

/** A server with `mutations` mutations and as many columns: what grows with the estate. */
async function scanAll(concurrency: number, mutations: number): Promise<{ ms: number; perDatastore: number; findings: number; errors: number }> {
  const now = new Date();
  const many: Row[] = Array.from({ length: mutations }, (_, i) => ({ ...OTEL_MUTATIONS(now)[i % 2]!, mutation_id: `mutation_${i}.txt` }));
  const columns: Row[] = Array.from({ length: mutations }, (_, i) => ({ database: 'otel', table: `t${i % 50}`, name: `c${i}`, type: 'String', position: i }));
  const fixture = await startClickHouseFixture(otelServer({ tables: { mutations: many, columns } }));
  Object.assign(process.env, { [SCANNER_ENV.userEnv]: SCANNER.user, [SCANNER_ENV.passwordEnv]: SCANNER.password });
  try {
    const config = ConfigSchema.parse({
      scan: { concurrency },
      services: [
        {
          name: 'bench',
          environment: 'production',
          datastores: Array.from({ length: DATASTORES }, (_, i) => ({
            name: `ch${i}`,
            type: 'clickhouse',
            url: fixture.httpUrl,
            ...SCANNER_ENV,
            dataChangeRunbook: 'https://atuin.example/runbook',
            backupPolicy: 'https://wiki.example/backups',
          })),
        },
      ],
    });
    const started = performance.now();
    const scan = await runScan({
      config,
      configPath: null,
      collectors: DATASTORE_COLLECTORS.filter((c) => c.kind === 'clickhouse'),
      serviceCollectors: [],
      checks: ALL_CHECKS.filter((c) => c.id.startsWith('clickhouse.')),
      log: silentLogger,
    });
    const ms = performance.now() - started;
    fixture.assertNoViolations();
    const findings = scan.services[0]!.findings;
    return { ms, perDatastore: fixture.queries.length / DATASTORES, findings: findings.length, errors: findings.filter((f) => f.status === 'error').length };
  } finally {
    delete process.env[SCANNER_ENV.userEnv];
    delete process.env[SCANNER_ENV.passwordEnv];
    await fixture.close();
  }
}

export async function run(): Promise<void> {
  const results: { concurrency: number; mutations: number; ms: number; perDatastore: number; findings: number; errors: number }[] = [];
  for (const [concurrency, mutations] of [
    [8, 10],
    [16, 10],
    [8, 1000],
  ] as const) {
    results.push({ concurrency, mutations, ...(await scanAll(concurrency, mutations)) });
  }
  for (const r of results) {
    console.log(
      `${DATASTORES} datastores, ${r.mutations} mutations and columns each, concurrency ${r.concurrency}: ${r.ms.toFixed(0)} ms ` +
        `(${((DATASTORES / r.ms) * 1000).toFixed(1)} datastores/s), ${r.perDatastore.toFixed(2)} statements per datastore, ${r.findings} findings, ${r.errors} errors`,
    );
  }
  const [c8, c16, big] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
  console.log(`ratio concurrency 16/8: ${(c16.ms / c8.ms).toFixed(2)}x time; 100x mutations and columns: ${(big.ms / c8.ms).toFixed(2)}x time, ${(big.perDatastore / c8.perDatastore).toFixed(2)}x statements`);
}
