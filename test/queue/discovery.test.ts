// Estate discovery as jobs of its own, on a real PostgreSQL: two `continuity
// worker` processes scan the services of two AWS accounts (the AWS fixture
// server, buckets slow on purpose so the scans overlap). Per tick, each
// account is listed once (counted on the fixture server), by one discovery job,
// and every scan of the tick reports what that listing found. When one
// account's listing is denied, every scan of the tick says so for that account
// and still uses the other's; a worker killed mid-discovery holds up no scan
// beyond its datastore timeout. Discovery jobs show in `continuity jobs` and
// /metrics, and a failed one can be retried from the CLI.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigSchema, type Config } from '../../src/config/schema';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';
import type { AwsDiscoveryFacts } from '../../src/datastores/aws/facts';
import { createScanCache } from '../../src/engine/scan';
import { silentLogger } from '../../src/log';
import type { ScanResult } from '../../src/model';
import { enqueueScan, openQueue, scanQueue, stableJobId, type QueueConnection } from '../../src/queue/boss';
import { discoveryQueue, ensureDiscoveryQueue, SharedDiscovery, type DiscoveryJobData } from '../../src/queue/discovery';
import type { JobRow, ZoneDepth } from '../../src/queue/jobs';
import { fixtureEnv, useFixtureEnv } from '../support/aws-env';
import { runCli } from '../support/cli';
import { AwsFixtureServer } from '../support/aws-fixture-server';
import { CliProcess, until } from '../support/cli-process';
import { testPool } from '../support/test-pool';

const REGION = 'eu-west-1';
const ACCOUNTS = ['111111111111', '222222222222'];
const roleOf = (account: string) => `arn:aws:iam::${account}:role/continuity-read`;
const SERVICES = Array.from({ length: 6 }, (_, i) => ({ name: `svc-${i}`, account: ACCOUNTS[i % 2]! }));

let server: EmbeddedServer;
let fixture: AwsFixtureServer;
let workDir: string;
let config: Config;
let queue: QueueConnection;
let history: pg.Pool;
let configFile: string;
const workers: CliProcess[] = [];

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-queue-discovery-'));
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  await admin.query('create database continuity');
  await admin.end();
  fixture = new AwsFixtureServer();
  for (const account of ACCOUNTS) {
    fixture.addRole(roleOf(account), account);
    // Registered by no service: every scan's estate findings name it.
    fixture.buckets(account).push({ name: `stray-${account}`, region: REGION });
  }
  for (const { name, account } of SERVICES) fixture.buckets(account).push({ name: `${name}-data`, region: REGION, versioning: 'Enabled' });
  fixture.inject({ action: 'GetBucketVersioning', code: 'Slow', delayMs: 500 });
  const url = await fixture.start();
  const raw = {
    aws: { regions: [REGION], discovery: true, accounts: ACCOUNTS.map((id) => ({ id, roleArn: roleOf(id) })) },
    services: SERVICES.map(({ name, account }) => ({
      name,
      datastores: [{ name: `${name}-data`, type: 's3-bucket', bucket: `${name}-data`, region: REGION, account }],
    })),
    history: { url: server.adminUrl('continuity') },
    serve: { outDir: path.join(workDir, 'out'), formats: ['json'], port: 0 },
    // A scan waits for its tick's discovery at most this long (the kill -9 test below relies on it).
    scan: { datastoreTimeoutSeconds: 8 },
    // A killed worker's scan jobs expire after 20 s and are retried once by the other worker.
    queue: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1, expireSeconds: 20, retry: { limit: 1, delaySeconds: 0, backoff: false } },
  };
  config = ConfigSchema.parse(raw);
  configFile = path.join(workDir, 'continuity.yaml');
  await writeFile(configFile, stringify(raw));
  for (let i = 1; i <= 2; i++) {
    workers.push(new CliProcess(`worker-${i}`, ['worker', '--config', configFile, '--concurrency', '3', '--port', '0'], { cwd: workDir, env: fixtureEnv(url) }));
  }
  for (const w of workers) await w.waitFor((l) => l.msg === 'worker started');
  queue = await openQueue(config, silentLogger, { schedule: false, supervise: false, name: 'test' });
  history = testPool(server.adminUrl('continuity'));
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await history?.end();
  await queue?.close();
  await fixture?.stop();
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** What the schedule's tick does (QueueScheduler.onTick): one scan job per service, all with the tick's time. */
async function tick(at: string): Promise<ScanResult[]> {
  for (const { name } of SERVICES) await enqueueScan(queue, config, { service: name, tick: at });
  const { rows } = await until(
    () =>
      history.query<{ result: ScanResult }>(
        `select s.result from continuity.scans s join continuity.scan_jobs j using (scan_id)
         where j.job_id in (select id::text from pgboss.job where data->>'tick' = $1)`,
        [at],
      ),
    (r) => r.rows.length === SERVICES.length,
    `the scans of tick ${at}`,
  );
  return rows.map((r) => r.result);
}

/** `continuity jobs --json` with these arguments. */
async function jobs(...args: string[]): Promise<{ zones: ZoneDepth[]; jobs: JobRow[] }> {
  const listed = await runCli(['jobs', '--config', configFile, '--json', ...args], { cwd: workDir });
  expect([listed.code, listed.stderr]).toEqual([0, '']);
  return JSON.parse(listed.stdout) as { zones: ZoneDepth[]; jobs: JobRow[] };
}

async function metrics(worker: CliProcess): Promise<string> {
  const { port } = await worker.waitFor((l) => l.msg === 'listening');
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

/** The job ids of a tick's scans. */
async function scanJobsOf(at: string): Promise<string[]> {
  const { rows } = await queue.pool.query<{ id: string }>(`select id::text from pgboss.job where name = $1 and data->>'tick' = $2`, [scanQueue('default'), at]);
  return rows.map((r) => r.id);
}

function unregistered(scan: ScanResult) {
  return scan.estate.findings.filter((f) => f.checkId === 'datastore.unregistered');
}

function strays(scan: ScanResult): string[] {
  return scan.estate.findings
    .filter((f) => f.checkId === 'datastore.unregistered' && f.status === 'fail')
    .map((f) => f.resource)
    .sort();
}

describe('estate discovery as jobs (two worker processes, two AWS accounts)', { timeout: 180_000 }, () => {
  it('lists each account once per tick, and every scan of the tick reports what it found', async () => {
    fixture.resetCalls();
    const first = await tick('2026-11-30T09:00:00.000Z');
    expect(fixture.calls.get('ListBuckets')).toBe(ACCOUNTS.length);
    expect(fixture.calls.get('DescribeDBInstances')).toBe(ACCOUNTS.length);
    for (const scan of first) expect(strays(scan)).toEqual(ACCOUNTS.map((a) => `s3-bucket:${a}/stray-${a}`));
    // Both workers scanned; one discovery job per account ran.
    for (const w of workers) expect(w.scansStarted().length).toBeGreaterThan(0);
    const { rows } = await queue.pool.query<{ scope: string; state: string }>(
      `select data->>'scope' as scope, state::text as state from pgboss.job where name = $1 and data->>'tick' = $2 order by 1`,
      [discoveryQueue('default'), '2026-11-30T09:00:00.000Z'],
    );
    expect(rows).toEqual(ACCOUNTS.map((scope) => ({ scope, state: 'completed' })));
    const discovered = workers.flatMap((w) => w.logs.filter((l) => l.msg === 'estate discovered'));
    expect(discovered.map((l) => l.scope).sort()).toEqual(ACCOUNTS);
  });

  it('the next tick discovers again, once per account; what changed in between shows in its scans', async () => {
    fixture.resetCalls();
    fixture.buckets(ACCOUNTS[0]!).push({ name: 'new-stray', region: REGION });
    const second = await tick('2026-12-01T09:00:00.000Z');
    expect(fixture.calls.get('ListBuckets')).toBe(ACCOUNTS.length);
    for (const scan of second) expect(strays(scan)).toContain(`s3-bucket:${ACCOUNTS[0]}/new-stray`);
  });

  it('a triggered scan (no tick) lists the estate itself', async () => {
    fixture.resetCalls();
    const id = await enqueueScan(queue, config, { service: SERVICES[0]!.name });
    await until(() => history.query('select 1 from continuity.scan_jobs where job_id = $1', [id]), (r) => r.rows.length === 1, 'the triggered scan');
    expect(fixture.calls.get('ListBuckets')).toBe(ACCOUNTS.length);
    const { rows } = await queue.pool.query(`select 1 from pgboss.job where name = $1 and not (data ? 'tick')`, [discoveryQueue('default')]);
    expect(rows).toEqual([]);
  });
  it("one account's listing denied: every scan of the tick reports it unreadable, uses the other account's, and it is listed once", async () => {
    const [denied, allowed] = ACCOUNTS as [string, string];
    fixture.resetCalls();
    fixture.inject({ action: 'ListBuckets', code: 'AccessDenied', account: denied });
    fixture.inject({ action: 'DescribeDBInstances', code: 'AccessDenied', account: denied });
    const at = '2026-12-02T09:00:00.000Z';
    const scans = await tick(at);
    // One call per account and action: the denied listing was made once for the tick, not once per scan.
    expect(fixture.calls.get('ListBuckets')).toBe(ACCOUNTS.length);
    expect(fixture.calls.get('DescribeDBInstances')).toBe(ACCOUNTS.length);
    for (const scan of scans) {
      const findings = unregistered(scan);
      expect(findings.filter((f) => f.status === 'pass')).toEqual([]);
      expect(findings.filter((f) => f.status === 'unknown').map((f) => [f.resource, f.message])).toEqual(
        expect.arrayContaining([
          [`aws:${denied}/${REGION}`, expect.stringMatching(/^rds:DescribeDBInstances could not be read: .*AccessDenied/)],
          [`aws:${denied}`, expect.stringMatching(/^s3:ListBuckets could not be read: .*AccessDenied/)],
        ]),
      );
      // The allowed account's listing is still used.
      expect(strays(scan)).toEqual([`s3-bucket:${allowed}/stray-${allowed}`]);
    }
    // The discovery jobs themselves succeeded at the first attempt: the denial is a fact they stored, not a job failure.
    const { rows } = await queue.pool.query<{ scope: string; state: string; retry_count: number }>(
      `select data->>'scope' as scope, state::text as state, retry_count from pgboss.job where name = $1 and data->>'tick' = $2 order by 1`,
      [discoveryQueue('default'), at],
    );
    expect(rows).toEqual(ACCOUNTS.map((scope) => ({ scope, state: 'completed', retry_count: 0 })));
  });

  it('the tick after the denial lists the account again, and its scans use what it found', async () => {
    fixture.faults.splice(0, fixture.faults.length);
    fixture.resetCalls();
    const scans = await tick('2026-12-03T09:00:00.000Z');
    expect(fixture.calls.get('ListBuckets')).toBe(ACCOUNTS.length);
    for (const scan of scans) {
      expect(unregistered(scan).filter((f) => f.status === 'unknown' || f.status === 'error')).toEqual([]);
      expect(strays(scan)).toEqual(expect.arrayContaining(ACCOUNTS.map((a) => `s3-bucket:${a}/stray-${a}`)));
    }
  });

  it("a scan that starts after one account's discovery failed as a whole still uses the other account's", async () => {
    const [slow, listed] = ACCOUNTS as [string, string];
    fixture.resetCalls();
    // Slower than scan.datastoreTimeoutSeconds (8 s): the discovery of `slow` times out, and stores that.
    fixture.inject({ action: 'ListBuckets', code: 'Slow', delayMs: 10_000, account: slow, times: 1 });
    const at = '2026-12-06T09:00:00.000Z';
    // The tick's first scan queues the discoveries (and itself gives up waiting after its own 8 s).
    await enqueueScan(queue, config, { service: SERVICES[0]!.name, tick: at });
    const stored = await until(
      () => queue.pool.query<{ scope: string; facts: { ok: boolean; error?: string } }>('select scope, facts from continuity_queue.discoveries where tick = $1 order by 1', [at]),
      (r) => r.rows.length === ACCOUNTS.length,
      'both discoveries of the tick stored',
    );
    expect(stored.rows.map((r) => [r.scope, r.facts.ok, r.facts.error])).toEqual([
      [slow, false, 'timed out after 8s'],
      [listed, true, undefined],
    ]);
    // A scan of the tick that starts now (behind a backlog of scans, or retried) reads both.
    const id = (await enqueueScan(queue, config, { service: SERVICES[1]!.name, tick: at }))!;
    const { rows } = await until(
      () => history.query<{ result: ScanResult }>('select s.result from continuity.scans s join continuity.scan_jobs j using (scan_id) where j.job_id = $1', [id]),
      (r) => r.rows.length === 1,
      'the late scan of the tick',
    );
    const findings = unregistered(rows[0]!.result);
    expect(findings.filter((f) => f.status === 'pass' || f.status === 'error')).toEqual([]);
    expect(strays(rows[0]!.result)).toEqual([`s3-bucket:${listed}/stray-${listed}`]);
    expect(findings.filter((f) => f.resource === `aws:${slow}`)).toEqual([
      expect.objectContaining({ status: 'unknown', message: expect.stringContaining(`the discovery of account ${slow} failed: timed out after 8s`) }),
    ]);
    // Neither scan listed the accounts again.
    expect(fixture.calls.get('ListBuckets')).toBe(ACCOUNTS.length);
  });

  it('a discovery job failing every attempt is listed by `continuity jobs --failed` and /metrics, and `--retry` runs it again', async () => {
    // A collector this worker's version does not have (a tick queued by a newer serve during a rolling deploy).
    const data: DiscoveryJobData = { tick: '2026-12-05T09:00:00.000Z', zone: 'default', kind: 'retiredCollector', scope: ACCOUNTS[0]! };
    const id = (await queue.boss.send(discoveryQueue('default'), data))!;
    // pg-boss retries it twice, 5 s apart (the discovery queue's retryLimit and retryDelay), then it stays failed.
    const { jobs: failed } = await until(
      () => jobs('--failed'),
      (listed) => listed.jobs.some((j) => j.id === id && j.state === 'failed'),
      'the failed discovery job',
    );
    expect(failed.find((j) => j.id === id)).toMatchObject({
      zone: 'default',
      kind: 'discovery',
      deadLetter: false,
      service: null,
      discovery: { collector: 'retiredCollector', scope: ACCOUNTS[0], tick: data.tick },
      retryCount: 2,
      error: 'no estate collector retiredCollector',
    });
    const { zones } = await jobs();
    expect(zones).toEqual([expect.objectContaining({ zone: 'default', discovery: expect.objectContaining({ failed: 1, queued: 0 }) })]);
    expect(await metrics(workers[0]!)).toMatch(/^continuity_queue_discovery_jobs_failed\{zone="default"\} 1$/m);
    const text = await runCli(['jobs', '--config', configFile, '--failed'], { cwd: workDir });
    expect(text.stdout).toContain(`${id}\tdefault\tdiscovery retiredCollector ${ACCOUNTS[0]} (tick ${data.tick})\tfailed\tretries 2`);

    const retried = await runCli(['jobs', '--config', configFile, '--retry', id], { cwd: workDir });
    expect([retried.code, retried.stdout]).toEqual([0, `queued ${id}\n`]);
    // One more attempt, which fails as the others did.
    const again = await until(() => queue.boss.getJobById(discoveryQueue('default'), id), (j) => j?.state === 'failed' && j.retryCount === 3, 'the retried attempt');
    expect(again!.output).toMatchObject({ message: 'no estate collector retiredCollector' });
    const settled = await runCli(['jobs', '--config', configFile, '--retry', randomUUID()], { cwd: workDir });
    expect([settled.code, settled.stderr]).toEqual([2, expect.stringContaining('no scan job or discovery job')]);
  });

  it('a discovery job of a zone without a live worker shows as queued, with its age, in `continuity jobs` and /metrics', async () => {
    // Zone b's workers are gone: its discovery queue exists, nothing takes its jobs.
    await ensureDiscoveryQueue(queue, 'b');
    const id = (await queue.boss.send(discoveryQueue('b'), { tick: '2026-12-05T09:00:00.000Z', zone: 'b', kind: 'awsDiscovery', scope: ACCOUNTS[1]! }))!;
    const listed = await until(
      () => jobs('--zone', 'b'),
      (l) => (l.zones[0]?.discovery.oldestQueuedSeconds ?? 0) > 1,
      'the queued discovery job aging',
    );
    expect(listed.zones).toEqual([expect.objectContaining({ zone: 'b', queued: 0, discovery: expect.objectContaining({ queued: 1, running: 0, failed: 0 }) })]);
    expect(listed.jobs).toEqual([expect.objectContaining({ id, kind: 'discovery', state: 'created', discovery: expect.objectContaining({ scope: ACCOUNTS[1] }) })]);
    const text = await metrics(workers[1]!);
    expect(text).toMatch(/^continuity_queue_discovery_jobs_queued\{zone="b"\} 1$/m);
    expect(Number(/^continuity_queue_discovery_oldest_queued_seconds\{zone="b"\} (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(1);
    expect(text).toMatch(/^continuity_queue_discovery_jobs_queued\{zone="default"\} 0$/m);
    await queue.boss.deleteJob(discoveryQueue('b'), id);
  });

  it('a scan whose discovery job was cancelled reports that account not listed (not as still running), and uses the other', async () => {
    // Zone b has no worker: the jobs stay as this test leaves them. One account's job is cancelled, the other's stored.
    await ensureDiscoveryQueue(queue, 'b');
    const at = '2026-12-06T09:00:00.000Z';
    const [cancelled, listed] = ACCOUNTS;
    const key = (scope: string): DiscoveryJobData => ({ tick: at, zone: 'b', kind: 'awsDiscovery', scope });
    const id = stableJobId('discovery', at, 'b', 'awsDiscovery', cancelled!);
    await queue.boss.send(discoveryQueue('b'), key(cancelled!), { id });
    await queue.boss.cancel(discoveryQueue('b'), id);
    const discovery = new SharedDiscovery(queue, config, 'b', silentLogger);
    await queue.boss.send(discoveryQueue('b'), key(listed!), { id: stableJobId('discovery', at, 'b', 'awsDiscovery', listed!) });
    const aws = discovery.collectorsFor(at).find((c) => c.kind === 'awsDiscovery')!;
    const restore = useFixtureEnv(fixture.url);
    let facts: AwsDiscoveryFacts;
    try {
      // The listed account's job, run here as a worker would; the scan reads what it stores.
      const storing = discovery.run({ id: 'in-test', name: discoveryQueue('b'), data: key(listed!) } as never);
      facts = (await aws.collect({ config, signal: AbortSignal.timeout(30_000), log: silentLogger, shared: createScanCache() })) as AwsDiscoveryFacts;
      await storing;
    } finally {
      restore();
    }
    const buckets = new Map(facts.buckets.map((b) => [b.account, b.buckets]));
    expect(buckets.get(cancelled!)).toEqual(expect.objectContaining({ ok: false, reason: expect.stringContaining(`the discovery of account ${cancelled} failed: its discovery job was cancelled`) }));
    expect(buckets.get(listed!)).toEqual(expect.objectContaining({ ok: true }));
  });

  it('kill -9 of a worker running a discovery job: every scan of the tick is still recorded, once, the accounts it was listing unknown', async () => {
    // The listing is slow enough for the kill to land while the discovery job runs.
    fixture.inject({ action: 'ListBuckets', code: 'Slow', delayMs: 4000, times: ACCOUNTS.length });
    const at = '2026-12-04T09:00:00.000Z';
    const scanning = tick(at);
    const runner = await Promise.any(workers.map((w) => w.waitFor((l) => l.msg === 'estate discovery started' && l.tick === at).then(() => w)));
    // Its scans of the tick are lost with it too: the kill waits until it has started some (they wait for the listing).
    const jobs = await until(() => scanJobsOf(at), (ids) => ids.length === SERVICES.length, 'the scan jobs of the tick');
    await runner.waitFor((l) => l.msg === 'scan job started' && jobs.includes(l.job!), 3000);
    runner.child.kill('SIGKILL');
    await runner.exited;
    // The other worker's scans stop waiting just before scan.datastoreTimeoutSeconds; the killed worker's
    // scan jobs expire and are retried there, and wait no longer either. An account the killed worker was
    // listing is unknown; one the survivor listed is used. Never a pass, never the whole estate lost.
    const scans = await scanning;
    expect(scans).toHaveLength(SERVICES.length);
    const pending = /^s3:ListBuckets could not be read: .*still queued or running when this scan stopped waiting/;
    for (const scan of scans) {
      const findings = unregistered(scan);
      expect(findings.filter((f) => f.status === 'pass' || f.status === 'error')).toEqual([]);
      for (const account of ACCOUNTS) {
        const listed = findings.some((f) => f.status === 'fail' && f.resource === `s3-bucket:${account}/stray-${account}`);
        const unknown = findings.some((f) => f.status === 'unknown' && f.resource === `aws:${account}` && pending.test(f.message));
        expect([account, listed !== unknown]).toEqual([account, true]);
      }
    }
    expect(scans.some((scan) => unregistered(scan).some((f) => f.status === 'unknown'))).toBe(true);
    const survivor = workers.find((w) => w !== runner)!;
    const lost = runner.scansStarted().filter((l) => jobs.includes(l.job!)).map((l) => l.job);
    expect(lost.length).toBeGreaterThan(0);
    for (const job of lost) expect(survivor.scansStarted().some((l) => l.job === job)).toBe(true);
    const { rows } = await history.query('select job_id from continuity.scan_jobs where job_id = any($1)', [jobs]);
    expect(rows).toHaveLength(SERVICES.length);
  });
});
