// The one order findings are listed in, by every report.
import { severityRank, type Finding } from '../model';
import { STATUS_ORDER } from './questionnaire';

/** Worst status first, then most severe, then by check and resource. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    a.checkId.localeCompare(b.checkId) ||
    a.resource.localeCompare(b.resource)
  );
}
