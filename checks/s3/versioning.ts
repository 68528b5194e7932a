import { defineDatastoreCheck, type DatastoreCheckInput, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { withBucketRemediation } from './_remediation';

const REMEDIATION =
  'aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.versioning',
  title: 'S3 bucket versioning is on',
  severity: 'high',
  protection: true,
  description: 'Versioning is Enabled, so an overwritten or deleted object can be restored from its previous version (S3\'s point-in-time recovery).',
  remediation: REMEDIATION,
  docs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html',
  evaluate(input): FindingDraft[] {
    return withBucketRemediation(REMEDIATION, input.facts.bucket, judge(input));
  },
});

function judge({ datastore, facts }: DatastoreCheckInput<'s3'>): FindingDraft[] {
  const resource = datastore.name;
  if (!facts.versioning.ok) return [unreadable(resource, facts.versioning)];
  const { status } = facts.versioning.value;
  const evidence = [{ source: facts.versioning.source, field: 'Status', value: status }];
  if (status === 'Enabled') return [{ resource, status: 'pass', message: `bucket ${facts.bucket} keeps previous object versions`, evidence }];
  return [
    {
      resource,
      status: 'fail',
      message:
        status === 'Suspended'
          ? `bucket ${facts.bucket} versioning is suspended: versions from before the suspension remain, but objects overwritten or deleted since cannot be recovered`
          : `bucket ${facts.bucket} versioning was never enabled: overwritten and deleted objects cannot be recovered`,
      evidence,
    },
  ];
}
