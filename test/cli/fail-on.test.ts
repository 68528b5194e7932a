import { describe, expect, it } from 'vitest';
import { failingAtOrAbove } from '../../src/cli/scan';
import type { Finding, ScanResult } from '../../src/model';

const finding = (status: Finding['status'], severity: Finding['severity']): Finding => ({
  checkId: 'datastore.unregistered',
  service: '(estate)',
  resource: 's3-bucket:default/forgotten',
  status,
  severity,
  message: 'not registered',
  evidence: [],
  remediation: 'register it',
});

const scan = (serviceFindings: Finding[], estateFindings: Finding[]) =>
  ({ services: [{ findings: serviceFindings }], estate: { findings: estateFindings } }) as unknown as ScanResult;

describe('--fail-on', () => {
  it('counts failing estate findings, such as an unregistered datastore', () => {
    expect(failingAtOrAbove(scan([], [finding('fail', 'medium')]), 'medium')).toBe(true);
    expect(failingAtOrAbove(scan([], [finding('fail', 'medium')]), 'high')).toBe(false);
  });
  it('ignores findings that are not failing, whatever their severity', () => {
    expect(failingAtOrAbove(scan([finding('warn', 'critical'), finding('waived', 'critical')], [finding('error', 'critical')]), 'low')).toBe(false);
  });
});
