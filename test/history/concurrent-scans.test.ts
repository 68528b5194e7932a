// Several real `continuity scan` processes on one file history at once, one of
// them killed with SIGKILL mid-run: every scan that said it was kept is in the
// history, every alert it queued is delivered, and the store needs no hand edit.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/alerts/message';
import { FileHistoryStore } from '../../src/history/file-store';
import type { ScanResult } from '../../src/model';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver';

const BIN = path.resolve(import.meta.dirname, '../../bin/continuity.js');
const PROCESSES = 4;
const ROUNDS = 3;

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

it('keeps every scan and delivers every alert of concurrent scan processes, one of them killed', async () => {
  const runs: Run[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // In the middle round one process is killed at a random moment of its run.
    const victim = round === 2 ? Math.floor(Math.random() * PROCESSES) : -1;
    runs.push(
      ...(await Promise.all(
        Array.from({ length: PROCESSES }, (_, i) => scan(`r${round}-p${i}`, i === victim ? 300 + Math.random() * 1500 : undefined)),
      )),
    );
  }

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
  expect(kept.length).toBeGreaterThanOrEqual(PROCESSES * ROUNDS - 1);

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
  const left = await readdir(path.join(work, 'history'));
  expect(left.filter((f) => f !== 'scans' && f !== 'state.json')).toEqual([]);
  expect((await readdir(path.join(work, 'history', 'scans'))).every((f) => /^[0-9a-f-]+\.json$/.test(f))).toBe(true);
}, 180_000);
