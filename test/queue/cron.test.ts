// Two `continuity serve` processes in queue mode on one real PostgreSQL, with
// a schedule of every minute and pg-boss's own cron (no simulated tick): each
// minute's tick fires once across both replicas, and it queues each service's
// scan once. No worker runs: the scans stay queued, so what is counted is what
// the serves queued. Waits for a real minute boundary (at most about 75 s).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';
import { scanQueue, tickJobId } from '../../src/queue/boss';
import { tickQueue } from '../../src/queue/scheduler';
import { CliProcess, until } from '../support/cli-process';
import { testPool } from '../support/test-pool';

const EVERY_MINUTE = { cron: '* * * * *', timezone: 'UTC' };
const SERVICES = ['orders', 'billing', 'stock'];

let server: EmbeddedServer;
let workDir: string;
let db: pg.Pool;
const serves: CliProcess[] = [];

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-queue-cron-'));
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  await admin.query('create database continuity');
  await admin.end();
  const raw = {
    services: SERVICES.map((name) => ({ name, schedule: EVERY_MINUTE })),
    history: { url: server.adminUrl('continuity') },
    serve: { outDir: path.join(workDir, 'out'), port: 0 },
    queue: { pollingIntervalSeconds: 0.5 },
  };
  const configFile = path.join(workDir, 'continuity.yaml');
  await writeFile(configFile, stringify(raw));
  for (let i = 1; i <= 2; i++) serves.push(new CliProcess(`serve-${i}`, ['serve', '--config', configFile, '--port', '0'], { cwd: workDir }));
  for (const s of serves) await s.waitFor((l) => l.msg === 'listening');
  db = testPool(server.adminUrl('continuity'));
});

afterAll(async () => {
  for (const s of serves) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  await Promise.all(serves.map((s) => s.exited));
  await db?.end();
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe('pg-boss cron with two serve replicas', { timeout: 120_000 }, () => {
  it("fires a minute's tick once, and its scans are queued once", async () => {
    const { rows: ticks } = await until(
      () => db.query<{ id: string; minute: Date; state: string }>(`select id, date_trunc('minute', created_on) as minute, state::text as state from pgboss.job where name = $1 order by created_on`, [tickQueue(EVERY_MINUTE)]),
      (r) => r.rows.some((t) => t.state === 'completed'),
      'a tick handled',
      90_000,
    );
    // One tick job per minute, however many replicas run the cron monitor.
    const perMinute = new Map<number, number>();
    for (const t of ticks) perMinute.set(t.minute.getTime(), (perMinute.get(t.minute.getTime()) ?? 0) + 1);
    expect([...perMinute.values()].every((n) => n === 1)).toBe(true);
    const first = ticks.find((t) => t.state === 'completed')!;
    const { rows: scans } = await db.query<{ id: string; service: string }>(`select id, singleton_key as service from pgboss.job where name = $1 order by 2`, [scanQueue('default')]);
    // Each service's scan queued once, by the replica that handled the tick (ids derived from the tick job).
    expect(scans).toEqual(SERVICES.map((service) => ({ id: tickJobId(first.id, service), service })).sort((a, b) => a.service.localeCompare(b.service)));
    const queuedBy = serves.map((s) => s.logs.filter((l) => l.msg === 'scan queued').length);
    expect(queuedBy.reduce((a, b) => a + b)).toBe(SERVICES.length);
  });
});
