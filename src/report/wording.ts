// Words every report and the terminal share: counts, times, and the datastores
// that could not be scanned (named once each, not once per check).
import type { Finding, ServiceResult, Status } from '../model';
import { STATUS_ORDER } from './order';
import { COLLECTION_ERROR_PREFIX } from '../engine/evaluate';

/** How many findings have each status. */
export function countStatuses(findings: readonly Pick<Finding, 'status'>[]): Partial<Record<Status, number>> {
  const counts: Partial<Record<Status, number>> = {};
  for (const f of findings) counts[f.status] = (counts[f.status] ?? 0) + 1;
  return counts;
}

/** "3 fail, 1 error, 12 pass": statuses in the one report order, zeros left out. */
export function statusCounts(counts: Partial<Record<Status, number>>): string {
  return STATUS_ORDER.filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "30 Nov 2026, 03:49 UTC" for an ISO timestamp (scan.json keeps the ISO value). */
export function humanTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

export interface UnscannedDatastore {
  name: string;
  type: string;
  error: string;
  fix?: string;
  /** The checks that could not run on it for that reason. */
  checks: string[];
}

/** An error finding that only says its datastore's facts could not be collected. */
export function isCollectionErrorFinding(finding: Finding): finding is Finding & { datastore: string } {
  return finding.status === 'error' && finding.datastore !== undefined && finding.message.startsWith(COLLECTION_ERROR_PREFIX);
}

/** An error finding that only repeats its datastore's collection error: reports show the cause once, with the datastore. */
export function repeatsCollectionError(finding: Finding, service: ServiceResult): boolean {
  if (!isCollectionErrorFinding(finding)) return false;
  return service.datastores.some((d) => d.name === finding.datastore && d.collectionError !== undefined);
}

/** The datastores of a service that could not be scanned, each with its cause, fix and the checks it kept from running. */
export function unscannedDatastores(service: ServiceResult): UnscannedDatastore[] {
  return service.datastores
    .filter((d) => d.collectionError !== undefined)
    .map((d) => ({
      name: d.name,
      type: d.type,
      error: d.collectionError!,
      ...(d.collectionErrorFix ? { fix: d.collectionErrorFix } : {}),
      checks: service.findings.filter((f) => f.datastore === d.name && repeatsCollectionError(f, service)).map((f) => f.checkId),
    }));
}
