// History and drift figures: diff of two large scans, file-store commit and
// lookup as the history grows, and delivery of a large outbox to a local receiver.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { deliverPending } from '../src/alerts/deliver';
import { planAlerts } from '../src/alerts/plan';
import { webhookSink } from '../src/alerts/sinks/webhook';
import { diffScans } from '../src/drift/diff';
import { FileHistoryStore } from '../src/history/file-store';
import { silentLogger } from '../src/log';
import type { Finding } from '../src/model';
import { startAlertReceiver } from '../test/support/alert-receiver';
import { finding, scanOf } from '../test/support/scan-fixtures';

function findings(count: number, failEvery: number): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    finding({ checkId: i % 2 ? 'pg.fk' : 'pg.retention', status: i % failEvery === 0 ? 'fail' : 'pass', resource: `db${i % 50}:public.t${i}`, evidence: [{ source: 's', field: 'retention days', value: 35 - (i % failEvery === 0 ? 5 : 0) }] }),
  );
}

async function time<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

export async function run(): Promise<void> {
  // Drift: two scans of 50,000 findings, 1 in 100 changed.
  const before = scanOf(findings(50_000, 1_000_000));
  const after = scanOf(findings(50_000, 100));
  const [events, diffMs] = await time(() => diffScans(before, after));
  console.log(`drift: diff of 2 x 50,000 findings -> ${events.length} events in ${diffMs.toFixed(1)} ms (${((diffMs * 1000) / 50_000).toFixed(2)} µs per finding)`);

  // File store: 200 commits of a 2,000-finding scan, then lookups.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-bench-'));
  try {
    const store = await FileHistoryStore.open(dir, { keep: 100 });
    const scan = scanOf(findings(2_000, 50));
    const commits: number[] = [];
    for (let i = 0; i < 200; i++) {
      const [, ms] = await time(() => store.record({ scan: { ...scan, scanId: `s${i}` }, outbox: [], digests: [] }));
      commits.push(ms);
    }
    const first = commits.slice(0, 20).reduce((a, b) => a + b) / 20;
    const last = commits.slice(-20).reduce((a, b) => a + b) / 20;
    console.log(`history (files): commit of a 2,000-finding scan with fsync: first 20 avg ${first.toFixed(1)} ms, last 20 avg ${last.toFixed(1)} ms (ratio ${(last / first).toFixed(2)}; retention 100)`);
    const [, latestMs] = await time(() => store.latestFor('orders'));
    console.log(`history (files): latestFor over 100 kept scans: ${latestMs.toFixed(1)} ms`);

    // Outbox: 500 webhook deliveries to a local receiver.
    const receiver = await startAlertReceiver();
    const plan = planAlerts({ scan: after, service: after.services[0]!, events: events.slice(0, 500), previousScanId: before.scanId, sinks: [{ name: 'hook', type: 'webhook', minSeverity: 'info' }], digestDue: false });
    await store.record({ scan: { ...after, scanId: 'with-outbox' }, outbox: plan.outbox, digests: [] });
    const sink = webhookSink({ name: 'hook', url: receiver.url('/hook'), secret: 'bench-secret-0123456789' }, 5000);
    const [report, deliverMs] = await time(() => deliverPending(store, [sink], { attempts: 1, initialDelayMs: 0, maxDelayMs: 0, log: silentLogger }));
    console.log(`alerts: ${report.delivered} webhook deliveries (each marked delivered with an fsync'd state write) in ${deliverMs.toFixed(0)} ms (${(deliverMs / report.delivered).toFixed(2)} ms each)`);
    await receiver.close();
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
