// The HTML reports in a real browser: headless Chromium opens the generated
// files from disk (file://), with no network.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks';
import { startDemoEstate } from '../../src/demo/estate';
import { DATASTORE_COLLECTORS, SERVICE_COLLECTORS } from '../../src/engine/registry';
import { runScan } from '../../src/engine/scan';
import { silentLogger } from '../../src/log';
import type { ScanResult } from '../../src/model';
import { htmlFileName, OVERVIEW_FILE } from '../../src/report/html-view';
import { QUESTIONNAIRE } from '../support/questionnaire';
import { writeReports } from '../../src/report/write';
import { launchChromium, type Browser } from '../support/browser';
import { buildFleetScan } from '../support/fleet';
import { questionnaireOf } from '../support/questionnaire';

const SCREENSHOTS = path.resolve('test-output/reports');
const HOSTILE = '</script><script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
const PAGE_SIZE = 50;

let browser: Browser;
let demo: { scan: ScanResult; dir: string; password: string };
let fleet: { scan: ScanResult; dir: string };
const temporary: string[] = [];

async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  await page.goto(pathToFileURL(file).href);
  return { page, problems };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const findingRows = (page: Page) => page.locator('#findings tbody[data-rows] tr[data-status]');

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  // A real scan of the demo estate (embedded PostgreSQL), written as every scan writes it.
  const estate = await startDemoEstate();
  let scan: ScanResult;
  try {
    scan = await runScan({
      config: estate.config,
      configPath: null,
      collectors: DATASTORE_COLLECTORS,
      serviceCollectors: SERVICE_COLLECTORS,
      checks: ALL_CHECKS,
      log: silentLogger,
    });
  } finally {
    await estate.stop();
  }
  const datastore = estate.config.services[0]!.datastores[0]!;
  if (datastore.type !== 'postgres') throw new Error('the demo estate starts with a PostgreSQL datastore');
  const demoDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-html-demo-'));
  temporary.push(demoDir);
  await writeReports(scan, demoDir, ['md', 'json', 'html']);
  demo = { scan, dir: demoDir, password: new URL(datastore.url!).password };

  const fleetScan = buildFleetScan({ services: 3, datastoresPerService: 12, changes: true, estateFindings: 8, hostileText: HOSTILE });
  const fleetDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-html-fleet-'));
  temporary.push(fleetDir);
  await writeReports(fleetScan, fleetDir, ['html']);
  fleet = { scan: fleetScan, dir: fleetDir };

  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

describe('HTML reports in headless Chromium', () => {
  it('show the questionnaire rows of a real scan with their answers and evidence', async () => {
    expect(demo.password.length).toBeGreaterThan(0);
    for (const file of await readdir(demo.dir)) {
      expect(await readFile(path.join(demo.dir, file), 'utf8'), file).not.toContain(demo.password);
    }

    const service = demo.scan.services[0]!;
    const { page, problems } = await open(path.join(demo.dir, htmlFileName(service.name)));
    await expect.poll(() => page.title()).toBe(`CONTINUITY-0003: ${service.name}`);
    const rows = page.locator('table.questionnaire > tbody > tr');
    await expect.poll(() => rows.count()).toBe(QUESTIONNAIRE.length);
    for (const [i, row] of QUESTIONNAIRE.entries()) {
      const answer = questionnaireOf(service).find((a) => a.control === row.id)!;
      const tr = rows.nth(i);
      await expect.poll(() => tr.locator(':scope > th').innerText()).toBe(row.label);
      await expect.poll(() => tr.locator('.answer').innerText()).toBe(answer.answer);
      await expect.poll(() => tr.locator('td.status .badge').innerText()).toContain(answer.status);
    }

    // The SSL answer's evidence opens and shows where the value came from.
    const ssl = page.locator('#q-ssl');
    const evidence = ssl.locator('details');
    await expect.poll(() => evidence.locator('table.evidence').first().isVisible()).toBe(false);
    await evidence.locator('summary').click();
    await expect.poll(() => evidence.locator('table.evidence').first().isVisible()).toBe(true);
    await expect.poll(() => evidence.innerText()).toContain('pg_settings');

    await expect.poll(() => findingRows(page).count()).toBe(service.findings.length);
    await screenshot(page, 'demo-service');
    expect(problems).toEqual([]);

    const overview = await open(path.join(demo.dir, OVERVIEW_FILE));
    await expect.poll(() => overview.page.locator('table.matrix tbody tr').count()).toBe(1);
    await screenshot(overview.page, 'demo-overview');
    expect(overview.problems).toEqual([]);
    await Promise.all([page.close(), overview.page.close()]);
  });

  it('filters hide and show findings, and pages through long lists', async () => {
    const service = fleet.scan.services[1]!;
    const { page, problems } = await open(path.join(fleet.dir, htmlFileName(service.name)));
    const rows = findingRows(page);
    const output = page.locator('#findings .pager output');
    const total = service.findings.length;
    expect(total).toBeGreaterThan(PAGE_SIZE);
    await expect.poll(() => rows.count()).toBe(PAGE_SIZE);
    await expect.poll(() => output.innerText()).toBe(`Showing 1–50 of ${total} matching findings (of ${total}), page 1 of ${Math.ceil(total / PAGE_SIZE)}.`);

    const passing = service.findings.filter((f) => f.status === 'pass').length;
    await page.selectOption('#findings select[name="status"]', 'pass');
    await expect.poll(() => rows.count()).toBe(Math.min(PAGE_SIZE, passing));
    expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status'))))).toEqual(new Set(['pass']));

    const passes = service.findings.filter((f) => f.status === 'pass');
    const check = passes[passes.length - 1]!.checkId;
    const passingForCheck = passes.filter((f) => f.checkId === check).length;
    expect(passingForCheck).toBeGreaterThan(0);
    await page.selectOption('#findings select[name="check"]', check);
    await expect.poll(() => rows.count()).toBe(passingForCheck);
    expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-check'))))).toEqual(new Set([check]));

    const datastore = service.datastores[4]!.name;
    await page.click('#findings button[type="reset"]');
    await page.fill('#findings input[name="q"]', `${datastore}:`);
    const matching = service.findings.filter((f) => f.resource.includes(`${datastore}:`) || f.message.includes(`${datastore}:`));
    await expect.poll(() => rows.count()).toBe(matching.length);
    await page.selectOption('#findings select[name="check"]', 'row:indexes');
    await expect.poll(() => rows.count()).toBe(matching.length); // every per-table finding informs the Indexes row
    const low = matching.filter((f) => f.severity === 'low').length;
    expect(low).toBeGreaterThan(0);
    await page.selectOption('#findings select[name="severity"]', 'low');
    await expect.poll(() => rows.count()).toBe(low);
    expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-severity'))))).toEqual(new Set(['low']));
    await page.fill('#findings input[name="q"]', 'no such resource');
    await expect.poll(() => rows.count()).toBe(0);
    await expect.poll(() => output.innerText()).toBe(`No matching findings (of ${total}).`);

    await page.click('#findings button[type="reset"]');
    await expect.poll(() => rows.count()).toBe(PAGE_SIZE);
    const firstOnPageOne = await rows.first().innerText();
    await page.click('#findings [data-page="next"]');
    await expect.poll(() => output.innerText()).toContain('Showing 51–');
    expect(await rows.first().innerText()).not.toBe(firstOnPageOne);
    await expect.poll(() => page.locator('#findings [data-page="previous"]').isDisabled()).toBe(false);

    await screenshot(page, 'fleet-service-paged');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the overview links resolve to existing pages and answers, and its filter narrows the matrix', async () => {
    const file = path.join(fleet.dir, OVERVIEW_FILE);
    const { page, problems } = await open(file);
    const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    const local = hrefs.filter((href) => href.startsWith('file:'));
    expect(local.length).toBeGreaterThan(fleet.scan.services.length * QUESTIONNAIRE.length);
    const targets = new Map<string, Set<string>>();
    for (const href of local) {
      const url = new URL(href);
      const target = decodeURIComponent(url.pathname);
      if (!targets.has(target)) targets.set(target, new Set());
      if (url.hash) targets.get(target)!.add(url.hash.slice(1));
    }
    expect([...targets.keys()].sort()).toEqual(
      [file, ...fleet.scan.services.map((s) => path.join(fleet.dir, htmlFileName(s.name)))].sort(),
    );
    for (const [target, ids] of targets) {
      expect(existsSync(target), target).toBe(true);
      const other = target === file ? page : (await open(target)).page;
      for (const id of ids) await expect(other.locator(`[id="${id}"]`).count(), `${target}#${id}`).resolves.toBe(1);
      if (other !== page) await other.close();
    }

    // Follow one link as a reader would.
    const service = fleet.scan.services[2]!;
    await page.click(`table.matrix a[href="${htmlFileName(service.name)}#q-ssl"]`);
    await expect.poll(() => page.locator('h1').innerText()).toBe(service.name);
    expect(new URL(page.url()).hash).toBe('#q-ssl');
    await page.goBack();

    const matrixRows = page.locator('table.matrix tbody tr:visible');
    await expect.poll(() => matrixRows.count()).toBe(fleet.scan.services.length);
    await page.fill('form[data-matrix-filter] input[name="q"]', service.name);
    await expect.poll(() => matrixRows.count()).toBe(1);
    await expect.poll(() => page.locator('form[data-matrix-filter] output').innerText()).toBe(`1 of ${fleet.scan.services.length} services shown.`);
    await page.click('form[data-matrix-filter] button[type="reset"]');
    await expect.poll(() => matrixRows.count()).toBe(fleet.scan.services.length);

    await expect.poll(() => page.locator('#estate tbody[data-rows] tr[data-status]').count()).toBe(8);
    await screenshot(page, 'fleet-overview');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows hostile scan text as text and never runs it, inline and in script-rendered rows', async () => {
    const service = fleet.scan.services[0]!;
    const { page, problems } = await open(path.join(fleet.dir, htmlFileName(service.name)));
    const first = findingRows(page).first();
    await expect.poll(() => first.locator('td.resource').innerText()).toBe(`${service.datastores[0]!.name}:${HOSTILE}`);
    await page.fill('#findings input[name="q"]', 'onerror');
    await expect.poll(() => findingRows(page).count()).toBe(1);
    await first.locator('summary').click();
    await expect.poll(() => first.locator('table.evidence td.mono').innerText()).toBe(HOSTILE);
    await expect(page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).resolves.toBeUndefined();
    await expect.poll(() => page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    await screenshot(page, 'fleet-service-hostile');
    await page.close();
  });

  it('prints cleanly: controls hidden and every matching finding rendered', async () => {
    const service = fleet.scan.services[1]!;
    const { page } = await open(path.join(fleet.dir, htmlFileName(service.name)));
    await page.selectOption('#findings select[name="status"]', 'fail');
    const failing = service.findings.filter((f) => f.status === 'fail').length;
    expect(failing).toBeGreaterThan(PAGE_SIZE);
    await page.emulateMedia({ media: 'print' });
    await expect.poll(() => page.locator('#findings form.filters').isVisible()).toBe(false);
    await expect.poll(() => page.locator('#findings .pager').isVisible()).toBe(false);
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await expect.poll(() => findingRows(page).count()).toBe(failing);
    await expect.poll(() => page.locator('#q-indexes details').getAttribute('open')).toBe('');
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await expect.poll(() => findingRows(page).count()).toBe(PAGE_SIZE);
    await page.close();
  });

  it('loaded nothing but the report files themselves', () => {
    expect(browser.requests.length).toBeGreaterThan(0);
    expect(browser.requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
  });
});

describe('HTML reports without JavaScript', () => {
  it('list a few findings per check with a count of the rest, and hide the controls that need a script', async () => {
    const noScript = await launchChromium({ javaScriptEnabled: false });
    try {
      const service = fleet.scan.services[1]!;
      const page = await noScript.context.newPage();
      await page.goto(pathToFileURL(path.join(fleet.dir, htmlFileName(service.name))).href);
      const checks = new Set(service.findings.map((f) => f.checkId));
      const rows = await findingRows(page).count();
      expect(rows).toBeGreaterThanOrEqual(checks.size);
      expect(rows).toBeLessThan(service.findings.length);
      await expect.poll(() => page.locator('#findings form.filters').isVisible()).toBe(false);
      await expect.poll(() => page.locator('#findings [data-no-js]').isVisible()).toBe(true);
      await expect(page.locator('#findings tr.more').first().innerText()).resolves.toMatch(/^… and \d+ more /);
      await expect.poll(() => page.locator('table.questionnaire > tbody > tr').count()).toBe(QUESTIONNAIRE.length);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'fleet-service-no-js.png'), fullPage: true });
    } finally {
      await noScript.close();
    }
  });
});
