// Datastore type `s3-bucket`: an Amazon S3 bucket, read with the AWS SDK.
import { z } from 'zod';
import type { Collector } from '../../engine/types';
import { awsDiscoveryCollector } from '../aws/collectors';
import type { S3Facts } from '../aws/facts';
import { AWS_PLACEMENT_FIELDS } from '../aws/placement';
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

export const s3BucketModule = defineDatastoreModule({
  type: 's3-bucket',
  title: 'Amazon S3 bucket',
  docs: 'docs/aws.md',
  schema: S3BucketDatastoreSchema,
  collectors: [s3Collector],
  discovery: [awsDiscoveryCollector],
  /** S3's recovery window: versioning plus how long lifecycle rules keep previous versions. */
  describeRecovery(facts) {
    if (!facts.s3?.ok) return undefined;
    if (!facts.s3.facts.versioning.ok) return `not read: ${facts.s3.facts.versioning.reason}`;
    const { versioning, lifecycle } = facts.s3.facts;
    if (versioning.value.status !== 'Enabled') return `versioning ${versioning.value.status === 'Suspended' ? 'suspended' : 'off'}: no previous versions kept`;
    if (!lifecycle.ok) return 'versioning on, version expiry not read';
    const days = lifecycle.value.rules.filter((r) => r.enabled && r.noncurrentDays !== null).map((r) => r.noncurrentDays!);
    return days.length === 0 ? 'versioning on, previous versions kept indefinitely' : `versioning on, previous versions kept ${Math.min(...days)} days`;
  },
});
