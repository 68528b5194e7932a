// A child process for the SIGKILL test: it records a fixed sequence of large
// synthetic scans through the real pipeline (drift, history commit with the
// outbox, webhook delivery), resuming after the scans the history already has.
// Usage: node --import tsx history-writer.ts <history dir> <webhook url> <secret>
import { ConfigSchema } from '../../src/config/schema';
import { deliverPending } from '../../src/alerts/deliver';
import { createSinks } from '../../src/alerts/sinks';
import { FileHistoryStore } from '../../src/history/file-store';
import { driftSinceHistory, recordScan } from '../../src/history/record';
import { silentLogger } from '../../src/log';
import type { Finding } from '../../src/model';
import { finding, scanOf } from './scan-fixtures';

export const SEQUENCE: { ssl: 'pass' | 'fail'; fk: 'pass' | 'fail' }[] = [
  { ssl: 'pass', fk: 'pass' },
  { ssl: 'fail', fk: 'pass' },
  { ssl: 'fail', fk: 'fail' },
  { ssl: 'pass', fk: 'fail' },
];
/** Enough passing findings to make each scan file several megabytes, so a kill lands mid-write. */
const FILLER = 40_000;

function scanNumber(n: number) {
  const step = SEQUENCE[n - 1]!;
  const filler: Finding[] = Array.from({ length: FILLER }, (_, i) =>
    finding({ checkId: 'pg.fk', status: 'pass', resource: `orders-db:public.t${i}`, severity: 'medium' }),
  );
  return scanOf(
    [finding({ checkId: 'pg.ssl', status: step.ssl }), finding({ checkId: 'pg.fk', status: step.fk, severity: 'medium' }), ...filler],
    { at: new Date(Date.UTC(2025, 0, 6 + 7 * (n - 1), 9)).toISOString(), scanId: `scan-${n}-${process.pid}` },
  );
}

const [dir, url, secret] = process.argv.slice(2) as [string, string, string];
const config = ConfigSchema.parse({
  services: [{ name: 'orders', owner: 'team-orders' }],
  alerts: { sinks: [{ name: 'hook', type: 'webhook', url, secret }], retry: { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 } },
});
const store = await FileHistoryStore.open(dir, { keep: 10 });
const [sink] = createSinks(config.alerts);
for (let n = (await store.list()).length + 1; n <= SEQUENCE.length; n++) {
  const scan = scanNumber(n);
  const drift = await driftSinceHistory(store, scan);
  process.stdout.write(`recording ${n}\n`);
  await recordScan(store, scan, drift, config.alerts);
  process.stdout.write(`recorded ${n}\n`);
  await deliverPending(store, [sink!], { ...config.alerts.retry, log: silentLogger });
}
await store.close();
process.stdout.write('done\n');
