import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './deletion-protection';
import { checkInput, rdsFacts } from '../../test/support/aws-facts';

describe('rds.deletion-protection', () => {
  it('passes when DeletionProtection is true', () => {
    expect(runCheck(check, checkInput(rdsFacts()))[0]!.status).toBe('pass');
  });
  it('fails when it is false', () => {
    const [f] = runCheck(check, checkInput(rdsFacts({ deletionProtection: false })));
    expect(f!.status).toBe('fail');
    expect(f!.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'DeletionProtection', value: false });
  });
  it('is a protection check, which dev environments skip', () => {
    expect(check.protection).toBe(true);
  });
});
