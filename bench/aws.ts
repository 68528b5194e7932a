// AWS collection at scale: the estate of bench/aws/estate.ts served by the
// wire-format fixture server on its own thread. Prints API calls made against
// the minimum needed and wall time of a full scan at concurrency 1 and 16.
import { Worker } from 'node:worker_threads';
import { ALL_CHECKS } from '../checks';
import { ConfigSchema, type Config } from '../src/config/schema';
import { runScan } from '../src/engine/scan';
import { DATASTORE_COLLECTORS, ESTATE_COLLECTORS, SERVICE_COLLECTORS } from '../src/engine/registry';
import { silentLogger } from '../src/log';
import { useFixtureEnv } from '../test/support/aws-env';
import { REGIONS, type BenchEstate } from './aws/estate';

function configFor(datastores: unknown[], concurrency: number): Config {
  return ConfigSchema.parse({
    aws: { regions: REGIONS, discovery: true },
    scan: { concurrency, datastoreTimeoutSeconds: 300 },
    services: [{ name: 'fleet', environment: 'production', datastores }],
  });
}

/** A request/answer exchange with the fixture worker. */
function ask(worker: Worker, type: 'calls' | 'reset' | 'stop'): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    worker.once('message', (m: { calls: Record<string, number> }) => resolve(m.calls));
    worker.postMessage({ type });
  });
}

export async function run(): Promise<void> {
  // The worker registers tsx first (as bin/continuity.js does), then loads the TypeScript fixture.
  const entry = new URL('../test/support/aws-fixture-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: { builder: new URL('./aws/estate.ts', import.meta.url).href },
  });
  const { url, description } = await new Promise<{ url: string; description: BenchEstate }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const restore = useFixtureEnv(url);
  try {
    const { summary, datastores, minimum } = description;
    process.stdout.write(`estate: ${summary}\n`);
    for (const concurrency of [1, 16]) {
      await ask(worker, 'reset');
      const started = performance.now();
      const result = await runScan({
        config: configFor(datastores, concurrency),
        configPath: null,
        collectors: DATASTORE_COLLECTORS,
        serviceCollectors: SERVICE_COLLECTORS,
        estateCollectors: ESTATE_COLLECTORS,
        checks: ALL_CHECKS,
        log: silentLogger,
      });
      const wallMs = performance.now() - started;
      const calls = await ask(worker, 'calls');
      const made = Object.values(calls).reduce((a, b) => a + b, 0);
      const errors = result.services[0]!.datastores.filter((d) => d.collectionError).length;
      const t = result.totals;
      process.stdout.write(
        `concurrency ${String(concurrency).padStart(2)}: ${(wallMs / 1000).toFixed(2)} s wall, API calls made ${made} / minimum ${minimum} = ${(made / minimum).toFixed(2)}; ` +
          `${result.services[0]!.findings.length} findings (${t.pass} pass, ${t.fail} fail, ${t.warn} warn, ${t.error} error, ${t.unknown} unknown), ${errors} collection errors\n`,
      );
      process.stdout.write(`  calls by action: ${Object.entries(calls).sort().map(([a, n]) => `${a} ${n}`).join(', ')}\n`);
    }
  } finally {
    restore();
    await ask(worker, 'stop');
    await worker.terminate();
  }
}
