// Reads the trend points of services from the history for the HTML reports
// (src/report/trends.ts draws them): the page of a service shows its last scans,
// the overview the fleet's totals per week.
import type { ScanResult } from '../model';
import {
  fleetTrendsView,
  fleetWeeks,
  serviceTrendPoint,
  serviceTrendsView,
  TREND_LIMITS,
  weekOf,
  type ReportTrends,
  type ServiceTrendPoint,
} from '../report/trends';
import type { HistoryStore } from './types';

export class TrendReader {
  /** Points by scan and service. A stored scan never changes, so one read serves every later page. */
  private readonly points = new Map<string, ServiceTrendPoint | null>();

  constructor(private readonly store: HistoryStore) {}

  private async point(scanId: string, service: string, scan?: ScanResult): Promise<ServiceTrendPoint | undefined> {
    const key = (name: string) => `${scanId}\u0000${name}`;
    if (!this.points.has(key(service))) {
      // One read gives the points of every service in the scan: a fleet scanned together is read once, not once per service.
      const read = scan ?? (await this.store.get(scanId));
      this.points.set(key(service), null);
      for (const s of read?.services ?? []) this.points.set(key(s.name), serviceTrendPoint(read!, s.name) ?? null);
    }
    return this.points.get(key(service)) ?? undefined;
  }

  /** The points of a service's newest scans, oldest first, `current` among them even if not recorded yet. */
  async service(service: string, current: ScanResult): Promise<ServiceTrendPoint[]> {
    const entries = (await this.store.list({ service, limit: TREND_LIMITS.scans })).filter((e) => e.scanId !== current.scanId);
    const points = await Promise.all(entries.map((e) => this.point(e.scanId, service)));
    const mine = await this.point(current.scanId, service, current);
    return [...points, mine]
      .filter((p): p is ServiceTrendPoint => p !== undefined)
      .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))
      .slice(-TREND_LIMITS.scans);
  }

  /** For each service, its newest scan of each of the last weeks (with `current`, if given, as the newest). */
  async fleet(services: string[], current?: ScanResult): Promise<{ service: string; point: ServiceTrendPoint }[]> {
    const out: { service: string; point: ServiceTrendPoint }[] = [];
    for (const service of services) {
      const entries = await this.store.list({ service });
      const newestFirst = [
        ...(current?.services.some((s) => s.name === service) ? [{ scanId: current.scanId, finishedAt: current.finishedAt }] : []),
        ...entries,
      ];
      // The first scan seen of each week (newest first) is the one that week counts.
      const weeks = new Map<string, string>();
      for (const entry of newestFirst) {
        const week = weekOf(entry.finishedAt);
        if (!weeks.has(week)) weeks.set(week, entry.scanId);
        if (weeks.size >= TREND_LIMITS.weeks) break;
      }
      for (const scanId of weeks.values()) {
        const point = await this.point(scanId, service, scanId === current?.scanId ? current : undefined);
        if (point) out.push({ service, point });
      }
    }
    return out;
  }
}

/** The trends the HTML reports of a scan show, from the history before it. */
export async function readReportTrends(store: HistoryStore, scan: ScanResult): Promise<ReportTrends> {
  const reader = new TrendReader(store);
  const services = new Map<string, NonNullable<ReturnType<typeof serviceTrendsView>>>();
  for (const service of scan.services) {
    const view = serviceTrendsView(await reader.service(service.name, scan));
    if (view) services.set(service.name, view);
  }
  const fleet = fleetTrendsView(fleetWeeks(await reader.fleet(scan.services.map((s) => s.name), scan)));
  return { services, ...(fleet ? { fleet } : {}) };
}
