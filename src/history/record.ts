// After a scan: compare each service with its previous scan, then store the
// scan together with the alerts it causes (one atomic commit), then deliver.
import type { Config } from '../config/schema';
import { diffEstate, diffService } from '../drift/diff';
import { ESTATE } from '../engine/scan';
import type { DriftEvent, ScanResult, ServiceResult } from '../model';
import { needsOlderScans } from '../drift/outages';
import { checksNotRunBefore, pastServiceScan, type PastServiceScan } from '../drift/partial-scans';
import { planAlerts } from '../alerts/plan';
import type { HistoryCommit, HistoryStore } from './types';
import { DAY_MS } from '../util';

/** A weekly digest from a weekly schedule must not slip a week because one scan started a little earlier. */
const DIGEST_TOLERANCE_MS = 60 * 60 * 1000;

export interface ServiceDrift {
  service: string;
  previousScanId: string;
  previousFinishedAt: string;
  events: DriftEvent[];
}

/** Drift of each service of a scan against the newest stored scan of that service. */
export async function driftSinceHistory(store: HistoryStore, scan: ScanResult): Promise<ServiceDrift[]> {
  const drift: ServiceDrift[] = [];
  const loaded = new Map<string, ScanResult>();
  for (const service of scan.services) {
    const previous = await store.latestFor(service.name);
    const old = previous?.services.find((s) => s.name === service.name);
    if (!previous || !old) continue;
    loaded.set(previous.scanId, previous);
    const ranNow = scan.checks.map((c) => c.id);
    const past = pastServiceScan(previous, old, ranNow);
    drift.push({
      service: service.name,
      previousScanId: previous.scanId,
      previousFinishedAt: previous.finishedAt,
      events: diffService(past, service, scan.checks, await olderThan(store, previous, past, service, ranNow)),
    });
  }
  // Estate-level findings (discovery) are compared with the newest scan of any service.
  // It is usually the scan a service was just compared with: not read again.
  const [latest] = await store.list({ limit: 1 });
  if (latest) {
    const previous = loaded.get(latest.scanId) ?? (await store.get(latest.scanId));
    if (previous) {
      const events = diffEstate(previous, scan);
      if (events.length > 0) {
        drift.push({ service: ESTATE, previousScanId: previous.scanId, previousFinishedAt: previous.finishedAt, events });
      }
    }
  }
  return drift;
}

/** Scans read back through an outage, or past scans limited to some checks, to find the last one that saw a scope or ran a check. */
const LOOKBACK = 20;

/**
 * The service's scans before `previous`, newest first, read only when the
 * previous scan had scopes it could not see or did not run a check run now.
 */
async function olderThan(store: HistoryStore, previous: ScanResult, old: PastServiceScan, current: ServiceResult, ranNow: string[]): Promise<PastServiceScan[]> {
  let notRun = checksNotRunBefore(old, ranNow);
  let blind = needsOlderScans(old.result, current);
  const older: PastServiceScan[] = [];
  let before = previous.scanId;
  while ((blind || notRun.length > 0) && older.length < LOOKBACK) {
    const scan = await store.latestFor(current.name, { before });
    const result = scan?.services.find((s) => s.name === current.name);
    if (!scan || !result) break;
    const past = pastServiceScan(scan, result, ranNow);
    older.push(past);
    blind &&= needsOlderScans(result, current);
    notRun = notRun.filter((id) => !past.checks.has(id));
    before = scan.scanId;
  }
  return older;
}

/** ScanResult.changes: the events, against the most recent of the previous scans compared with. */
export function changesOf(drift: ServiceDrift[]): ScanResult['changes'] {
  if (drift.length === 0) return undefined;
  const newest = drift.reduce((a, b) => (b.previousFinishedAt > a.previousFinishedAt ? b : a));
  return {
    previousScanId: newest.previousScanId,
    previousFinishedAt: newest.previousFinishedAt,
    events: drift.flatMap((d) => d.events),
  };
}

export function reportUrl(base: string | undefined, service: string): string | undefined {
  return base ? `${base.replace(/\/+$/, '')}/reports/${encodeURIComponent(service)}` : undefined;
}

/**
 * Store the scan and queue its alerts in one commit. Returns the number of
 * queued deliveries; `duplicate` when `jobId` (queue mode) was already recorded.
 */
export async function recordScan(
  store: HistoryStore,
  scan: ScanResult,
  drift: ServiceDrift[],
  alerts: Config['alerts'],
  jobId?: string,
): Promise<{ queued: number; events: number; duplicate: boolean }> {
  const commit: HistoryCommit = { scan, outbox: [], digests: [], ...(jobId ? { jobId } : {}) };
  const startedAt = Date.parse(scan.startedAt);
  const units = [
    ...scan.services.map((s) => ({ name: s.name, owner: s.owner, environment: s.environment, findings: s.findings })),
    ...(scan.estate.findings.length > 0 ? [{ name: ESTATE, owner: undefined, environment: 'production', findings: scan.estate.findings }] : []),
  ];
  for (const unit of units) {
    const serviceDrift = drift.find((d) => d.service === unit.name);
    const last = await store.lastDigestAt(unit.name);
    const digestDue = !last || startedAt - Date.parse(last) >= alerts.digestIntervalDays * DAY_MS - DIGEST_TOLERANCE_MS;
    const url = reportUrl(alerts.reportBaseUrl, unit.name);
    const plan = planAlerts({
      scan,
      service: { name: unit.name, ...(unit.owner ? { owner: unit.owner } : {}), environment: unit.environment, findings: unit.findings },
      events: serviceDrift?.events ?? [],
      ...(serviceDrift ? { previousScanId: serviceDrift.previousScanId } : {}),
      sinks: alerts.sinks,
      digestDue,
      ...(url ? { reportUrl: url } : {}),
    });
    commit.outbox.push(...plan.outbox);
    if (plan.digestQueued) commit.digests.push({ service: unit.name, at: scan.startedAt });
  }
  const recorded = await store.record(commit);
  return { queued: commit.outbox.length, events: drift.reduce((n, d) => n + d.events.length, 0), duplicate: !recorded };
}
