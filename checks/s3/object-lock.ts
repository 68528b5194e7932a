import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.object-lock',
  title: 'S3 Object Lock protects versions from deletion',
  severity: 'low',
  protection: true,
  description:
    'Object Lock is enabled with a default retention, so object versions cannot be deleted or overwritten during their retention, even by an administrator (ransomware and mistake protection). Reported as a warning when off, and when enabled without a default retention (then only versions given a retention of their own are protected, and those are not read): not every bucket needs it.',
  remediation:
    'Enable Object Lock (aws s3api put-object-lock-configuration, versioning must be on) with a default retention in GOVERNANCE or COMPLIANCE mode.',
  docs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.objectLock.ok) return [unreadable(resource, facts.objectLock)];
    const lock = facts.objectLock.value;
    const source = facts.objectLock.source;
    if (!lock.enabled) {
      return [{ resource, status: 'warn', message: `bucket ${facts.bucket} has no Object Lock: versions can be deleted`, evidence: [{ source, field: 'ObjectLockEnabled', value: false }] }];
    }
    if (!lock.mode) {
      return [
        {
          resource,
          status: 'warn',
          message: `bucket ${facts.bucket} has Object Lock enabled but no default retention: only versions given a retention or legal hold of their own (not read) are protected, any other can be deleted`,
          evidence: [
            { source, field: 'ObjectLockEnabled', value: true },
            { source, field: 'DefaultRetention', value: 'none' },
          ],
        },
      ];
    }
    const retention = `${lock.mode}, ${lock.days !== null ? `${lock.days} days` : `${lock.years} years`}`;
    return [
      {
        resource,
        status: 'pass',
        message: `bucket ${facts.bucket} has Object Lock (${retention})`,
        evidence: [
          { source, field: 'ObjectLockEnabled', value: true },
          { source, field: 'DefaultRetention', value: retention },
        ],
      },
    ];
  },
});
