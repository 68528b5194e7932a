import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './object-lock';
import { checkInput, s3Facts } from '../../test/support/aws-facts';
import { observed } from '../../src/engine/types';

describe('s3.object-lock', () => {
  it('passes with Object Lock and reports its default retention', () => {
    const facts = s3Facts({ objectLock: observed('s3:GetObjectLockConfiguration', { enabled: true, mode: 'COMPLIANCE', days: 30, years: null }) });
    const [f] = runCheck(check, checkInput(facts));
    expect(f!.status).toBe('pass');
    expect(f!.message).toContain('COMPLIANCE, 30 days');
  });
  it('warns, not passes, with Object Lock enabled but no default retention: nothing protects a version by default', () => {
    const facts = s3Facts({ objectLock: observed('s3:GetObjectLockConfiguration', { enabled: true, mode: null, days: null, years: null }) });
    const [f] = runCheck(check, checkInput(facts));
    expect(f!.status).toBe('warn');
    expect(f!.message).toContain('Object Lock enabled but no default retention');
  });
  it('warns without Object Lock', () => {
    expect(runCheck(check, checkInput(s3Facts()))[0]!.status).toBe('warn');
  });
});
