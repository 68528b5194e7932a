import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './snapshot-public';
import { checkInput, rdsFacts } from '../../test/support/aws-facts';
import { observed, unavailable } from '../../src/engine/types';

const SOURCE = 'rds:DescribeDBSnapshots (manual), rds:DescribeDBSnapshotAttributes';

describe('rds.snapshot-public', () => {
  it('passes when no manual snapshot is public, listing named-account shares', () => {
    const facts = rdsFacts({}, { manualSnapshots: observed(SOURCE, [{ identifier: 's1', kind: 'DB snapshot', restorableBy: ['222222222222'] }]) });
    const [f] = runCheck(check, checkInput(facts));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toContainEqual({ source: SOURCE, field: 's1 restore', value: '222222222222' });
  });
  it('fails each public snapshot', () => {
    const facts = rdsFacts({}, {
      manualSnapshots: observed(SOURCE, [
        { identifier: 's1', kind: 'DB snapshot', restorableBy: ['all'] },
        { identifier: 's2', kind: 'DB snapshot', restorableBy: [] },
      ]),
    });
    const findings = runCheck(check, checkInput(facts));
    expect(findings.map((f) => [f.resource, f.status])).toEqual([['orders-db:s1', 'fail']]);
  });
  it('is unknown when snapshots could not be listed', () => {
    const facts = rdsFacts({}, { manualSnapshots: unavailable(SOURCE, 'AccessDenied') });
    expect(runCheck(check, checkInput(facts))[0]!.status).toBe('unknown');
  });
});
