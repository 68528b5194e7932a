import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './secure-transport-policy';
import { checkInput, s3Facts } from '../../test/support/aws-facts';
import { observed } from '../../src/engine/types';
import { secureTransportPolicy } from '../../test/support/aws-fixture-server';

const withPolicy = (document: unknown) =>
  s3Facts({ policy: observed('s3:GetBucketPolicy', { document: typeof document === 'string' ? document : JSON.stringify(document) }) });

describe('s3.secure-transport-policy', () => {
  it('passes with the documented Deny on aws:SecureTransport false', () => {
    const [f] = runCheck(check, checkInput(withPolicy(secureTransportPolicy('orders-archive'))));
    expect(f!.status).toBe('pass');
  });
  it('fails without a bucket policy', () => {
    expect(runCheck(check, checkInput(s3Facts()))[0]!.status).toBe('fail');
  });
  it('names the bucket in its remediation', () => {
    const [f] = runCheck(check, checkInput(s3Facts()));
    expect(f!.remediation).toContain('"arn:aws:s3:::orders-archive","arn:aws:s3:::orders-archive/*"');
    expect(f!.remediation).not.toContain('<bucket>');
  });
  it('fails a policy whose deny is limited to one principal or action', () => {
    const policy = secureTransportPolicy('orders-archive') as { Statement: Record<string, unknown>[] };
    const narrow = { ...policy, Statement: [{ ...policy.Statement[0], Action: 's3:PutObject' }] };
    expect(runCheck(check, checkInput(withPolicy(narrow)))[0]!.status).toBe('fail');
    const onePrincipal = { ...policy, Statement: [{ ...policy.Statement[0], Principal: { AWS: 'arn:aws:iam::111111111111:root' } }] };
    expect(runCheck(check, checkInput(withPolicy(onePrincipal)))[0]!.status).toBe('fail');
  });
  it('is unknown, not a pass, when further conditions narrow the deny to some plaintext requests', () => {
    const policy = secureTransportPolicy('orders-archive') as { Statement: { Condition: Record<string, Record<string, unknown>> }[] };
    const deny = policy.Statement[0]!;
    const outsideVpce = { ...policy, Statement: [{ ...deny, Condition: { ...deny.Condition, StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }] };
    const [f] = runCheck(check, checkInput(withPolicy(outsideVpce)));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toContain('only when further conditions also hold (StringNotEquals aws:SourceVpce): not fully assessed');
    // A second key under Bool narrows it just as much.
    const viaService = { ...policy, Statement: [{ ...deny, Condition: { Bool: { 'aws:SecureTransport': 'false', 'aws:ViaAWSService': 'false' } } }] };
    expect(runCheck(check, checkInput(withPolicy(viaService)))[0]!.status).toBe('unknown');
    // Beside an unconditional deny, a narrowed one changes nothing.
    const both = { ...policy, Statement: [outsideVpce.Statement[0], deny] };
    expect(runCheck(check, checkInput(withPolicy(both)))[0]!.status).toBe('pass');
  });
  it('is unknown for a policy that is not JSON', () => {
    expect(runCheck(check, checkInput(withPolicy('{not json')))[0]!.status).toBe('unknown');
  });
});
