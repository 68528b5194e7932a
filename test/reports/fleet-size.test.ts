// The generator test of issue 7: a 100 services x 50 datastores fleet renders
// an overview under 5 MB and every service page under 1 MB, with no finding
// left out of the pages' data.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { htmlFileName, OVERVIEW_FILE } from '../../src/report/html-view';
import { writeReports } from '../../src/report/write';
import { buildFleetScan } from '../support/fleet';
import { embeddedData } from '../support/html';

const MB = 1_000_000;

describe('HTML reports for a 100 x 50 fleet', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keep the overview under 5 MB and each service page under 1 MB', async () => {
    const scan = buildFleetScan({ services: 100, datastoresPerService: 50, changes: true, estateFindings: 500 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-fleet-'));
    const written = await writeReports(scan, dir, ['html']);
    expect(written).toHaveLength(101);

    const overview = (await stat(path.join(dir, OVERVIEW_FILE))).size;
    const pages = await Promise.all(
      scan.services.map(async (s) => ({ service: s, size: (await stat(path.join(dir!, htmlFileName(s.name)))).size })),
    );
    const largest = pages.reduce((a, b) => (b.size > a.size ? b : a));
    const findings = scan.services.reduce((n, s) => n + s.findings.length, 0);
    process.stdout.write(
      `fleet 100x50: ${findings} findings; overview ${(overview / MB).toFixed(2)} MB; largest service page ${(largest.size / MB).toFixed(2)} MB (${largest.service.findings.length} findings)\n`,
    );
    expect(overview).toBeLessThan(5 * MB);
    for (const page of pages) expect(page.size, page.service.name).toBeLessThan(1 * MB);

    // Small because compact, not because findings were dropped.
    const html = await readFile(path.join(dir, htmlFileName(largest.service.name)), 'utf8');
    const data = embeddedData(html);
    expect(data.omitted).toBe(0);
    expect(data.findings).toHaveLength(largest.service.findings.length);
    const estate = embeddedData(await readFile(path.join(dir, OVERVIEW_FILE), 'utf8'), 'estate-findings-data');
    expect(estate.findings).toHaveLength(500);
  });
});
