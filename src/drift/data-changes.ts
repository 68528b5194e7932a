// Every change of production data a check reports (one finding per ClickHouse mutation or
// DELETE, marked by the evidence field DATA_CHANGE_FIELD) that the previous scan did not report
// is a `data-changed` event, so the reviewer the seed asks for hears of each one. Pure.
import { DATA_CHANGE_FIELD, type DriftEvent, type Finding } from '../model';

export function isDataChange(finding: Finding): boolean {
  return finding.evidence.some((e) => e.field === DATA_CHANGE_FIELD);
}

export function dataChanged(service: string, finding: Finding): DriftEvent {
  const at = finding.evidence.find((e) => e.field === DATA_CHANGE_FIELD)?.value;
  return {
    type: 'data-changed',
    service,
    checkId: finding.checkId,
    resource: finding.resource,
    ...(finding.datastore ? { datastore: finding.datastore } : {}),
    severity: finding.severity,
    message: `production data changed${typeof at === 'string' ? ` at ${at}` : ''}: ${finding.message}`,
    after: { status: finding.status, evidence: finding.evidence },
  };
}
