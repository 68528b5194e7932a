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
import { TrendReader } from '../history/trend-reader';

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

/**
 * The served pages, each rendered once per newest scan: a page is kept until a
 * newer scan of its service (or, for the overview, of any service) is recorded.
 */
export class ServedPages {
  private readonly trends: TrendReader;
  private overview: { key: string; html: string } | undefined;
  private readonly servicePages = new Map<string, { key: string; html: string }>();

  constructor(private readonly ctx: PagesContext) {
    this.trends = new TrendReader(ctx.store);
  }

  private async newestScanId(service: string): Promise<string | undefined> {
    return (await this.ctx.store.list({ service, limit: 1 }))[0]?.scanId;
  }

  async overviewHtml(): Promise<string> {
    const { ctx } = this;
    const newest = await Promise.all(ctx.services.map(async (service) => ({ service, scanId: await this.newestScanId(service) })));
    const reportFilesOf = await Promise.all(
      newest
        .filter((n) => n.scanId)
        .map(async ({ service }) => ({
          service,
          files: (await reportFiles(ctx, service)).map((name) => ({ name, href: `${encodeURIComponent(service)}/${encodeURIComponent(name)}` })),
        })),
    );
    const key = JSON.stringify([newest, reportFilesOf]);
    if (this.overview?.key !== key) this.overview = { key, html: await this.renderOverview(newest, reportFilesOf) };
    return this.overview.html;
  }

  private async renderOverview(
    newest: { service: string; scanId: string | undefined }[],
    reportFilesOf: { service: string; files: { name: string; href: string }[] }[],
  ): Promise<string> {
    const notScanned = newest.filter((n) => !n.scanId).map((n) => n.service);
    const scanned = newest.filter((n) => n.scanId).map((n) => n.service);
    const latest = new Map<string, ScanResult>();
    for (const scanId of new Set(newest.map((n) => n.scanId))) {
      const scan = scanId ? await this.ctx.store.get(scanId) : undefined;
      if (scan) latest.set(scanId!, scan);
    }
    if (latest.size === 0) {
      // Nothing scanned yet: an empty fleet, saying which services wait for their first scan.
      return renderOverviewHtml(emptyScan(), { links: SERVED_LINKS, notScanned });
    }
    const weekly = fleetTrendsView(fleetWeeks(await this.trends.fleet(scanned)));
    return renderOverviewHtml(fleetScan([...latest.values()], scanned), {
      links: SERVED_LINKS,
      reportFiles: reportFilesOf.filter((r) => r.files.length > 0),
      notScanned,
      ...(weekly ? { trends: weekly } : {}),
    });
  }

  /** The page of a service from its newest scan, or undefined before its first scan. */
  async serviceHtml(service: string): Promise<string | undefined> {
    if (!this.ctx.services.includes(service)) return undefined;
    const scanId = await this.newestScanId(service);
    if (!scanId) return undefined;
    const cached = this.servicePages.get(service);
    if (cached?.key === scanId) return cached.html;
    const scan = await this.ctx.store.get(scanId);
    const result = scan?.services.find((s) => s.name === service);
    if (!scan || !result) return undefined;
    const view = serviceTrendsView(await this.trends.service(service, scan));
    const html = renderServiceHtml(scan, result, { links: SERVED_LINKS, ...(view ? { trends: view } : {}) });
    this.servicePages.set(service, { key: scanId, html });
    return html;
  }
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
