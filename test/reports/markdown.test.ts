import { describe, expect, it } from 'vitest';
import { ESTATE } from '../../src/engine/scan';
import { renderEstateMarkdown } from '../../src/report/markdown';
import { finding, scanOf } from '../support/scan-fixtures';

describe('Markdown estate report', () => {
  it('lists the estate findings worst first: failures before passes and skips', () => {
    const scan = scanOf([]);
    const estate = (status: 'pass' | 'fail' | 'skipped' | 'error', resource: string) =>
      finding({ checkId: 'datastore.unregistered', status, service: ESTATE, resource, datastore: undefined });
    scan.estate.findings = [estate('pass', 'aws:a'), estate('skipped', 'aws:b'), estate('fail', 'rds-instance:a/eu-west-1/stray'), estate('error', 'aws:c')];
    const rows = renderEstateMarkdown(scan)
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| Status'))
      .map((line) => line.split(' | ')[0]!.slice(2));
    expect(rows).toEqual(['fail', 'error', 'pass', 'skipped']);
  });
});
