// Drift after a scan limited with --check, through the real history: the next
// full scan compares the checks the limited scan did not run with the last
// scan that ran them, so a violation still open is not a new failure (nor an alert).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema';
import { FileHistoryStore } from '../../src/history/file-store';
import { driftSinceHistory, recordScan } from '../../src/history/record';
import type { Finding, Status } from '../../src/model';
import { finding, scanOf } from '../support/scan-fixtures';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const alerts = ConfigSchema.parse({
  services: [{ name: 'orders' }],
  alerts: { digestIntervalDays: 365, sinks: [{ name: 'hook', type: 'webhook', url: 'https://hooks.example/continuity', secret: 'partial-test-secret-0123456789' }] },
}).alerts;

const ssl = (status: Status) => finding({ checkId: 'pg.ssl', status });
const fk = (status: Status) => finding({ checkId: 'pg.fk', status, resource: 'orders-db:public.a', severity: 'medium' });

/** A scan and the checks it ran (all of them when `only` is absent, as a scan without --check). */
interface Step {
  findings: Finding[];
  only?: string[];
}

/** Record scans in order through drift and the outbox; the drift events and queued drift alerts of each. */
async function run(steps: Step[]): Promise<{ events: string[]; alerts: number }[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-partial-'));
  dirs.push(dir);
  const store = await FileHistoryStore.open(dir, { keep: 100 });
  const results = [];
  for (const [i, step] of steps.entries()) {
    const scan = scanOf(step.findings, { scanId: `s${i}`, at: new Date(Date.UTC(2025, 0, 6 + i)).toISOString() });
    if (step.only) scan.checks = scan.checks.filter((c) => step.only!.includes(c.id));
    const drift = await driftSinceHistory(store, scan);
    const before = (await store.pending()).length;
    await recordScan(store, scan, drift, alerts);
    results.push({ events: drift.flatMap((d) => d.events.map((e) => `${e.type} ${e.checkId}`)), alerts: (await store.pending()).length - before });
  }
  await store.close();
  return results;
}

it('fail, then a scan of another check only, then fail again: no new failure, no alert', async () => {
  const [first, limited, full] = await run([{ findings: [ssl('fail'), fk('fail')] }, { findings: [fk('fail')], only: ['pg.fk'] }, { findings: [ssl('fail'), fk('fail')] }]);
  expect(first!.events).toEqual([]);
  expect(limited!.events).toEqual([]);
  expect(full).toEqual({ events: [], alerts: 0 });
});

it('compares with the last scan that ran the check, through several limited scans', async () => {
  const [, , , full] = await run([
    { findings: [ssl('fail'), fk('fail')] },
    { findings: [fk('fail')], only: ['pg.fk'] },
    { findings: [fk('fail')], only: ['pg.fk'] },
    { findings: [ssl('fail'), fk('pass')] },
  ]);
  // ssl failed when it last ran, three scans back: still the same violation; fk failed in the limited scan just before: resolved.
  expect(full!.events).toEqual(['resolved pg.fk']);
});

it('reports as resolved a violation that was open when the check last ran and is gone now', async () => {
  const [, , full] = await run([{ findings: [ssl('fail'), fk('pass')] }, { findings: [fk('pass')], only: ['pg.fk'] }, { findings: [ssl('pass'), fk('pass')] }]);
  expect(full!.events).toEqual(['resolved pg.ssl']);
});

it('reports the violations of a check no earlier scan ran as new', async () => {
  const [, full] = await run([{ findings: [fk('pass')], only: ['pg.fk'] }, { findings: [ssl('fail'), fk('pass')] }]);
  expect(full!.events).toEqual(['new-failure pg.ssl']);
});
