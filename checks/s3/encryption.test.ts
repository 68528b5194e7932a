import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './encryption';
import { checkInput, s3Facts } from '../../test/support/aws-facts';
import { observed } from '../../src/engine/types';

describe('s3.encryption', () => {
  it('passes with a default encryption rule', () => {
    const [f] = runCheck(check, checkInput(s3Facts()));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toContainEqual({ source: 's3:GetBucketEncryption', field: 'SSEAlgorithm', value: 'AES256' });
  });
  it('fails without one', () => {
    const facts = s3Facts({ encryption: observed('s3:GetBucketEncryption (ServerSideEncryptionConfigurationNotFoundError)', { rules: [] }) });
    const [f] = runCheck(check, checkInput(facts));
    expect(f!.status).toBe('fail');
    expect(f!.remediation).toContain('put-bucket-encryption --bucket orders-archive ');
  });
});
