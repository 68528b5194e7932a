// Hand-built scan results for drift, history and alert tests.
import { randomUUID } from 'node:crypto';
import { SCAN_RESULT_SCHEMA_VERSION, STATUSES, type CheckDescriptor, type Finding, type ScanResult, type Status } from '../../src/model';

export const CHECKS: CheckDescriptor[] = [
  { id: 'pg.retention', title: 'retention', severity: 'high', description: '', remediation: '', evidenceTrend: { 'retention days': 'higher-is-better' } },
  { id: 'pg.ssl', title: 'ssl', severity: 'high', description: '', remediation: '' },
  { id: 'pg.fk', title: 'fk', severity: 'medium', description: '', remediation: '' },
];

export function finding(partial: Partial<Finding> & Pick<Finding, 'checkId' | 'status'>): Finding {
  return {
    service: 'orders',
    datastore: 'orders-db',
    resource: 'orders-db',
    severity: 'high',
    message: `${partial.checkId} is ${partial.status}`,
    evidence: [{ source: 'test', field: 'status', value: partial.status }],
    remediation: 'fix it',
    ...partial,
  };
}

export function scanOf(
  findings: Finding[],
  options: { service?: string; owner?: string; datastores?: string[]; at?: string; scanId?: string } = {},
): ScanResult {
  const totals = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const f of findings) totals[f.status]++;
  const at = options.at ?? '2025-01-06T09:00:00.000Z';
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'continuity', version: 'test' },
    scanId: options.scanId ?? randomUUID(),
    startedAt: at,
    finishedAt: at,
    configPath: null,
    services: [
      {
        name: options.service ?? 'orders',
        ...(options.owner ? { owner: options.owner } : {}),
        environment: 'production',
        datastores: (options.datastores ?? ['orders-db']).map((name) => ({ name, type: 'postgres', environment: 'production', durationMs: 1 })),
        findings,
      },
    ],
    estate: { findings: [] },
    // The checks the scan ran: those listed above and every other check its findings come from.
    checks: [
      ...CHECKS,
      ...[...new Set(findings.map((f) => f.checkId))]
        .filter((id) => !CHECKS.some((c) => c.id === id))
        .map((id) => ({ id, title: id, severity: 'medium' as const, description: '', remediation: '' })),
    ],
    totals,
  };
}
