import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './noncurrent-retention';
import { backupRule, checkInput, coveredBy, s3Facts } from '../../test/support/aws-facts';
import { observed, unavailable } from '../../src/engine/types';
import type { S3LifecycleRule } from '../../src/datastores/aws/facts';

const rule = (id: string, noncurrentDays: number | null, enabled = true, scope = 'whole bucket'): S3LifecycleRule => ({
  id,
  enabled,
  scope,
  wholeBucket: scope === 'whole bucket',
  noncurrentDays,
});
const withRules = (rules: S3LifecycleRule[]) =>
  s3Facts({ lifecycle: observed('s3:GetBucketLifecycleConfiguration', { configured: true, rules }) });

describe('s3.noncurrent-retention', () => {
  it('passes when every enabled rule keeps previous versions at least the policy days', () => {
    const [f] = runCheck(check, checkInput(withRules([rule('keep', 45), rule('old', 1, false)])));
    expect(f!.status).toBe('pass');
    expect(f!.message).toBe('bucket orders-archive keeps previous versions 45 days (at least 30 days)');
  });
  it('passes when no rule expires previous versions', () => {
    expect(runCheck(check, checkInput(s3Facts()))[0]!.status).toBe('pass');
  });
  it('fails a whole-bucket rule shorter than the policy: the shortest whole-bucket rule sets the window', () => {
    const [f] = runCheck(check, checkInput(withRules([rule('keep', 45), rule('trim', 7)])));
    expect(f!.status).toBe('fail');
    expect(f!.message).toBe('bucket orders-archive keeps previous versions 7 days (rule trim, whole bucket); the policy requires at least 30');
  });
  it('does not take a prefix rule for the whole bucket: the window stays, the prefix is named in a warning', () => {
    const [f] = runCheck(check, checkInput(withRules([rule('logs', 3, true, 'prefix "logs/"')])));
    expect(f!.status).toBe('warn');
    expect(f!.message).toBe(
      'bucket orders-archive keeps previous versions indefinitely, but not the objects of these rules, below the 30 days the policy requires: prefix "logs/" 3 days (rule logs)',
    );
    expect(f!.evidence).toContainEqual({ source: 's3:GetBucketLifecycleConfiguration', field: 'Rule logs (prefix "logs/") NoncurrentDays', value: 3 });
  });
  it('passes a prefix rule at least the policy, and fails the whole bucket whatever the prefix rules', () => {
    expect(runCheck(check, checkInput(withRules([rule('keep', 60), rule('tmp', 40, true, 'prefix "tmp/"')])))[0]!.status).toBe('pass');
    expect(runCheck(check, checkInput(withRules([rule('keep', 10), rule('docs', 90, true, 'prefix "docs/"')])))[0]!.status).toBe('fail');
  });
  it('fails an unversioned bucket', () => {
    const facts = s3Facts({ versioning: observed('s3:GetBucketVersioning', { status: 'never enabled' }) });
    const [f] = runCheck(check, checkInput(facts));
    expect(f!.status).toBe('fail');
    expect(f!.message).toContain('never versioned');
  });
  it('says that a suspended bucket still keeps the versions from before the suspension', () => {
    const facts = s3Facts({ versioning: observed('s3:GetBucketVersioning', { status: 'Suspended' }) });
    const [f] = runCheck(check, checkInput(facts));
    expect(f!.status).toBe('fail');
    expect(f!.message).toContain('versions from before the suspension remain');
    expect(f!.message).not.toContain('no previous versions are kept at all');
  });
  it('passes a short version window when an AWS Backup continuous rule covering the bucket meets the policy, naming both', () => {
    const facts = { ...withRules([rule('trim', 7)]), backup: coveredBy([backupRule()]) };
    const [f] = runCheck(check, checkInput(facts));
    expect(f!.status).toBe('pass');
    expect(f!.message).toBe(
      'bucket orders-archive is restorable through AWS Backup continuous 35 days (plan prod-pitr), at least 30 days; its versions: bucket orders-archive keeps previous versions 7 days (rule trim, whole bucket); the policy requires at least 30',
    );
  });
  it('is unknown when the lifecycle could not be read', () => {
    const facts = s3Facts({ lifecycle: unavailable('s3:GetBucketLifecycleConfiguration', 'AccessDenied') });
    expect(runCheck(check, checkInput(facts))[0]!.status).toBe('unknown');
  });
});
