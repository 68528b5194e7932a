// The HTML reports on paper and on a phone, in headless Chromium: printed to
// PDF (read back with pdfjs), the remediation and the evidence are in it, the
// questionnaire does not take a page per row, the overview's tables fit the
// page width; at 390 px the questionnaire's rows stack. With three scans in the
// history, the trend charts are there in both.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FRAMEWORK } from '../../src/frameworks';
import { FileHistoryStore } from '../../src/history/file-store';
import { readReportTrends } from '../../src/history/trend-reader';
import type { ScanResult } from '../../src/model';
import { answerFrameworks } from '../../src/report/answers';
import { htmlFileName, OVERVIEW_FILE } from '../../src/report/html-view';
import { compareFindings } from '../../src/report/order';
import { writeReports } from '../../src/report/write';
import { launchChromium, type Browser } from '../support/browser';
import { buildFleetScan } from '../support/fleet';
import { QUESTIONNAIRE } from '../support/questionnaire';

/** A4 less the stylesheet's 12 mm margins, in CSS pixels (96 per inch). */
const A4_PRINTABLE_PX = Math.floor(((210 - 2 * 12) / 25.4) * 96);
const PHONE = { width: 390, height: 844 };

let browser: Browser;
let dir: string;
let scan: ScanResult;

/** The fleet a week apart, fewer failures each week, recorded in a history; the newest is the scan the reports show. */
async function fleetWithHistory(historyDir: string): Promise<ScanResult> {
  const store = await FileHistoryStore.open(historyDir, { keep: 10 });
  let newest: ScanResult | undefined;
  try {
    for (const [week, date] of ['2026-02-16', '2026-02-23', '2026-03-02'].entries()) {
      const current = buildFleetScan({ services: 3, datastoresPerService: 2, now: new Date(`${date}T06:00:00Z`) });
      current.scanId = `00000000-0000-4000-8000-00000000000${week}`;
      for (const service of current.services) {
        for (const f of service.findings.filter((x) => x.status === 'fail').slice(0, 4 * (2 - week))) f.status = 'pass';
      }
      answerFrameworks(current, [DEFAULT_FRAMEWORK]);
      if (week < 2) await store.record({ scan: current, outbox: [], digests: [] });
      newest = current;
    }
    await writeReports(newest!, dir, ['html'], { trends: await readReportTrends(store, newest!) });
  } finally {
    await store.close();
  }
  return newest!;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-print-'));
  scan = await fleetWithHistory(path.join(dir, 'history'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Console errors and warnings of the pages (a CSP violation by the charts would be one). */
const problems: string[] = [];

async function open(file: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => problems.push(`${file}: page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${file}: console ${message.type()}: ${message.text()}`);
  });
  await page.setViewportSize(viewport);
  await page.goto(pathToFileURL(path.join(dir, file)).href);
  return page;
}

/** The text of each page of a PDF, whitespace collapsed. */
async function pdfPages(pdf: Buffer): Promise<string[]> {
  const document = await getDocument({ data: new Uint8Array(pdf), disableFontFace: true, useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str : ''))
        .join(' ')
        .replace(/\s+/g, ' '),
    );
  }
  await document.destroy();
  return pages;
}

describe('HTML reports printed and on a phone', () => {
  it('print to PDF with every evidence and remediation block open, the trends, and no page per questionnaire row', async () => {
    const service = scan.services[0]!;
    const page = await open(htmlFileName(service.name));
    await expect.poll(() => page.locator('#trends svg[role="img"]').count()).toBeGreaterThan(0);
    const pages = await pdfPages(await page.pdf({ format: 'A4' }));
    // Narrow cells may break a long word across lines: compare without spaces.
    const text = pages.join(' ').replace(/ /g, '');

    // The worst finding is the first row of the findings table: its remediation, closed on screen, is on paper.
    const worst = [...service.findings].sort(compareFindings)[0]!;
    expect(worst.remediation.length).toBeGreaterThan(10);
    await expect.poll(() => page.locator('#findings tbody[data-rows] tr').first().locator('.remediation').isVisible()).toBe(false);
    expect(text).toContain(worst.remediation.replace(/\s/g, ''));
    // So is a questionnaire row's evidence.
    const indexes = QUESTIONNAIRE.find((r) => r.id === 'indexes')!;
    const evidence = service.findings.find((f) => indexes.checks.includes(f.checkId) && f.status === 'fail')!;
    expect(text).toContain(`${evidence.checkId}${evidence.resource}`.replace(/\s/g, ''));
    expect(text).toContain(evidence.evidence[0]!.source);

    // The trends print: the chart's heading, its totals and the strips' row labels.
    const trends = pages.findIndex((p) => p.includes('Findings by status per scan'));
    expect(trends).toBeGreaterThanOrEqual(0);
    expect(pages.slice(trends).join(' ')).toContain('Questionnaire answers over time');
    expect(pages.slice(trends).join(' ')).toContain('Recovery window over time');

    // The questionnaire flows across pages: its rows share pages instead of starting one each.
    const start = pages.findIndex((p) => p.includes('Onboarding questionnaire'));
    const spanned = trends - start + 1;
    expect(start).toBeGreaterThanOrEqual(0);
    expect(spanned).toBeLessThan(QUESTIONNAIRE.length);
    expect(pages.slice(start, trends).some((p, i) => i > 0 && QUESTIONNAIRE.filter((r) => p.includes(r.label)).length >= 2)).toBe(true);
    await page.close();
  });

  it('fit the overview tables to the width of a printed page', async () => {
    const page = await open(OVERVIEW_FILE, { width: A4_PRINTABLE_PX, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    const overflowing = await page.evaluate((width) => {
      const wide = [...document.querySelectorAll('table')]
        .filter((t) => t.getBoundingClientRect().width > 0 && t.getBoundingClientRect().right > width + 0.5)
        .map((t) => `${t.querySelector('caption')?.textContent ?? t.className}: ${Math.round(t.getBoundingClientRect().right)} px`);
      return { wide, page: document.documentElement.scrollWidth };
    }, A4_PRINTABLE_PX);
    expect(overflowing).toEqual({ wide: [], page: A4_PRINTABLE_PX });
    expect(await page.locator('table.totals').count()).toBe(2);
    // The weekly fleet totals are drawn, and printed.
    await expect.poll(() => page.locator('#trend-fleet rect').count()).toBeGreaterThan(2);
    const printed = (await pdfPages(await page.pdf({ format: 'A4' }))).join(' ');
    // The last column of the widest table is on paper (headers print in capitals).
    expect(printed).toMatch(/Services failing/i);
    expect(printed).toContain('Fleet totals per week');
    expect(printed).toMatch(/122 02-16 122 02-23 122 03-02/);
    await page.close();
  });

  it('stack the questionnaire rows at 390 px, with no horizontal scrolling, trends included', async () => {
    const service = scan.services[1]!;
    const page = await open(htmlFileName(service.name), PHONE);
    const layout = await page.evaluate(() => {
      const row = document.querySelector('table.questionnaire > tbody > tr')!;
      const label = row.querySelector(':scope > th')!.getBoundingClientRect();
      const status = row.querySelector(':scope > td.status')!.getBoundingClientRect();
      const answer = row.querySelector(':scope > td:last-child')!.getBoundingClientRect();
      const table = document.querySelector('table.questionnaire')!;
      const chart = document.querySelector('#trends svg[role="img"]')!.getBoundingClientRect();
      return {
        page: document.documentElement.scrollWidth,
        table: [table.scrollWidth, table.clientWidth],
        stacked: label.bottom <= status.top && status.bottom <= answer.top,
        fullWidth: answer.width > 300,
        chartFits: chart.right <= window.innerWidth,
      };
    });
    expect(layout.page).toBe(PHONE.width);
    expect(layout.table[0]).toBeLessThanOrEqual(layout.table[1]!);
    expect(layout).toMatchObject({ stacked: true, fullWidth: true, chartFits: true });
    await page.screenshot({ path: path.resolve('test-output/reports/phone-service.png'), fullPage: false });
    await page.locator('#trends').screenshot({ path: path.resolve('test-output/reports/phone-trends.png') });
    await page.close();
  });

  it('drew the charts within the page\'s Content-Security-Policy, loading nothing', () => {
    expect(problems).toEqual([]);
    expect(browser.requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
  });
});
