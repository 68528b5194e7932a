// The one order statuses and findings are listed in, by every report.
import { severityRank, type Finding, type Status } from '../model';

/** Worst first. */
export const STATUS_ORDER: Status[] = ['fail', 'error', 'warn', 'unknown', 'waived', 'pass', 'skipped'];

export function worstStatus(statuses: Status[]): Status {
  for (const s of STATUS_ORDER) if (statuses.includes(s)) return s;
  return 'unknown';
}

/** Worst status first, then most severe, then by check and resource. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    a.checkId.localeCompare(b.checkId) ||
    a.resource.localeCompare(b.resource)
  );
}
