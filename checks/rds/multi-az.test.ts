import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './multi-az';
import { checkInput, rdsFacts } from '../../test/support/aws-facts';

describe('rds.multi-az', () => {
  it('passes a Multi-AZ production database', () => {
    expect(runCheck(check, checkInput(rdsFacts()))[0]!.status).toBe('pass');
  });
  it('fails a single-AZ production database', () => {
    expect(runCheck(check, checkInput(rdsFacts({ multiAz: false })))[0]!.status).toBe('fail');
  });
  it('skips outside production unless the policy requires it', () => {
    expect(runCheck(check, checkInput(rdsFacts({ multiAz: false }), { environment: 'staging' }))[0]!.status).toBe('skipped');
    expect(
      runCheck(check, checkInput(rdsFacts({ multiAz: false }), { environment: 'staging', policy: { multiAzRequired: true } }))[0]!.status,
    ).toBe('fail');
  });
});
