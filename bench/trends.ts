// Trends from history for the HTML reports: reading 12 weekly scans of a
// 100 services x 10 datastores fleet, and what the charts add to rendering time and page size.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileHistoryStore } from '../src/history/file-store';
import { readReportTrends } from '../src/history/trend-reader';
import type { HistoryStore } from '../src/history/types';
import type { ScanResult } from '../src/model';
import { renderServiceHtml } from '../src/report/html';
import { buildFleetScan } from '../test/support/fleet';

const WEEKS = 12;

/** Counts the stored scans read: each should be read once for all its services. */
function counting(store: HistoryStore): { store: HistoryStore; reads: () => number } {
  let reads = 0;
  return {
    store: new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'get') return (id: string) => ((reads += 1), target.get(id));
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
    reads: () => reads,
  };
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-bench-trends-'));
  try {
    const store = await FileHistoryStore.open(dir, { keep: 100 });
    let current: ScanResult | undefined;
    for (let week = 0; week < WEEKS; week++) {
      current = buildFleetScan({ services: 100, datastoresPerService: 10, seed: 7, now: new Date(Date.UTC(2026, 0, 5 + 7 * week, 6)) });
      current.scanId = `00000000-0000-4000-8000-0000000000${String(week).padStart(2, '0')}`;
      if (week < WEEKS - 1) await store.record({ scan: current, outbox: [], digests: [] });
    }
    if (!current) throw new Error('no scan built');
    const scan = current;
    const findings = scan.services.reduce((n, s) => n + s.findings.length, 0);
    const { store: counted, reads } = counting(store);

    let started = performance.now();
    const trends = await readReportTrends(counted, scan);
    const readMs = performance.now() - started;
    started = performance.now();
    for (const entry of await store.list({ limit: WEEKS })) await store.get(entry.scanId);
    const parseMs = performance.now() - started;

    renderServiceHtml(scan, scan.services[0]!); // templates compile once per process
    started = performance.now();
    const plain = scan.services.map((s) => renderServiceHtml(scan, s));
    const plainMs = performance.now() - started;
    started = performance.now();
    const charted = scan.services.map((s) => renderServiceHtml(scan, s, { trends: trends.services.get(s.name)! }));
    const chartedMs = performance.now() - started;
    const bytes = (pages: string[]) => pages.reduce((n, p) => n + Buffer.byteLength(p), 0) / pages.length;

    console.log(`trends: fleet 100 services x 10 datastores, ${findings} findings per scan, ${WEEKS - 1} scans in the history + this one`);
    console.log(`trends: read the history ${readMs.toFixed(0)} ms, ${reads()} stored scans read (${((reads() / (WEEKS - 1)) * 100).toFixed(0)}% of ${WEEKS - 1}: each once, for all 100 services); reading and parsing those scans alone ${parseMs.toFixed(0)} ms (${((parseMs / readMs) * 100).toFixed(0)}%)`);
    console.log(`trends: render 100 service pages ${plainMs.toFixed(0)} ms without, ${chartedMs.toFixed(0)} ms with trends (x${(chartedMs / plainMs).toFixed(2)})`);
    console.log(`trends: mean page ${(bytes(plain) / 1000).toFixed(0)} kB without, ${(bytes(charted) / 1000).toFixed(0)} kB with trends (+${(((bytes(charted) - bytes(plain)) / bytes(plain)) * 100).toFixed(1)}%)`);
    console.log(`trends: ${trends.fleet?.weeks.length ?? 0} weeks of fleet totals on the overview`);
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
