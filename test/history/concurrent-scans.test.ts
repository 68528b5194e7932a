// Several real `continuity scan` processes and a `continuity serve` (triggered
// through POST /api/scans every round) on one file history at once, one scan
// process of each round killed with SIGKILL mid-run: every scan that said it
// was kept is in the history, every alert it queued is delivered, and the store
// needs no hand edit. CONTINUITY_STRESS_ROUNDS runs more rounds than the suite's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/alerts/message';
import { FileHistoryStore } from '../../src/history/file-store';
import type { ScanResult } from '../../src/model';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver';

const BIN = path.resolve(import.meta.dirname, '../../bin/continuity.js');
const PROCESSES = 4;
const ROUNDS = Number(process.env.CONTINUITY_STRESS_ROUNDS ?? 3);

let receiver: AlertReceiver;
let work: string;
beforeAll(async () => {
  receiver = await startAlertReceiver();
  work = await mkdtemp(path.join(os.tmpdir(), 'continuity-concurrent-'));
  await mkdir(path.join(work, 'repo', 'migrations'), { recursive: true });
  await writeFile(path.join(work, 'repo', 'migrations', '001_orders.sql'), 'create table orders (id bigint);\n');
  await writeFile(
    path.join(work, 'continuity.yaml'),
    [
      'services:',
      '  - name: orders',
      '    owner: team-orders',
      '    repo: repo',
      'history:',
      '  dir: history',
      'serve:',
      '  port: 0',
      '  outDir: out/serve',
      'alerts:',
      // A digest after every scan: each scan queues one alert of its own.
      '  digestIntervalDays: 0',
      '  retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 10 }',
      '  sinks:',
      `    - { name: hook, type: webhook, url: "${receiver.url('/hook')}", secret: concurrent-test-secret-0123456789 }`,
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await receiver.close();
  await rm(work, { recursive: true, force: true });
});

interface Run {
  out: string;
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

function scan(name: string, killAfterMs?: number): Promise<Run> {
  const out = path.join(work, 'out', name);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'scan', '--config', 'continuity.yaml', '--out', out, '--format', 'json'], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ out, stdout, stderr, code, signal });
    });
  });
}

/** `continuity serve` on the same history, its port once it listens, and the scans it records. */
function startServe(): Promise<{ child: ChildProcess; port: number; exit: Promise<number | null>; recorded: string[] }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', 'continuity.yaml'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const recorded: string[] = [];
  return new Promise((resolve, reject) => {
    // Read to the end: a full pipe would block the service.
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg: string; port?: number; scanId?: string };
      if (entry.msg === 'listening') resolve({ child, port: entry.port!, exit, recorded });
      if (entry.msg === 'scan recorded') recorded.push(entry.scanId!);
    });
    void exit.then(() => reject(new Error('continuity serve exited before listening')));
  });
}

it('keeps every scan and delivers every alert of concurrent scan processes and serve, one process killed each round', async () => {
  const serve = await startServe();
  const runs: Run[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Each round serve is asked for a scan too, and one scan process is killed at a random moment of its run.
    const triggered = await fetch(`http://127.0.0.1:${serve.port}/api/scans`, { method: 'POST' });
    expect([202, 409]).toContain(triggered.status);
    const victim = Math.floor(Math.random() * PROCESSES);
    runs.push(
      ...(await Promise.all(
        Array.from({ length: PROCESSES }, (_, i) => scan(`r${round}-p${i}`, i === victim ? 300 + Math.random() * 1500 : undefined)),
      )),
    );
  }
  // serve finishes its running scan on SIGTERM, records it, and exits 0.
  serve.child.kill('SIGTERM');
  expect(await serve.exit).toBe(0);
  // A process killed after its commit leaves its alert queued: the next run sends it.
  runs.push(await scan('next'));

  const kept: string[] = [];
  for (const run of runs) {
    if (run.signal === 'SIGKILL') continue;
    // Info logs only (deliveries): no warning, no error, no stack trace.
    const problems = run.stderr.split('\n').filter((line) => line && !(line.startsWith('{') && (JSON.parse(line) as { level: number }).level < 40));
    expect(problems).toEqual([]);
    expect(run.code).toBe(0);
  }
  for (const run of runs.filter((r) => r.stdout.includes('kept in history'))) {
    kept.push((JSON.parse(await readFile(path.join(run.out, 'scan.json'), 'utf8')) as ScanResult).scanId);
  }
  expect(kept.length).toBeGreaterThanOrEqual((PROCESSES - 1) * ROUNDS);
  // serve's own: the scan at start, and those asked for while it was not busy.
  expect(serve.recorded.length).toBeGreaterThanOrEqual(1);
  kept.push(...serve.recorded);

  const store = await FileHistoryStore.open(path.join(work, 'history'), { keep: 100 });
  try {
    const stored = (await store.list()).map((e) => e.scanId);
    expect(stored).toEqual(expect.arrayContaining(kept));
    for (const scanId of stored) expect((await store.get(scanId))?.scanId).toBe(scanId);
    expect(await store.pending()).toEqual([]);
  } finally {
    await store.close();
  }
  // Every kept scan's digest arrived (a digest may arrive twice when two processes
  // deliver the same queued item; receivers deduplicate on the idempotency key).
  const digests = new Set(
    receiver
      .accepted()
      .map((r) => JSON.parse(r.body) as AlertMessage)
      .filter((m) => m.kind === 'digest')
      .map((m) => m.scanId),
  );
  for (const scanId of kept) expect(digests).toContain(scanId);
  process.stdout.write(
    `concurrent history: ${ROUNDS} rounds, ${runs.length} scan processes (${runs.filter((r) => r.signal === 'SIGKILL').length} killed), ${serve.recorded.length} scans by serve; ${kept.length} kept scans all stored, their digests all delivered\n`,
  );
  const left = await readdir(path.join(work, 'history'));
  expect(left.filter((f) => f !== 'scans' && f !== 'state.json')).toEqual([]);
  expect((await readdir(path.join(work, 'history', 'scans'))).every((f) => /^[0-9a-f-]+\.json$/.test(f))).toBe(true);
}, 180_000);
