import { defineDatastoreCheck, type DatastoreCheckInput, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { withBucketRemediation } from './_remediation';

const REMEDIATION =
  'aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"},"BucketKeyEnabled":true}]}\'';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.encryption',
  title: 'S3 bucket has default encryption',
  severity: 'high',
  description: 'A default server-side encryption rule (SSE-S3, SSE-KMS or DSSE-KMS) applies to every new object.',
  remediation: REMEDIATION,
  docs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html',
  evaluate(input): FindingDraft[] {
    return withBucketRemediation(REMEDIATION, input.facts.bucket, judge(input));
  },
});

function judge({ datastore, facts }: DatastoreCheckInput<'s3'>): FindingDraft[] {
  const resource = datastore.name;
  if (!facts.encryption.ok) return [unreadable(resource, facts.encryption)];
  const source = facts.encryption.source;
  const algorithms = facts.encryption.value.rules.map((r) => r.algorithm).filter((a): a is string => a !== null);
  if (algorithms.length === 0) {
    return [{ resource, status: 'fail', message: `bucket ${facts.bucket} has no default encryption`, evidence: [{ source, field: 'SSEAlgorithm', value: null }] }];
  }
  const kms = facts.encryption.value.rules.find((r) => r.kmsKeyId)?.kmsKeyId ?? null;
  return [
    {
      resource,
      status: 'pass',
      message: `bucket ${facts.bucket} encrypts new objects by default (${algorithms.join(', ')})`,
      evidence: [{ source, field: 'SSEAlgorithm', value: algorithms.join(',') }, ...(kms ? [{ source, field: 'KMSMasterKeyID', value: kms }] : [])],
    },
  ];
}
