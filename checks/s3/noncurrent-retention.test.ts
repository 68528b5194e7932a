import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './noncurrent-retention';
import { checkInput, s3Facts } from '../../test/support/aws-facts';
import { observed, unavailable } from '../../src/engine/types';
import type { S3LifecycleRule } from '../../src/datastores/aws/facts';

const rule = (id: string, noncurrentDays: number | null, enabled = true): S3LifecycleRule => ({
  id,
  enabled,
  scope: 'whole bucket',
  noncurrentDays,
});
const withRules = (rules: S3LifecycleRule[]) =>
  s3Facts({ lifecycle: observed('s3:GetBucketLifecycleConfiguration', { configured: true, rules }) });

describe('s3.noncurrent-retention', () => {
  it('passes when every enabled rule keeps previous versions at least the policy days', () => {
    const [f] = runCheck(check, checkInput(withRules([rule('keep', 45), rule('old', 1, false)])));
    expect(f!.status).toBe('pass');
    expect(f!.message).toContain('45 days or more');
  });
  it('passes when no rule expires previous versions', () => {
    expect(runCheck(check, checkInput(s3Facts()))[0]!.status).toBe('pass');
  });
  it('fails a rule shorter than the policy', () => {
    const [f] = runCheck(check, checkInput(withRules([rule('keep', 45), rule('trim', 7)])));
    expect(f!.status).toBe('fail');
    expect(f!.message).toContain('trim (whole bucket): 7 days');
  });
  it('fails an unversioned bucket', () => {
    const facts = s3Facts({ versioning: observed('s3:GetBucketVersioning', { status: 'never enabled' }) });
    expect(runCheck(check, checkInput(facts))[0]!.status).toBe('fail');
  });
  it('is unknown when the lifecycle could not be read', () => {
    const facts = s3Facts({ lifecycle: unavailable('s3:GetBucketLifecycleConfiguration', 'AccessDenied') });
    expect(runCheck(check, checkInput(facts))[0]!.status).toBe('unknown');
  });
});
