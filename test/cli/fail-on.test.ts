import { describe, expect, it } from 'vitest';
import { failingAtOrAbove } from '../../src/cli/terminal';
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
    expect(failingAtOrAbove(scan([], [finding('fail', 'medium')]), 'medium')).toHaveLength(1);
    expect(failingAtOrAbove(scan([], [finding('fail', 'medium')]), 'high')).toEqual([]);
  });
  it('ignores findings that are not failing, whatever their severity', () => {
    expect(failingAtOrAbove(scan([finding('warn', 'critical'), finding('waived', 'critical')], [finding('error', 'critical')]), 'low')).toEqual([]);
  });
});
