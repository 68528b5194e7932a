// `continuity serve`: a scheduled scan (real node-cron, fake clock) lands in
// the history, /reports, /api/scans and /metrics; one scan per service at a
// time; shutdown finishes or abandons the running scan cleanly.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigSchema, type Config } from '../../src/config/schema';
import { createBbqDatabase } from '../../src/demo/estate';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';
import { silentLogger } from '../../src/log';
import type { ScanResult } from '../../src/model';
import { ESTATE } from '../../src/engine/scan';
import { ContinuityService, scheduleOf } from '../../src/service/serve';
import { startAwsFixture } from '../support/aws-env';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let server: EmbeddedServer;
let workDir: string;
beforeAll(async () => {
  server = await startEmbeddedPostgres();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-serve-'));
  await createBbqDatabase(server);
});
afterAll(async () => {
  vi.useRealTimers();
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

function config(name: string, extra: Record<string, unknown> = {}): Config {
  return ConfigSchema.parse({
    services: [
      { name: 'bbq', owner: 'team-bbq', datastores: [{ name: 'inventory-db', type: 'postgres', url: server.adminUrl('bbq') }] },
      { name: 'idle', schedule: { cron: '0 6 * * *', timezone: 'Europe/Paris' }, datastores: [] },
    ],
    history: { dir: path.join(workDir, name, 'history') },
    // Scans at start are tested in serve-http.test.ts; here the schedule alone drives them.
    serve: { outDir: path.join(workDir, name, 'out'), port: 0, scanOnStart: false, ...extra },
  });
}

async function get(base: string, route: string): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(`${base}${route}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('continuity serve', () => {
  it('runs the weekly schedule with node-cron: the scan lands in history, /reports, /api/scans and /metrics', async () => {
    const cfg = config('scheduled');
    expect(scheduleOf(cfg, 'bbq')).toEqual({ cron: '0 9 * * 1', timezone: 'UTC' });
    expect(scheduleOf(cfg, 'idle')).toEqual({ cron: '0 6 * * *', timezone: 'Europe/Paris' });
    // Sunday noon UTC: the next Monday 09:00 UTC is 21 hours away.
    vi.useFakeTimers({ now: new Date('2025-01-05T12:00:00Z'), toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const service = new ContinuityService({ config: { ...cfg, services: [cfg.services[0]!] }, configPath: null, log: silentLogger });
    const { port } = await service.start();
    expect(await service.historyStore.list()).toEqual([]);
    await vi.advanceTimersByTimeAsync(20 * 60 * 60 * 1000);
    expect(await service.historyStore.list()).toEqual([]);
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000 + 1000);
    await service.idle();
    vi.useRealTimers();

    const [entry] = await service.historyStore.list();
    expect(entry).toMatchObject({ services: ['bbq'], startedAt: '2025-01-06T09:00:00.000Z' });
    const base = `http://127.0.0.1:${port}`;

    const health = await get(base, '/healthz');
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: 'ok', running: [] }]);

    // The HTML page when the scan wrote one; the Markdown questionnaire beside it.
    const page = await get(base, '/reports/bbq');
    expect([page.status, page.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.body).toContain(entry!.scanId);
    const report = await get(base, '/reports/bbq/bbq.md');
    expect(report.status).toBe(200);
    expect(report.type).toBe('text/markdown; charset=utf-8');
    expect(report.body).toContain(`scan: ${entry!.scanId}`);
    expect(report.body).toContain('# CONTINUITY-0003: Data Management');
    expect(report.body).not.toContain(server.password);
    const index = await get(base, '/reports/');
    expect(index.body).toContain('<a href="bbq/bbq.md">bbq.md</a>');
    expect((await get(base, '/reports/bbq/scan.json')).status).toBe(200);
    expect((await get(base, '/reports/bbq/..%2F..%2Fhistory%2Fstate.json')).status).toBe(404);
    expect((await get(base, '/reports/other')).status).toBe(404);

    const scans = JSON.parse((await get(base, '/api/scans?service=bbq')).body) as { scans: { scanId: string }[] };
    expect(scans.scans.map((s) => s.scanId)).toEqual([entry!.scanId]);
    const scan = JSON.parse((await get(base, `/api/scans/${entry!.scanId}`)).body) as ScanResult;
    expect(scan.services[0]!.findings.length).toBeGreaterThan(0);
    expect((await get(base, '/api/scans/nope')).status).toBe(404);

    const metrics = await get(base, '/metrics');
    expect(metrics.type).toContain('text/plain');
    expect(metrics.body).toContain(`continuity_last_scan_timestamp_seconds{service="bbq"} ${Date.parse(scan.finishedAt) / 1000}`);
    expect(metrics.body).toContain('continuity_scans_total{service="bbq",outcome="ok"} 1');
    expect(metrics.body).toContain('continuity_alert_outbox_pending 0');
    const fails = scan.services[0]!.findings.filter((f) => f.checkId === 'postgres.unindexed-foreign-key' && f.status === 'fail').length;
    expect(fails).toBeGreaterThan(0);
    expect(metrics.body).toContain(`continuity_findings{service="bbq",status="fail",severity="medium",check="postgres.unindexed-foreign-key"} ${fails}`);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);

    // Never two scans of one service at once.
    const first = service.runService('bbq');
    expect(await service.runService('bbq')).toBe('skipped_busy');
    expect(await first).toBe('ok');
    expect(await service.historyStore.list()).toHaveLength(2);
    await service.stop();
    expect(await service.runService('bbq')).toBe('skipped_stopping');
  });

  it('on stop, lets a running scan finish within the grace period and records it', async () => {
    const service = new ContinuityService({ config: config('finish'), configPath: null, log: silentLogger, schedule: false });
    await service.start();
    const run = service.runService('bbq');
    await service.stop();
    expect(await run).toBe('ok');
    const { FileHistoryStore } = await import('../../src/history/file-store');
    const store = await FileHistoryStore.open(path.join(workDir, 'finish', 'history'), { keep: 10 });
    expect(await store.list()).toHaveLength(1);
  });

  it('on stop with no grace left, abandons the running scan without recording it', async () => {
    const service = new ContinuityService({ config: config('abandon', { shutdownGraceSeconds: 0 }), configPath: null, log: silentLogger, schedule: false });
    await service.start();
    const run = service.runService('bbq');
    await service.stop();
    expect(await run).toBe('abandoned');
    const { FileHistoryStore } = await import('../../src/history/file-store');
    const store = await FileHistoryStore.open(path.join(workDir, 'abandon', 'history'), { keep: 10 });
    expect(await store.list()).toEqual([]);
  });

  it('collects the estate (AWS discovery) once per tick; every scan of the tick carries its findings into history and drift', async () => {
    const aws = await startAwsFixture();
    try {
      aws.server.region('111111111111', 'eu-west-1').instances.push({
        identifier: 'stray',
        engine: 'postgres',
        engineVersion: '16.4',
        backupRetentionPeriod: 7,
        latestRestorableTime: '2025-01-06T08:55:00Z',
        multiAz: false,
        storageEncrypted: true,
        deletionProtection: false,
      });
      const cfg = ConfigSchema.parse({ ...config('estate'), aws: { regions: ['eu-west-1'], discovery: true } });
      let clock = new Date('2025-01-06T09:00:00Z');
      const service = new ContinuityService({ config: cfg, configPath: null, log: silentLogger, schedule: false, now: () => clock });
      await service.start();
      const tick = clock;
      expect(await Promise.all([service.runService('bbq', tick), service.runService('idle', tick)])).toEqual(['ok', 'ok']);
      expect([aws.server.calls.get('DescribeDBInstances'), aws.server.calls.get('ListBuckets')]).toEqual([1, 1]);
      const stray = (scan: ScanResult | undefined) =>
        scan?.estate.findings.filter((f) => f.status === 'fail').map((f) => f.resource);
      expect(stray(await service.historyStore.latestFor('bbq'))).toEqual(['rds-instance:default/eu-west-1/stray']);
      expect(stray(await service.historyStore.latestFor('idle'))).toEqual(['rds-instance:default/eu-west-1/stray']);

      // The next tick lists again, and compares the estate with the previous tick: unchanged.
      clock = new Date('2025-01-13T09:00:00Z');
      expect(await service.runService('idle', clock)).toBe('ok');
      expect(aws.server.calls.get('DescribeDBInstances')).toBe(2);
      const latest = await service.historyStore.latestFor('idle');
      expect(stray(latest)).toEqual(['rds-instance:default/eu-west-1/stray']);
      expect(latest?.changes?.events.filter((e) => e.service === ESTATE) ?? []).toEqual([]);
      await service.stop();
    } finally {
      await aws.stop();
    }
  });

  it('`continuity serve` with the example config answers /healthz and /metrics and exits 0 on SIGTERM', async () => {
    const cwd = path.join(workDir, 'cli');
    const fs = await import('node:fs/promises');
    await fs.mkdir(cwd, { recursive: true });
    // The example's datastores are not reachable from here: no scan at start, so the shutdown below is immediate.
    const example = await fs.readFile(path.join(ROOT, 'config/continuity.example.yaml'), 'utf8');
    const configFile = path.join(cwd, 'continuity.yaml');
    await fs.writeFile(configFile, example.replace(/^(\s*)scanOnStart: true\b/m, '$1scanOnStart: false'));
    expect(await fs.readFile(configFile, 'utf8')).toMatch(/^\s*scanOnStart: false/m);
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin/continuity.js'), 'serve', '--config', configFile, '--port', '0'],
      {
        cwd,
        env: {
          ...process.env,
          CONTINUITY_SCANNER_PASSWORD: 'scanner-password-1',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const logs: { msg: string; port?: number; service?: string; next?: string }[] = [];
    let port: number | undefined;
    for await (const line of createInterface({ input: child.stderr! })) {
      const entry = JSON.parse(line) as (typeof logs)[number];
      logs.push(entry);
      if (entry.msg === 'listening') {
        port = entry.port;
        break;
      }
    }
    expect(port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}`;
    const health = await get(base, '/healthz');
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: 'ok', running: [] }]);
    const metrics = await get(base, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('# TYPE continuity_alert_delivery_failures_total counter');
    expect(metrics.body).toContain('continuity_alert_outbox_pending 0');
    expect(logs.filter((l) => l.msg === 'scan scheduled').map((l) => l.service).sort()).toEqual(['orders', 'reporting']);
    const rest: string[] = [];
    const drained = (async () => {
      for await (const line of createInterface({ input: child.stderr! })) rest.push(line);
    })();
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    await drained;
    expect(rest.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['stopping', 'stopped']);
    const all = JSON.stringify(logs) + rest.join('');
    for (const secret of ['scanner-password-1']) expect(all).not.toContain(secret);
  });
});
