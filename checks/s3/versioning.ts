import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.versioning',
  title: 'S3 bucket versioning is on',
  severity: 'high',
  protection: true,
  description: 'Versioning is Enabled, so an overwritten or deleted object can be restored from its previous version (S3\'s point-in-time recovery).',
  remediation: 'aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled',
  docs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.versioning.ok) return [unreadable(resource, facts.versioning)];
    const { status } = facts.versioning.value;
    const evidence = [{ source: facts.versioning.source, field: 'Status', value: status }];
    if (status === 'Enabled') return [{ resource, status: 'pass', message: `bucket ${facts.bucket} keeps previous object versions`, evidence }];
    return [
      {
        resource,
        status: 'fail',
        message: `bucket ${facts.bucket} versioning is ${status === 'Suspended' ? 'suspended' : 'not enabled'}: overwritten and deleted objects cannot be recovered`,
        evidence,
      },
    ];
  },
});
