import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './versioning';
import { checkInput, s3Facts } from '../../test/support/aws-facts';
import { observed, unavailable } from '../../src/engine/types';

describe('s3.versioning', () => {
  it('passes when versioning is Enabled', () => {
    const [f] = runCheck(check, checkInput(s3Facts()));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toEqual([{ source: 's3:GetBucketVersioning', field: 'Status', value: 'Enabled' }]);
  });
  it('fails when suspended or never enabled, with a remediation naming the bucket', () => {
    for (const status of ['Suspended', 'never enabled'] as const) {
      const facts = s3Facts({ versioning: observed('s3:GetBucketVersioning', { status }) });
      const [f] = runCheck(check, checkInput(facts));
      expect(f!.status).toBe('fail');
      expect(f!.remediation).toBe('aws s3api put-bucket-versioning --bucket orders-archive --versioning-configuration Status=Enabled');
    }
  });
  it('says that suspended versioning keeps the versions from before the suspension', () => {
    const facts = s3Facts({ versioning: observed('s3:GetBucketVersioning', { status: 'Suspended' }) });
    const [f] = runCheck(check, checkInput(facts));
    expect(f!.message).toContain('versions from before the suspension remain');
    expect(f!.message).not.toContain('no previous versions');
  });
  it('is unknown when it could not be read', () => {
    const facts = s3Facts({ versioning: unavailable('s3:GetBucketVersioning', 'AccessDenied') });
    expect(runCheck(check, checkInput(facts))[0]!.status).toBe('unknown');
  });
});
