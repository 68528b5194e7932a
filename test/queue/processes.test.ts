// Queue mode across processes, on a real PostgreSQL: two `continuity serve`
// and three `continuity worker` processes of the real CLI, datastores slow on
// purpose (a delaying TCP proxy in front of PostgreSQL), a webhook receiver
// that is down at first. Over a simulated week of daily ticks each service is
// scanned exactly once per tick; a worker killed with SIGKILL mid-scan has its
// job retried by another and the scan recorded once; every alert arrives and
// none twice; zone B's job never runs on a zone-A worker; a job failing every
// time is dead-lettered and `continuity jobs --retry` queues it again.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigSchema, type Config } from '../../src/config/schema';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';
import { silentLogger } from '../../src/log';
import { openQueue, scanQueue, type QueueConnection } from '../../src/queue/boss';
import { tickQueue } from '../../src/queue/scheduler';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver';
import { runCli } from '../support/cli';
import { CliProcess, until } from '../support/cli-process';
import { startSlowProxy, type SlowProxy } from '../support/slow-proxy';
import { testPool } from '../support/test-pool';

const DAILY = { cron: '0 9 * * *', timezone: 'UTC' };
const ON_DEMAND = { cron: '0 3 1 1 *', timezone: 'UTC' };
const ZONE_A = ['orders', 'billing', 'stock', 'ledger'];

let server: EmbeddedServer;
let workDir: string;
let fast: SlowProxy;
let slow: SlowProxy;
let receiver: AlertReceiver;
let config: Config;
let configFile: string;
let queue: QueueConnection;
let history: pg.Pool;
const processes: CliProcess[] = [];

function start(label: string, args: string[]): CliProcess {
  const p = new CliProcess(label, [...args, '--config', configFile, '--port', '0'], { cwd: workDir });
  processes.push(p);
  return p;
}

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-queue-processes-'));
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  await admin.query('create database continuity');
  await admin.end();
  fast = await startSlowProxy({ host: '127.0.0.1', port: server.port }, 300);
  slow = await startSlowProxy({ host: '127.0.0.1', port: server.port }, 4000);
  receiver = await startAlertReceiver();
  const datastore = (proxy: SlowProxy) => [
    { name: 'db', type: 'postgres', url: `postgres://postgres:${server.password}@127.0.0.1:${proxy.port}/postgres?sslmode=disable` },
  ];
  const raw = {
    services: [
      ...ZONE_A.map((name) => ({ name, schedule: DAILY, datastores: datastore(fast) })),
      { name: 'vault', zone: 'b', schedule: DAILY, datastores: datastore(fast) },
      { name: 'broken', schedule: DAILY },
      { name: 'slowest', schedule: ON_DEMAND, datastores: datastore(slow) },
    ],
    history: { url: server.adminUrl('continuity') },
    alerts: {
      retry: { attempts: 2, initialDelayMs: 50, maxDelayMs: 100 },
      // The outage opens each worker's circuit; it is tried again a second later, not after the default 5 minutes.
      circuitBreaker: { failures: 5, openSeconds: 1 },
      sinks: [{ name: 'hook', type: 'webhook', url: receiver.url(), secret: 'a-webhook-secret-of-the-test' }],
    },
    serve: { outDir: path.join(workDir, 'out'), port: 0, shutdownGraceSeconds: 1 },
    queue: {
      pollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 1,
      expireSeconds: 20,
      retry: { limit: 2, delaySeconds: 1, backoff: false },
    },
  };
  config = ConfigSchema.parse(raw);
  configFile = path.join(workDir, 'continuity.yaml');
  await writeFile(configFile, stringify(raw));
  // The reports of `broken` cannot be written: every attempt of its job fails.
  await mkdir(config.serve.outDir, { recursive: true });
  await writeFile(path.join(config.serve.outDir, 'broken'), 'not a directory');
  history = testPool(server.adminUrl('continuity'));
});

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  await history?.end();
  await queue?.close();
  await receiver?.close();
  await fast?.close();
  await slow?.close();
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

async function scansOf(service: string): Promise<number> {
  const { rows } = await history.query<{ n: string }>('select count(*) as n from continuity.scan_services where service = $1', [service]);
  return Number(rows[0]!.n);
}

describe('queue mode with two serve and three worker processes', { timeout: 240_000 }, () => {
  const serves: CliProcess[] = [];
  const workers: CliProcess[] = [];

  it('start: both serve replicas keep one schedule per distinct cron; workers answer /healthz', async () => {
    // The receiver is down for the first deliveries.
    receiver.refuseNext(8);
    serves.push(start('serve-1', ['serve']), start('serve-2', ['serve']));
    for (const s of serves) await s.waitFor((l) => l.msg === 'listening');
    for (let i = 1; i <= 3; i++) workers.push(start(`worker-${i}`, ['worker', '--zone', 'default', '--concurrency', '1']));
    for (const w of workers) await w.waitFor((l) => l.msg === 'worker started');
    const { port } = await workers[0]!.waitFor((l) => l.msg === 'listening');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);

    queue = await openQueue(config, silentLogger, { schedule: false, supervise: false, name: 'test' });
    const schedules = await queue.boss.getSchedules();
    expect(schedules.map((s) => s.name).sort()).toEqual([tickQueue(DAILY), tickQueue(ON_DEMAND)].sort());
  });

  it('over a simulated week of daily ticks, each service is scanned exactly once per tick', async () => {
    for (let day = 1; day <= 7; day++) {
      // What pg-boss's cron sends at each scheduled time; either serve replica handles it.
      await queue.boss.send(tickQueue(DAILY), DAILY);
      await until(
        () => Promise.all(ZONE_A.map(scansOf)),
        (counts) => counts.every((n) => n >= day),
        `the scans of day ${day}`,
      );
      // Settled: nothing of this tick still queued or running in zone A (besides `broken`).
      await until(
        () => queue.pool.query(`select count(*)::int as n from pgboss.job where name = $1 and singleton_key <> 'broken' and state < 'completed'`, [scanQueue('default')]),
        (r) => r.rows[0].n === 0,
        `day ${day} settled`,
      );
      expect(await Promise.all(ZONE_A.map(scansOf))).toEqual(ZONE_A.map(() => day));
    }
    const ticksHandled = serves.map((s) => s.logs.filter((l) => l.msg === 'scan queued').length);
    expect(ticksHandled.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(7 * ZONE_A.length);
    // Every zone-A worker took part; the work is spread.
    for (const w of workers) expect(w.scansStarted().length).toBeGreaterThan(0);
  });

  it("zone b's job never runs on a zone-A worker: it waits, visible in `continuity jobs`, until a zone-b worker starts", async () => {
    for (const w of workers) expect(w.scansStarted('vault')).toEqual([]);
    expect(await scansOf('vault')).toBe(0);
    const listed = await runCli(['jobs', '--config', configFile, '--zone', 'b', '--json'], { cwd: workDir });
    expect(listed.code).toBe(0);
    const { zones, jobs } = JSON.parse(listed.stdout) as { zones: { zone: string; queued: number; oldestQueuedSeconds: number }[]; jobs: { service: string }[] };
    expect(zones).toEqual([expect.objectContaining({ zone: 'b', queued: 1 })]);
    expect(zones[0]!.oldestQueuedSeconds).toBeGreaterThan(1);
    expect(jobs.map((j) => j.service)).toEqual(['vault']);
    const zoneB = start('worker-b', ['worker', '--zone', 'b']);
    await until(() => scansOf('vault'), (n) => n === 1, 'the vault scan');
    expect(zoneB.scansStarted().map((l) => l.service)).toEqual(['vault']);
  });

  it('a job failing every time lands in the dead-letter queue; `continuity jobs --retry` queues it again', async () => {
    const failed = await until(
      async () => {
        const r = await runCli(['jobs', '--config', configFile, '--failed', '--json'], { cwd: workDir });
        return (JSON.parse(r.stdout) as { jobs: { id: string; service: string; deadLetter: boolean; retryCount: number }[] }).jobs;
      },
      (jobs) => jobs.some((j) => j.deadLetter),
      'the dead letter of broken',
    );
    expect(new Set(failed.filter((j) => j.deadLetter).map((j) => j.service))).toEqual(new Set(['broken']));
    expect(failed.find((j) => !j.deadLetter)).toMatchObject({ service: 'broken', retryCount: 2 });
    const text = await runCli(['jobs', '--config', configFile, '--failed'], { cwd: workDir });
    expect(text.stdout).toMatch(/dead-letter/);
    const letter = failed.find((j) => j.deadLetter)!;
    const retried = await runCli(['jobs', '--config', configFile, '--retry', letter.id], { cwd: workDir });
    expect([retried.code, retried.stdout]).toEqual([0, expect.stringMatching(/^queued [0-9a-f-]{36}\n$/)]);
    const unknown = await runCli(['jobs', '--config', configFile, '--retry', letter.id], { cwd: workDir });
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('no scan job')]);
  });

  it('kill -9 of a worker mid-scan: the job expires, another worker runs it, the scan is recorded once', async () => {
    await queue.boss.send(tickQueue(ON_DEMAND), ON_DEMAND);
    const runner = await Promise.any(workers.map((w) => w.waitFor((l) => l.msg === 'scan job started' && l.service === 'slowest').then(() => w)));
    const { job } = runner.scansStarted('slowest')[0]!;
    runner.child.kill('SIGKILL');
    await runner.exited;
    await until(() => scansOf('slowest'), (n) => n === 1, 'the retried slowest scan', 120_000);
    const retriedBy = workers.filter((w) => w !== runner && w.scansStarted('slowest').some((l) => l.job === job));
    expect(retriedBy).toHaveLength(1);
    const { rows } = await history.query('select scan_id from continuity.scan_jobs where job_id = $1', [job]);
    expect(rows).toHaveLength(1);
    const final = await until(() => queue.boss.getJobById(scanQueue('default'), job!), (j) => j?.state === 'completed', 'the job completed');
    expect(final!.retryCount).toBe(1);
    expect(await scansOf('slowest')).toBe(1);
  });

  it('after the receiver outage every alert arrived, none twice (by idempotency key)', async () => {
    const outbox = await until(
      () => history.query<{ key: string; delivered: boolean }>(`select message->>'key' as key, delivered_at is not null as delivered from continuity.outbox`),
      (r) => r.rows.length > 0 && r.rows.every((row) => row.delivered),
      'every outbox item delivered',
    );
    expect(receiver.requests.some((r) => !r.accepted)).toBe(true);
    const keys = receiver.accepted().map((r) => r.headers['idempotency-key'] as string);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(outbox.rows.map((r) => r.key).sort());
  });

  it('SIGTERM mid-scan past the grace period: the worker exits 0 and its job is run by another worker, recorded once', async () => {
    const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const before = new Set(alive.flatMap((w) => w.scansStarted('slowest').map((l) => l.job)));
    await queue.boss.send(tickQueue(ON_DEMAND), ON_DEMAND);
    const runner = await Promise.any(
      alive.map((w) => w.waitFor((l) => l.msg === 'scan job started' && l.service === 'slowest' && !before.has(l.job)).then(() => w)),
    );
    const { job } = runner.scansStarted('slowest').find((l) => !before.has(l.job))!;
    runner.child.kill('SIGTERM');
    expect(await runner.exited).toBe(0);
    expect(runner.logs.map((l) => l.msg)).toContain('abandoning running scans: their results are not recorded');
    await until(() => scansOf('slowest'), (n) => n === 2, 'the scan of the job left by the stopped worker');
    const retriedBy = alive.filter((w) => w !== runner && w.scansStarted('slowest').some((l) => l.job === job));
    expect(retriedBy).toHaveLength(1);
    const { rows } = await history.query('select 1 from continuity.scan_jobs where job_id = $1', [job]);
    expect(rows).toHaveLength(1);
  });

  it('SIGTERM: a worker stops taking jobs and exits 0; serve replicas stop cleanly', async () => {
    for (const p of [...workers, ...serves].filter((p) => p.child.exitCode === null && p.child.signalCode === null)) {
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.logs.at(-1)?.msg).toBe('stopped');
    }
  });
});
