import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './public-access-block';
import { checkInput, s3Facts } from '../../test/support/aws-facts';
import { observed } from '../../src/engine/types';

const block = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true };

describe('s3.public-access-block', () => {
  it('passes with all four settings on', () => {
    const [f] = runCheck(check, checkInput(s3Facts({ publicAccessBlock: observed('s3:GetPublicAccessBlock', block) })));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toHaveLength(4);
  });
  it('fails with a setting off, naming it', () => {
    const facts = s3Facts({ publicAccessBlock: observed('s3:GetPublicAccessBlock', { ...block, restrictPublicBuckets: false }) });
    const [f] = runCheck(check, checkInput(facts));
    expect(f!.status).toBe('fail');
    expect(f!.message).toContain('RestrictPublicBuckets');
  });
  it('fails without a block, with a remediation naming the bucket', () => {
    const [f] = runCheck(check, checkInput(s3Facts()));
    expect(f!.status).toBe('fail');
    expect(f!.remediation).toContain('--bucket orders-archive ');
  });
});
