// Drift through an outage, through the real history: a violation hidden while
// its datastore could not be read is the same open violation afterwards.
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
  alerts: { digestIntervalDays: 365, sinks: [{ name: 'hook', type: 'webhook', url: 'https://hooks.example/continuity', secret: 'outage-test-secret-0123456789' }] },
}).alerts;

/** A readable datastore: SSL on the datastore, a foreign key on table a. */
function seen(ssl: Status, fk: Status): Finding[] {
  return [finding({ checkId: 'pg.ssl', status: ssl }), finding({ checkId: 'pg.fk', status: fk, resource: 'orders-db:public.a', severity: 'medium' })];
}
/** An unreadable datastore: each check one error on the datastore. */
const unreachable: Finding[] = ['pg.ssl', 'pg.fk'].map((checkId) =>
  finding({ checkId, status: 'error', message: 'could not collect postgres facts: connection refused' }),
);

/** Record scans in order through drift and the outbox; the drift events and queued drift alert ids of each. */
async function run(sequence: Finding[][]): Promise<{ events: string[]; alerts: string[] }[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-outage-'));
  dirs.push(dir);
  const store = await FileHistoryStore.open(dir, { keep: 100 });
  const results = [];
  for (const [i, findings] of sequence.entries()) {
    const scan = scanOf(findings, { scanId: `s${i}`, at: new Date(Date.UTC(2025, 0, 6 + i)).toISOString() });
    if (findings === unreachable) scan.services[0]!.datastores[0]!.collectionError = 'connection refused';
    const drift = await driftSinceHistory(store, scan);
    const events = drift.flatMap((d) => d.events.map((e) => [e.type, e.checkId, e.resource].filter(Boolean).join(' ')));
    const before = new Set((await store.pending()).map((p) => p.id));
    await recordScan(store, scan, drift, alerts);
    const queued = (await store.pending()).filter((p) => !before.has(p.id) && p.message.kind === 'drift').map((p) => p.id);
    results.push({ events, alerts: queued });
  }
  await store.close();
  return results;
}

it('fail -> unreadable -> fail: no new-failure; the outage is one event per datastore at each end', async () => {
  const [, failing, outage, again, longer, after] = await run([seen('pass', 'pass'), seen('fail', 'fail'), unreachable, seen('fail', 'fail'), unreachable, seen('fail', 'fail')]);
  expect(failing!.events).toEqual(['new-failure pg.ssl orders-db', 'new-failure pg.fk orders-db:public.a']);
  expect(failing!.alerts).toHaveLength(2);
  // The outage is one event at its start and one at its end; the violations raise none.
  expect(outage!.events).toEqual(['datastore-unreadable orders-db']);
  expect(again!.events).toEqual(['datastore-readable orders-db']);
  expect(longer!.events).toEqual(['datastore-unreadable orders-db']);
  expect(after!.events).toEqual(['datastore-readable orders-db']);
  for (const scan of [again, after]) expect(scan!.alerts.every((id) => !failing!.alerts.includes(id))).toBe(true);
});

it('fail -> unreadable for two scans -> pass is one resolution per violation', async () => {
  const results = await run([seen('fail', 'fail'), unreachable, unreachable, seen('pass', 'pass')]);
  expect(results.map((r) => r.events)).toEqual([
    [],
    ['datastore-unreadable orders-db'],
    [],
    ['datastore-readable orders-db', 'resolved pg.ssl orders-db', 'resolved pg.fk orders-db:public.a'],
  ]);
});

it('pass -> unreadable -> pass: one event at each end of the outage, none per check', async () => {
  const results = await run([seen('pass', 'pass'), unreachable, unreachable, seen('pass', 'pass')]);
  expect(results.map((r) => r.events)).toEqual([[], ['datastore-unreadable orders-db'], [], ['datastore-readable orders-db']]);
});
