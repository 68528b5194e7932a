// Queue mode at scale: 2,000 S3 buckets (200 services of 10) on the AWS
// wire-format fixture server, every bucket's versioning call answered after a
// fixed latency of 2 s (BENCH_LATENCY_MS sets another), as a datastore's scan
// over a network is bound by its round trips (with 250 ms, one worker's scans
// were bound by the CPU of the six AWS SDK calls per bucket instead, and no
// worker count could show the queue's scaling on a 2-core machine). Wall time
// of the same scans in one process (16 at a time, no queue) and with 1, 2 and
// 3 `continuity worker` processes (--concurrency 16 each), the speed-ups, and
// what a job costs besides its scan: the time from a job's start to its
// completion in pg-boss minus the scan's own duration (drift, reports,
// idempotent commit, outbox and pg-boss bookkeeping), beside the same figure
// in process. The CPU seconds of the workers (Linux) against the latency floor
// tell whether a run is bound by CPU or by the fixed latency.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import pg from 'pg';
import { stringify } from 'yaml';
import { ConfigSchema } from '../src/config/schema';
import { startEmbeddedPostgres } from '../src/embedded-postgres';
import { silentLogger } from '../src/log';
import { enqueueScan, openQueue } from '../src/queue/boss';
import { ContinuityService } from '../src/service/serve';
import { fixtureEnv, useFixtureEnv } from '../test/support/aws-env';
import { AwsFixtureServer } from '../test/support/aws-fixture-server';
// @ts-expect-error: a plain ES module without type declarations
import { buildCli } from '../scripts/build.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVICES = 200;
const BUCKETS_PER_SERVICE = 10;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 2_000);
const CONCURRENCY = 16;
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

function rawConfig(historyUrl: string, outDir: string): Record<string, unknown> {
  return {
    aws: { regions: [REGION] },
    services: Array.from({ length: SERVICES }, (_, s) => ({
      name: `svc-${String(s).padStart(3, '0')}`,
      datastores: Array.from({ length: BUCKETS_PER_SERVICE }, (_, b) => {
        const name = `bucket-${s}-${b}`;
        return { name, type: 's3-bucket', bucket: name, region: REGION };
      }),
    })),
    history: { url: historyUrl },
    serve: { outDir, formats: ['json'], port: 0 },
    queue: { pollingIntervalSeconds: 0.5 },
  };
}

/** CPU seconds (user + system) a process has used so far; Linux's /proc only, else undefined. */
async function cpuSecondsOf(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second).
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Resolves when the worker logs `msg`; its log is read to the end, so a full pipe never holds up its logging. */
function waitForLog(child: ChildProcess, msg: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = false;
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (!seen && (JSON.parse(line) as { msg: string }).msg === msg) {
        seen = true;
        resolve();
      }
    });
    child.once('exit', () => reject(new Error(`the worker exited before logging "${msg}"`)));
  });
}

export async function run(): Promise<void> {
  await buildCli();
  const fixture = new AwsFixtureServer();
  for (let s = 0; s < SERVICES; s++) {
    for (let b = 0; b < BUCKETS_PER_SERVICE; b++) {
      fixture.buckets(ACCOUNT).push({ name: `bucket-${s}-${b}`, region: REGION, versioning: 'Enabled', encryption: { algorithm: 'AES256' } });
    }
  }
  fixture.inject({ action: 'GetBucketVersioning', code: 'Slow', delayMs: LATENCY_MS });
  const fixtureUrl = await fixture.start();
  const restore = useFixtureEnv(fixtureUrl);
  const server = await startEmbeddedPostgres();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-bench-workers-'));
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  let runs = 0;
  /** A fresh history and queue database per run, so that no run compares with another's scans. */
  const freshConfig = async () => {
    const db = `bench_${++runs}`;
    await admin.query(`create database ${db}`);
    const raw = rawConfig(server.adminUrl(db), path.join(workDir, db, 'out'));
    const file = path.join(workDir, `${db}.yaml`);
    await writeFile(file, stringify(raw));
    return { config: ConfigSchema.parse(raw), file, url: server.adminUrl(db) };
  };
  const recorded = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>('select count(*) as n from continuity.scan_services')).rows[0]!.n);
    } finally {
      await client.end();
    }
  };
  try {
    // A job's buckets take ceil(10 / 8) rounds of the slow call; the slots of one worker run SERVICES / 16 jobs each.
    const jobFloorMs = Math.ceil(BUCKETS_PER_SERVICE / 8) * LATENCY_MS;
    process.stdout.write(
      `${SERVICES} services x ${BUCKETS_PER_SERVICE} S3 buckets = ${SERVICES * BUCKETS_PER_SERVICE} datastores; GetBucketVersioning answers after ${LATENCY_MS} ms; scan.concurrency 8 per job; ` +
        `latency floor with 1 worker ${((Math.ceil(SERVICES / CONCURRENCY) * jobFloorMs) / 1000).toFixed(1)} s; ${os.cpus().length} CPU cores\n`,
    );
    // Baseline: the same scans in this process, 16 at a time, no queue.
    const baseline = await freshConfig();
    const service = new ContinuityService({ config: { ...baseline.config, queue: undefined }, configPath: null, log: silentLogger, schedule: false, port: 0 });
    await service.start();
    const limit = pLimit(CONCURRENCY);
    let started = performance.now();
    const cpuBefore = process.cpuUsage();
    const runMs = new Map<string, number>();
    const outcomes = await Promise.all(
      baseline.config.services.map((s) =>
        limit(async () => {
          const runStarted = performance.now();
          const outcome = await service.runService(s.name);
          runMs.set(s.name, performance.now() - runStarted);
          return outcome;
        }),
      ),
    );
    const inProcessMs = performance.now() - started;
    const inProcessCpu = process.cpuUsage(cpuBefore);
    await service.stop();
    if (outcomes.some((o) => o !== 'ok')) throw new Error(`in-process scans: ${outcomes.filter((o) => o !== 'ok').length} did not succeed`);
    // What a scan costs besides its collection and checks without a queue (history commit, drift, reports, outbox).
    const inProcessOutsideMs = await (async () => {
      const client = new pg.Client({ connectionString: baseline.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ service: string; scan_ms: number }>(
          `select ss.service, extract(epoch from (s.finished_at - s.started_at)) * 1000 as scan_ms from continuity.scans s join continuity.scan_services ss using (scan_id)`,
        );
        return rows.reduce((sum, r) => sum + runMs.get(r.service)! - Number(r.scan_ms), 0) / rows.length;
      } finally {
        await client.end();
      }
    })();
    process.stdout.write(
      `in process (no queue, ${CONCURRENCY} at a time): ${(inProcessMs / 1000).toFixed(1)} s; CPU ${((inProcessCpu.user + inProcessCpu.system) / 1e6).toFixed(1)} s (scans and the fixture server); ` +
        `per scan besides its collection and checks: ${inProcessOutsideMs.toFixed(0)} ms\n`,
    );

    const walls: number[] = [];
    const outsideMs: number[] = [];
    for (const workers of [1, 2, 3]) {
      const { config, file, url } = await freshConfig();
      const children = Array.from({ length: workers }, () =>
        spawn(process.execPath, [path.join(ROOT, 'bin/continuity.js'), 'worker', '-c', file, '--concurrency', String(CONCURRENCY), '--port', '0'], {
          cwd: workDir,
          env: { ...process.env, ...fixtureEnv(fixtureUrl) },
          stdio: ['ignore', 'ignore', 'pipe'],
        }),
      );
      try {
        await Promise.all(children.map((c) => waitForLog(c, 'worker started')));
        const queue = await openQueue(config, silentLogger, { schedule: false, supervise: false, name: 'bench' });
        started = performance.now();
        for (const s of config.services) await enqueueScan(queue, config, { service: s.name });
        while ((await recorded(url)) < SERVICES) await new Promise((r) => setTimeout(r, 100));
        const wallMs = performance.now() - started;
        const workerCpu = (await Promise.all(children.map((c) => cpuSecondsOf(c.pid)))).reduce<number | undefined>((a, b) => (a === undefined || b === undefined ? undefined : a + b), 0);
        // pg-boss marks the job completed after the handler returns: wait for the last ones.
        while (Number((await queue.pool.query(`select count(*) from pgboss.job where name like 'continuity-scan-%' and state <> 'completed'`)).rows[0].count) > 0) {
          await new Promise((r) => setTimeout(r, 100));
        }
        const { rows } = await queue.pool.query<{ outside_ms: number }>(
          `select avg(extract(epoch from (j.completed_on - j.started_on)) - extract(epoch from (s.finished_at - s.started_at))) * 1000 as outside_ms
           from pgboss.job j join continuity.scan_jobs sj on sj.job_id = j.id::text join continuity.scans s using (scan_id)`,
        );
        outsideMs.push(Number(rows[0]!.outside_ms));
        await queue.close();
        walls.push(wallMs);
        const speedUp = walls[0]! / wallMs;
        process.stdout.write(
          `${workers} worker${workers > 1 ? 's' : ' '} x ${CONCURRENCY}: ${(wallMs / 1000).toFixed(1)} s` +
            (workers > 1 ? `, speed-up ${speedUp.toFixed(2)}x over 1 worker` : `, ${(inProcessMs / wallMs).toFixed(2)}x the in-process run`) +
            `; per job besides its scan: ${outsideMs.at(-1)!.toFixed(0)} ms (${(outsideMs.at(-1)! - inProcessOutsideMs).toFixed(0)} ms more than in process)` +
            (workerCpu === undefined ? '' : `; worker CPU ${workerCpu.toFixed(1)} s, ${((workerCpu * 1000) / SERVICES).toFixed(0)} ms per job (start-up included)`) +
            '\n',
        );
      } finally {
        for (const c of children) c.kill('SIGTERM');
        await Promise.all(children.map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))));
      }
    }
    // Each of the 16 slots ran SERVICES / 16 jobs one after the other: the extra wall time per slot, per job.
    const overheadMs = ((walls[0]! - inProcessMs) * CONCURRENCY) / SERVICES;
    process.stdout.write(
      `wall time per job and slot, 1 worker minus in process: ${overheadMs.toFixed(1)} ms (goal < 20 ms); 3 workers / 1 worker: ${(walls[0]! / walls[2]!).toFixed(2)}x (goal >= 2.5x; needs 3 free cores)\n` +
        'a worker whose CPU seconds come near its wall time is CPU-bound (each bucket costs 6 AWS SDK calls), not bound by the latency floor\n',
    );
  } finally {
    restore();
    await admin.end();
    await server.stop();
    await fixture.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}
