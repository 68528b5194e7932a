import { defineDatastoreCheck, type DatastoreCheckInput, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { S3PublicAccessBlock } from '../../src/datastores/aws/facts';
import { withBucketRemediation } from './_remediation';

const SETTINGS: [keyof S3PublicAccessBlock, string][] = [
  ['blockPublicAcls', 'BlockPublicAcls'],
  ['ignorePublicAcls', 'IgnorePublicAcls'],
  ['blockPublicPolicy', 'BlockPublicPolicy'],
  ['restrictPublicBuckets', 'RestrictPublicBuckets'],
];

const REMEDIATION =
  'aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.public-access-block',
  title: 'S3 bucket blocks public access',
  severity: 'high',
  description:
    'The bucket\'s public access block has all four settings on. The account-level block (s3control) is not read: a bucket without its own block is reported even if the account blocks public access.',
  remediation: REMEDIATION,
  docs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
  evaluate(input): FindingDraft[] {
    return withBucketRemediation(REMEDIATION, input.facts.bucket, judge(input));
  },
});

function judge({ datastore, facts }: DatastoreCheckInput<'s3'>): FindingDraft[] {
  const resource = datastore.name;
  if (!facts.publicAccessBlock.ok) return [unreadable(resource, facts.publicAccessBlock)];
  const source = facts.publicAccessBlock.source;
  const block = facts.publicAccessBlock.value;
  if (!block) {
    return [{ resource, status: 'fail', message: `bucket ${facts.bucket} has no public access block`, evidence: [{ source, field: 'PublicAccessBlockConfiguration', value: null }] }];
  }
  const evidence = SETTINGS.map(([key, field]) => ({ source, field, value: block[key] }));
  const off = SETTINGS.filter(([key]) => !block[key]).map(([, field]) => field);
  if (off.length > 0) {
    return [{ resource, status: 'fail', message: `bucket ${facts.bucket}'s public access block leaves ${off.join(', ')} off`, evidence }];
  }
  return [{ resource, status: 'pass', message: `bucket ${facts.bucket} blocks public access`, evidence }];
}
