// Datastore type `s3-bucket`: an Amazon S3 bucket, read with the AWS SDK.
import { z } from 'zod';
import type { Collector } from '../../engine/types';
import { awsDiscoveryCollector, describeBackupSource } from '../aws/collectors';
import type { AwsBackupFacts, S3Facts } from '../aws/facts';
import { AWS_PLACEMENT_FIELDS } from '../aws/placement';
import { daysAgainst, noncurrentWindow } from '../aws/recovery-window';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';

export const S3BucketDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('s3-bucket'),
  bucket: z.string().min(3).describe('Bucket name.'),
  ...AWS_PLACEMENT_FIELDS,
});
export type S3BucketDatastore = z.infer<typeof S3BucketDatastoreSchema>;

/** One bucket's versioning, lifecycle, object lock, default encryption, policy and public access block. */
export const s3Collector: Collector<'s3', S3Facts, S3BucketDatastore> = {
  kind: 's3',
  async collect(ctx) {
    const { collectS3Datastore } = await import('./collector');
    return collectS3Datastore(ctx);
  },
};

function describeVersions(versioning: S3Facts['versioning'], lifecycle: S3Facts['lifecycle'], minimum: number | undefined): string {
  if (!versioning.ok) return `versioning not read: ${versioning.reason}`;
  if (versioning.value.status === 'Suspended') return 'versioning suspended: versions from before the suspension kept, none since';
  if (versioning.value.status !== 'Enabled') return 'versioning never enabled: no previous versions kept';
  if (!lifecycle.ok) return 'versioning on, version expiry not read';
  const { bucketDays, shorterScopes } = noncurrentWindow(lifecycle.value.rules);
  const whole = `versioning on, previous versions kept ${bucketDays === null ? 'indefinitely' : daysAgainst(bucketDays, minimum)}`;
  if (shorterScopes.length === 0) return whole;
  return `${whole}; ${shorterScopes.map((r) => `${r.scope}: ${daysAgainst(r.noncurrentDays!, minimum)}`).join('; ')}`;
}

/** AWS Backup of one bucket, from the same reads as the s3 collector. */
export const s3BackupCollector: Collector<'awsBackup', AwsBackupFacts, S3BucketDatastore> = {
  kind: 'awsBackup',
  async collect(ctx) {
    const { collectS3Datastore } = await import('./collector');
    return (await collectS3Datastore(ctx)).backup;
  },
};

export const s3BucketModule = defineDatastoreModule({
  type: 's3-bucket',
  title: 'Amazon S3 bucket',
  docs: 'docs/aws.md',
  schema: S3BucketDatastoreSchema,
  collectors: [s3Collector, s3BackupCollector],
  discovery: [awsDiscoveryCollector],
  /** S3's recovery window: versioning plus how long lifecycle rules keep previous versions (the whole bucket's and shorter scopes'), and AWS Backup continuous backup. */
  describeRecovery(facts, _datastore, policy) {
    if (!facts.s3?.ok) return undefined;
    const minimum = policy?.pitrMinRetentionDays;
    const { versioning, lifecycle, backup } = facts.s3.facts;
    return `${describeVersions(versioning, lifecycle, minimum)}${describeBackupSource(backup, minimum)}`;
  },
});
