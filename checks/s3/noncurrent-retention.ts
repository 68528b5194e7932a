import { defineDatastoreCheck, type DatastoreCheckInput, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';
import type { AwsBackupFacts, S3LifecycleRule } from '../../src/datastores/aws/facts';
import { continuousBackup, continuousEvidence, describeContinuous, noncurrentWindow } from '../../src/datastores/aws/recovery-window';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.noncurrent-retention',
  title: 'S3 keeps previous object versions at least the policy window',
  severity: 'high',
  protection: true,
  description:
    'With versioning on, the lifecycle rules that apply to the whole bucket keep noncurrent versions at least the policy minimum (pitrMinRetentionDays, 30 by default), so the recovery window for objects is at least as long as for databases. A rule limited to a prefix, tags or object sizes sets the window of those objects only: shorter than the policy, it is a warning naming them. An AWS Backup continuous backup rule covering the bucket with a retention of at least the policy (and a completed recovery point) meets it too.',
  remediation:
    'Set NoncurrentVersionExpiration NoncurrentDays to at least the policy minimum in every lifecycle rule (aws s3api put-bucket-lifecycle-configuration).',
  docs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html',
  evaluate(input): FindingDraft[] {
    return [orAwsBackup(judgeVersions(input), input.facts.backup, input.facts.bucket, input.policy.pitrMinRetentionDays)];
  },
});

/** A failing or warned version window passes when an AWS Backup continuous rule covering the bucket meets the policy; both are in the evidence. */
function orAwsBackup(draft: FindingDraft, backup: AwsBackupFacts, bucket: string, minimum: number): FindingDraft {
  const continuous = continuousBackup(backup);
  const evidence = [...draft.evidence, ...continuousEvidence(continuous)];
  if (continuous.state !== 'covered') return { ...draft, evidence };
  if ((draft.status === 'fail' || draft.status === 'warn') && continuous.working && continuous.days >= minimum) {
    return { ...draft, status: 'pass', message: `bucket ${bucket} is restorable through ${describeContinuous(continuous, minimum)}, at least ${minimum} days; its versions: ${draft.message}`, evidence };
  }
  return { ...draft, message: `${draft.message}; ${describeContinuous(continuous, minimum)}`, evidence };
}

function judgeVersions({ datastore, facts, policy }: DatastoreCheckInput<'s3'>): FindingDraft {
  const resource = datastore.name;
  if (!facts.versioning.ok) return unreadable(resource, facts.versioning);
  const { status } = facts.versioning.value;
  const evidence: Evidence[] = [{ source: facts.versioning.source, field: 'Status', value: status }];
  if (status === 'Suspended') {
    const message = `bucket ${facts.bucket} has versioning suspended: versions from before the suspension remain, but objects overwritten or deleted since keep no previous version`;
    return { resource, status: 'fail', message, evidence };
  }
  if (status !== 'Enabled') {
    return { resource, status: 'fail', message: `bucket ${facts.bucket} was never versioned: no previous versions are kept`, evidence };
  }
  if (!facts.lifecycle.ok) return unreadable(resource, facts.lifecycle);
  const minimum = policy.pitrMinRetentionDays;
  const { bucketDays, bucketRule, shorterScopes } = noncurrentWindow(facts.lifecycle.value.rules);
  const source = facts.lifecycle.source;
  if (bucketRule) {
    evidence.push({ source, field: `Rule ${ruleName(bucketRule)} (whole bucket) NoncurrentDays`, value: bucketDays });
  } else {
    const none = facts.lifecycle.value.configured ? 'no enabled whole-bucket rule' : 'no lifecycle configuration';
    evidence.push({ source, field: 'NoncurrentVersionExpiration', value: none });
  }
  for (const r of shorterScopes) evidence.push({ source, field: `Rule ${ruleName(r)} (${r.scope}) NoncurrentDays`, value: r.noncurrentDays });
  const kept = bucketDays === null ? 'indefinitely' : `${bucketDays} days`;
  if (bucketDays !== null && bucketDays < minimum) {
    const message = `bucket ${facts.bucket} keeps previous versions ${bucketDays} days (rule ${ruleName(bucketRule!)}, whole bucket); the policy requires at least ${minimum}`;
    return { resource, status: 'fail', message, evidence };
  }
  const short = shorterScopes.filter((r) => r.noncurrentDays! < minimum);
  if (short.length > 0) {
    const list = short.map((r) => `${r.scope} ${r.noncurrentDays} days (rule ${ruleName(r)})`).join('; ');
    const message = `bucket ${facts.bucket} keeps previous versions ${kept}, but not the objects of these rules, below the ${minimum} days the policy requires: ${list}`;
    return { resource, status: 'warn', message, evidence };
  }
  return { resource, status: 'pass', message: `bucket ${facts.bucket} keeps previous versions ${kept} (at least ${minimum} days)`, evidence };
}

const ruleName = (rule: S3LifecycleRule): string => rule.id ?? '(no id)';
