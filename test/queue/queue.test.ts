// Queue mode in one process, on a real PostgreSQL: serve queues, a worker of
// the zone scans, triggers coalesce, zones are isolated, a job failing every
// time is dead-lettered and can be retried, a commit is idempotent by job id,
// and an outbox item is claimed by one deliverer only.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type Config } from '../../src/config/schema';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';
import { PostgresHistoryStore } from '../../src/history/postgres-store';
import { silentLogger } from '../../src/log';
import { enqueueScan, ensureZoneQueues, expireSecondsOf, openQueue, scanQueue, tickJobId, type QueueConnection } from '../../src/queue/boss';
import { listJobs, retryJob, zoneDepths } from '../../src/queue/jobs';
import { tickQueue } from '../../src/queue/scheduler';
import { QueueWorker } from '../../src/queue/worker';
import { ContinuityService } from '../../src/service/serve';
import { until } from '../support/cli-process';
import { scanOf } from '../support/scan-fixtures';

let server: EmbeddedServer;
let workDir: string;
beforeAll(async () => {
  server = await startEmbeddedPostgres();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-queue-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

async function database(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return server.adminUrl(name);
}

async function config(name: string, services: Record<string, unknown>[], queue: Record<string, unknown> = {}): Promise<Config> {
  const url = await database(name);
  return ConfigSchema.parse({
    services,
    history: { url },
    serve: { outDir: path.join(workDir, name, 'out'), port: 0, shutdownGraceSeconds: 5 },
    queue: { pollingIntervalSeconds: 0.5, retry: { limit: 1, delaySeconds: 0, backoff: false }, ...queue },
  });
}

describe('configuration', () => {
  it('queue mode without the PostgreSQL history store is refused at history.url', () => {
    const parsed = ConfigSchema.safeParse({ services: [{ name: 'a' }], queue: {} });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toEqual([expect.objectContaining({ path: ['history', 'url'], message: expect.stringContaining('queue mode needs') })]);
    expect(ConfigSchema.safeParse({ services: [{ name: 'a', zone: 'eu west' }] }).success).toBe(false);
  });
});

describe('queue mode', () => {
  let cfg: Config;
  let serve: ContinuityService;
  let worker: QueueWorker;
  let queue: QueueConnection;
  let servePort: number;
  beforeAll(async () => {
    cfg = await config('q1', [
      { name: 'orders', schedule: { cron: '0 6 * * *', timezone: 'Europe/Paris' } },
      { name: 'billing' },
      { name: 'vault', zone: 'private' },
      { name: 'broken' },
    ]);
    // The reports of `broken` cannot be written: its scan fails every time.
    await mkdir(cfg.serve.outDir, { recursive: true });
    await writeFile(path.join(cfg.serve.outDir, 'broken'), 'not a directory');
    serve = new ContinuityService({ config: cfg, configPath: null, log: silentLogger });
    ({ port: servePort } = await serve.start());
    queue = await openQueue(cfg, silentLogger, { schedule: false, supervise: false, name: 'test' });
  });
  afterAll(async () => {
    await worker?.stop();
    await serve?.stop();
    await queue?.close();
  });

  it('puts one schedule per distinct cron into pg-boss and queues triggers instead of scanning', async () => {
    const schedules = await queue.boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron, s.options?.tz]).sort()).toEqual(
      [
        [tickQueue({ cron: '0 6 * * *', timezone: 'Europe/Paris' }), '0 6 * * *', 'Europe/Paris'],
        [tickQueue(cfg.serve.schedule), '0 9 * * 1', 'UTC'],
      ].sort(),
    );
    expect(await serve.runService('orders')).toBe('queued');
    // Queued and not yet running: a second trigger is coalesced.
    expect(await serve.runService('orders')).toBe('coalesced');
    expect(await serve.runService('vault')).toBe('queued');
    expect(await serve.historyStore.list()).toEqual([]);
    const jobs = await listJobs(queue);
    expect(jobs.map((j) => [j.zone, j.service, j.state]).sort()).toEqual([
      ['default', 'orders', 'created'],
      ['private', 'vault', 'created'],
    ]);
  });

  it('a worker of the zone runs the job; the scan is recorded with its job id; the other zone keeps its job', async () => {
    ({ worker } = await QueueWorker.start({ config: cfg, configPath: null, zone: 'default', concurrency: 2, log: silentLogger, port: 0 }));
    const [orders] = await until(() => serve.historyStore.list({ service: 'orders' }), (l) => l.length === 1, 'the orders scan');
    const { rows } = await queue.pool.query<{ job_id: string; scan_id: string }>('select job_id, scan_id from continuity.scan_jobs');
    expect(rows).toEqual([{ job_id: expect.any(String), scan_id: orders!.scanId }]);
    const job = await until(
      () => queue.boss.getJobById(scanQueue('default'), rows[0]!.job_id),
      (j) => j?.state === 'completed',
      'the orders job completed',
    );
    expect(job!.data).toMatchObject({ service: 'orders' });
    // Zone isolation: the private zone's job waits for a worker of its zone, and shows its age.
    const depths = await zoneDepths(queue, ['default', 'private']);
    expect(depths.find((d) => d.zone === 'private')).toMatchObject({ queued: 1, running: 0 });
    expect(depths.find((d) => d.zone === 'private')!.oldestQueuedSeconds).toBeGreaterThan(0);
    expect(await serve.historyStore.list({ service: 'vault' })).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${servePort}/metrics`)).text();
    expect(metrics).toMatch(/continuity_queue_jobs_queued\{zone="private"\} 1/);
    expect(metrics).toMatch(/continuity_queue_jobs_queued\{zone="default"\} 0/);
  });

  it('a tick handled twice queues one scan job per service (stable job ids)', async () => {
    const tick = tickQueue(cfg.serve.schedule);
    const tickId = await queue.boss.send(tick, { cron: '0 9 * * 1', timezone: 'UTC' });
    await until(() => serve.historyStore.list({ service: 'billing' }), (l) => l.length === 1, 'the billing scan of the tick');
    const billingJob = await queue.boss.getJobById(scanQueue('default'), tickJobId(tickId!, 'billing'));
    expect(billingJob?.data).toMatchObject({ service: 'billing', tick: expect.any(String) });
    // The same tick job again (a serve replica killed while handling it): no second scan job.
    await queue.boss.retry(tick, tickId!);
    await until(() => queue.boss.getJobById(tick, tickId!), (j) => j?.state === 'completed', 'the retried tick');
    const { rows } = await queue.pool.query(`select id from pgboss.job where name = $1 and singleton_key = 'billing'`, [scanQueue('default')]);
    expect(rows).toHaveLength(1);
  });

  it('a job failing every time goes to the dead-letter queue, shows as failed, and can be retried from there', async () => {
    // `broken` was queued by the tick above too; its scan fails, is retried once, then dead-lettered.
    const dead = await until(
      () => listJobs(queue, { failed: true }),
      (jobs) => jobs.some((j) => j.deadLetter && j.service === 'broken'),
      'the dead letter',
    );
    const failed = dead.find((j) => !j.deadLetter && j.service === 'broken');
    expect(failed).toMatchObject({ state: 'failed', retryCount: 1, error: 'scan of broken: failed' });
    const letter = dead.find((j) => j.deadLetter)!;
    expect((await zoneDepths(queue)).find((d) => d.zone === 'default')).toMatchObject({ deadLetters: 1, failed: 1 });
    const retried = await retryJob(queue, cfg, letter.id);
    expect(retried).toEqual({ id: expect.any(String) });
    // The service's own expiry, not the 15-minute default pg-boss gives a dead letter.
    const { rows } = await queue.pool.query<{ expire: number }>('select extract(epoch from expire_in)::float8 as expire from pgboss.job where id = $1', [
      (retried as { id: string }).id,
    ]);
    expect(rows).toEqual([{ expire: expireSecondsOf(cfg, 'broken') }]);
    expect(await retryJob(queue, cfg, letter.id)).toEqual({ error: expect.stringContaining('no scan job') });
    const again = await until(
      () => queue.boss.getJobById(scanQueue('default'), (retried as { id: string }).id),
      (j) => j?.state === 'failed',
      'the retried dead letter failing again',
    );
    expect(again!.retryCount).toBe(1);
  });
});

describe('exactly one effect in the history store', () => {
  it('triggers of one service racing from two serve connections queue one scan job', async () => {
    const cfg = await config('q3', [{ name: 'orders' }]);
    const a = await openQueue(cfg, silentLogger, { schedule: false, supervise: false, name: 'test-a' });
    const b = await openQueue(cfg, silentLogger, { schedule: false, supervise: false, name: 'test-b' });
    try {
      await ensureZoneQueues(a, ['default']);
      const ids = await Promise.all([a, b, a, b, a, b].map((queue) => enqueueScan(queue, cfg, { service: 'orders' })));
      expect(ids.filter((id) => id !== null)).toHaveLength(1);
      const { rows } = await a.pool.query(`select id from pgboss.job where name = $1 and singleton_key = 'orders'`, [scanQueue('default')]);
      expect(rows).toEqual([{ id: ids.find((id) => id !== null) }]);
      // Running, not queued: pg-boss's stately policy would take a second job; the check coalesces it.
      const [taken] = await b.boss.fetch(scanQueue('default'));
      expect(taken?.id).toBe(rows[0].id);
      expect(await a.boss.getJobById(scanQueue('default'), taken!.id)).toMatchObject({ state: 'active' });
      expect(await enqueueScan(a, cfg, { service: 'orders' })).toBeNull();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a second commit of the same job records nothing; an outbox item is claimed by one deliverer at a time', async () => {
    const url = await database('q2');
    const a = await PostgresHistoryStore.open(url, { keep: 10, log: silentLogger });
    const b = await PostgresHistoryStore.open(url, { keep: 10, log: silentLogger });
    try {
      const item = { id: 'msg-1', sink: 'hook', message: { kind: 'event' } as never, createdAt: '2025-01-06T09:00:00.000Z', attempts: 0 };
      const first = scanOf([], { scanId: 'scan-1' });
      const second = scanOf([], { scanId: 'scan-2' });
      const results = await Promise.all([
        a.record({ scan: first, outbox: [item], digests: [], jobId: 'job-1' }),
        b.record({ scan: second, outbox: [item], digests: [], jobId: 'job-1' }),
      ]);
      expect(results.sort()).toEqual([false, true]);
      expect((await a.list()).map((s) => s.scanId)).toHaveLength(1);
      expect(await a.record({ scan: scanOf([], { scanId: 'scan-3' }), outbox: [], digests: [], jobId: 'job-2' })).toBe(true);

      const claims = await Promise.all([a.claim('msg-1', 60_000), b.claim('msg-1', 60_000), a.claim('msg-1', 60_000)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      // A failed attempt releases the claim for the next run; an expired lease is taken again.
      await a.markFailed('msg-1', 'receiver down', new Date());
      expect(await b.claim('msg-1', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await a.claim('msg-1', 60_000)).toBe(true);
      await a.markDelivered('msg-1', new Date());
      expect(await b.claim('msg-1', 60_000)).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

