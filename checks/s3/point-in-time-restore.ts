import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { continuousBackup, continuousEvidence, describeContinuous, noncurrentWindow } from '../../src/datastores/aws/recovery-window';
import type { S3Facts } from '../../src/datastores/aws/facts';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.point-in-time-restore',
  title: 'S3 bucket can be restored to a point in time',
  severity: 'medium',
  protection: true,
  description:
    'An AWS Backup continuous backup rule covers the bucket with a retention (Lifecycle.DeleteAfterDays) of at least the policy minimum, and a completed recovery point shows it runs: the whole bucket can be restored as it was at any moment of that window, which versioning alone does not give. Without one, a bucket whose versions are kept at least the policy window is a warning (objects can be recovered one by one); otherwise it fails.',
  remediation:
    'Assign the bucket to an AWS Backup plan with a rule that has EnableContinuousBackup and Lifecycle.DeleteAfterDays of at least the policy (AWS Backup needs versioning on the bucket).',
  docs: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html',
  evaluate({ datastore, facts, policy }): FindingDraft[] {
    const resource = datastore.name;
    const minimum = policy.pitrMinRetentionDays;
    const continuous = continuousBackup(facts.backup);
    const evidence = continuousEvidence(continuous);
    if (continuous.state === 'unread') {
      return [{ resource, status: 'unknown', message: `AWS Backup could not be read for bucket ${facts.bucket}: ${continuous.reason}`, evidence }];
    }
    if (continuous.state === 'covered') {
      const window = describeContinuous(continuous, minimum);
      if (!continuous.working) return [{ resource, status: 'fail', message: `bucket ${facts.bucket} has ${window}: continuous backup is not shown to run`, evidence }];
      if (continuous.days < minimum) return [{ resource, status: 'fail', message: `bucket ${facts.bucket} can be restored to a point in time within ${window}; the policy requires at least ${minimum} days`, evidence }];
      return [{ resource, status: 'pass', message: `bucket ${facts.bucket} can be restored to any point in time within ${window}`, evidence }];
    }
    if (continuous.undetermined.length > 0) {
      const which = continuous.undetermined.map((u) => `plan ${u.plan} selection ${u.selection}: ${u.why}`).join('; ');
      return [{ resource, status: 'unknown', message: `whether AWS Backup covers bucket ${facts.bucket} could not be told (${which})`, evidence }];
    }
    const versions = versionWindowDays(facts);
    if (versions !== undefined && versions >= minimum) {
      const kept = versions === Infinity ? 'indefinitely' : `${versions} days`;
      return [{ resource, status: 'warn', message: `no AWS Backup continuous backup covers bucket ${facts.bucket}: objects can be recovered one by one from versions kept ${kept}, but the bucket cannot be restored to a point in time`, evidence }];
    }
    return [{ resource, status: 'fail', message: `no AWS Backup continuous backup covers bucket ${facts.bucket}, and its versions do not keep the ${minimum} days the policy requires: no point-in-time restore`, evidence }];
  },
});

/** The whole bucket's version window in days (Infinity: kept indefinitely), or undefined when not versioned or not read. */
function versionWindowDays(facts: S3Facts): number | undefined {
  if (!facts.versioning.ok || facts.versioning.value.status !== 'Enabled' || !facts.lifecycle.ok) return undefined;
  return noncurrentWindow(facts.lifecycle.value.rules).bucketDays ?? Infinity;
}
