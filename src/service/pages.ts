// The HTML pages `continuity serve` renders from the history: the fleet
// overview at /reports/ (the newest scan of every service, with weekly totals)
// and each service's page at /reports/<service> (its newest scan, with trends).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { HistoryStore } from '../history/types';
import type { ScanResult, Status } from '../model';
import { SCAN_RESULT_SCHEMA_VERSION, STATUSES } from '../model';
import { TOOL_VERSION } from '../version';
import { renderOverviewHtml, renderServiceHtml } from '../report/html';
import type { PageLinks } from '../report/html-view';
import { fleetTrendsView, fleetWeeks, serviceTrendsView } from '../report/trends';
import type { TrendReader } from '../history/trend-reader';

/** Report files served under /reports/<service>/<file>, by extension. */
export const REPORT_CONTENT_TYPES: Record<string, string> = {
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.sarif': 'application/sarif+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

/** The overview is /reports/ and a service page /reports/<service>: links relative to each. */
const SERVED_LINKS: PageLinks = {
  overviewHref: './',
  serviceHref: (service) => encodeURIComponent(service),
};

export interface PagesContext {
  store: HistoryStore;
  /** Reports of service S are in <outDir>/<S>/. */
  outDir: string;
  services: string[];
}

/** The report files a scan wrote for a service, by name; only these can be served (no path from the URL reaches the disk). */
export async function reportFiles(ctx: PagesContext, service: string): Promise<string[]> {
  if (!ctx.services.includes(service)) return [];
  try {
    // A report being written (`x.html.<id>.tmp`) has no served extension.
    return (await readdir(path.join(ctx.outDir, service))).filter((f) => path.extname(f) in REPORT_CONTENT_TYPES).sort();
  } catch {
    return [];
  }
}

/** One scan result holding the newest scan of each service: what the overview shows. */
function fleetScan(latest: ScanResult[], services: string[]): ScanResult {
  const newest = [...latest].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt))[0]!;
  const serviceResults = services.flatMap((name) => {
    const scan = latest.find((s) => s.services.some((x) => x.name === name));
    return scan ? [scan.services.find((x) => x.name === name)!] : [];
  });
  const checks = new Map(latest.flatMap((s) => s.checks).map((c) => [c.id, c]));
  const totals = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const f of [...serviceResults.flatMap((s) => s.findings), ...newest.estate.findings]) totals[f.status] += 1;
  // Each service's changes are on its own page; the overview of several scans has no one previous scan.
  const merged: ScanResult = { ...newest, services: serviceResults, checks: [...checks.values()], totals };
  delete merged.changes;
  return merged;
}

export async function renderServedOverview(ctx: PagesContext, trends: TrendReader): Promise<string> {
  const latest = new Map<string, ScanResult>();
  const notScanned: string[] = [];
  for (const service of ctx.services) {
    const scan = await ctx.store.latestFor(service);
    if (scan) latest.set(scan.scanId, scan);
    else notScanned.push(service);
  }
  const scanned = ctx.services.filter((s) => !notScanned.includes(s));
  const reportFilesOf = await Promise.all(
    scanned.map(async (service) => ({
      service,
      files: (await reportFiles(ctx, service)).map((name) => ({ name, href: `${encodeURIComponent(service)}/${encodeURIComponent(name)}` })),
    })),
  );
  const weekly = fleetTrendsView(fleetWeeks(await trends.fleet(scanned)));
  if (latest.size === 0) {
    // Nothing scanned yet: an empty fleet, saying which services wait for their first scan.
    return renderOverviewHtml(emptyScan(), { links: SERVED_LINKS, notScanned });
  }
  return renderOverviewHtml(fleetScan([...latest.values()], scanned), {
    links: SERVED_LINKS,
    reportFiles: reportFilesOf.filter((r) => r.files.length > 0),
    notScanned,
    ...(weekly ? { trends: weekly } : {}),
  });
}

function emptyScan(): ScanResult {
  const now = new Date().toISOString();
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'continuity', version: TOOL_VERSION },
    scanId: 'none yet',
    startedAt: now,
    finishedAt: now,
    configPath: null,
    services: [],
    estate: { findings: [] },
    checks: [],
    totals: Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>,
  };
}

/** The page of a service from its newest scan, or undefined before its first scan. */
export async function renderServedServicePage(ctx: PagesContext, trends: TrendReader, service: string): Promise<string | undefined> {
  if (!ctx.services.includes(service)) return undefined;
  const scan = await ctx.store.latestFor(service);
  const result = scan?.services.find((s) => s.name === service);
  if (!scan || !result) return undefined;
  const view = serviceTrendsView(await trends.service(service, scan));
  return renderServiceHtml(scan, result, { links: SERVED_LINKS, ...(view ? { trends: view } : {}) });
}
