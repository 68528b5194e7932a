// HTML report rendering for a 100 services x 50 datastores fleet: time and sizes against the limits.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { htmlFileName, OVERVIEW_FILE } from '../src/report/html-view';
import { renderOverviewHtml, renderServiceHtml } from '../src/report/html';
import { writeReports } from '../src/report/write';
import { buildFleetScan } from '../test/support/fleet';

const MB = 1_000_000;

export async function run(): Promise<void> {
  const scan = buildFleetScan({ services: 100, datastoresPerService: 50, changes: true, estateFindings: 500 });
  const findings = scan.services.reduce((n, s) => n + s.findings.length, 0);
  // Warm up: template compilation happens once per process.
  renderOverviewHtml(scan);

  let started = performance.now();
  for (const service of scan.services) renderServiceHtml(scan, service);
  const servicesMs = performance.now() - started;
  started = performance.now();
  renderOverviewHtml(scan);
  const overviewMs = performance.now() - started;

  const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-bench-html-'));
  try {
    started = performance.now();
    await writeReports(scan, dir, ['html']);
    const writeMs = performance.now() - started;
    const overview = (await stat(path.join(dir, OVERVIEW_FILE))).size;
    const sizes = await Promise.all(scan.services.map(async (s) => (await stat(path.join(dir, htmlFileName(s.name)))).size));
    const largest = Math.max(...sizes);
    const largestFindings = scan.services[sizes.indexOf(largest)]!.findings.length;
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    console.log(`html: fleet 100 services x 50 datastores, ${findings} findings`);
    console.log(`html: render 100 service pages ${servicesMs.toFixed(0)} ms (${(servicesMs / 100).toFixed(1)} ms/page, ${((findings / servicesMs) * 1000).toFixed(0)} findings/s); overview ${overviewMs.toFixed(0)} ms`);
    console.log(`html: write all 101 files ${writeMs.toFixed(0)} ms`);
    console.log(`html: overview ${(overview / MB).toFixed(3)} MB = ${((overview / (5 * MB)) * 100).toFixed(1)}% of the 5 MB limit`);
    console.log(`html: service page largest ${(largest / MB).toFixed(3)} MB = ${((largest / MB) * 100).toFixed(1)}% of the 1 MB limit; mean ${(mean / MB).toFixed(3)} MB; ${(largest / largestFindings).toFixed(0)} bytes per finding (${largestFindings} findings)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
