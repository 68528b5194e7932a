// The `s3` collector: one bucket's versioning, lifecycle, object lock,
// default encryption, policy and public access block. All reads; the
// documented "not configured" errors are facts, not failures.
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { CollectContext } from '../../engine/types';
import { observeAws, s3Client } from '../aws/clients';
import { accountOf } from '../aws/accounts';
import { backupFactsOf } from '../aws/backup';
import type { AwsBackupFacts, S3Facts, S3LifecycleRule } from '../aws/facts';
import type { S3BucketDatastore } from '.';

const WHOLE_BUCKET = 'whole bucket';

function ruleScope(rule: LifecycleRule): string {
  const filter = rule.Filter;
  const prefix = filter?.Prefix ?? filter?.And?.Prefix ?? rule.Prefix;
  const parts: string[] = [];
  if (prefix) parts.push(`prefix "${prefix}"`);
  const tags = filter?.Tag ? [filter.Tag] : (filter?.And?.Tags ?? []);
  if (tags.length > 0) parts.push(`tags ${tags.map((t) => `${t.Key}=${t.Value}`).join(',')}`);
  const greater = filter?.ObjectSizeGreaterThan ?? filter?.And?.ObjectSizeGreaterThan;
  const less = filter?.ObjectSizeLessThan ?? filter?.And?.ObjectSizeLessThan;
  if (greater !== undefined) parts.push(`objects over ${greater} bytes`);
  if (less !== undefined) parts.push(`objects under ${less} bytes`);
  return parts.length === 0 ? WHOLE_BUCKET : parts.join(', ');
}

function toRule(rule: LifecycleRule): S3LifecycleRule {
  const scope = ruleScope(rule);
  return {
    id: rule.ID ?? null,
    enabled: rule.Status === 'Enabled',
    scope,
    wholeBucket: scope === WHOLE_BUCKET,
    noncurrentDays: rule.NoncurrentVersionExpiration?.NoncurrentDays ?? null,
  };
}

const MISSING_BUCKET = /NoSuchBucket\b|PermanentRedirect/;

/** The distinct reasons of failed reads, the one a missing bucket gives first; each with the calls it stopped. */
function failureSummary(failed: { source: string; reason: string; hint?: string }[]): string {
  const byReason = new Map<string, { sources: string[]; hint?: string }>();
  for (const f of failed) {
    const entry = byReason.get(f.reason) ?? { sources: [], ...(f.hint ? { hint: f.hint } : {}) };
    entry.sources.push(f.source);
    byReason.set(f.reason, entry);
  }
  const ordered = [...byReason].sort(([a], [b]) => Number(MISSING_BUCKET.test(b)) - Number(MISSING_BUCKET.test(a)));
  if (ordered.length === 1) {
    const [reason, { hint }] = ordered[0]!;
    return `${reason}${hint ? `; to allow it: ${hint}` : ''}`;
  }
  return ordered.map(([reason, { sources, hint }]) => `${sources.join(', ')}: ${reason}${hint ? ` (to allow it: ${hint})` : ''}`).join('; ');
}

async function collectS3(client: S3Client, Bucket: string, backupOf: () => Promise<AwsBackupFacts>): Promise<S3Facts> {
  const [versioning, lifecycle, objectLock, encryption, policy, publicAccessBlock, backup] = await Promise.all([
    observeAws('s3:GetBucketVersioning', 's3:GetBucketVersioning', async () => {
      const out = await client.send(new GetBucketVersioningCommand({ Bucket }));
      const status = out.Status === 'Enabled' || out.Status === 'Suspended' ? out.Status : ('never enabled' as const);
      return { status };
    }),
    observeAws(
      's3:GetBucketLifecycleConfiguration',
      's3:GetLifecycleConfiguration',
      async () => {
        const out = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
        return { configured: true, rules: (out.Rules ?? []).map(toRule) };
      },
      { code: 'NoSuchLifecycleConfiguration', value: { configured: false, rules: [] } },
    ),
    observeAws(
      's3:GetObjectLockConfiguration',
      's3:GetBucketObjectLockConfiguration',
      async () => {
        const out = await client.send(new GetObjectLockConfigurationCommand({ Bucket }));
        const config = out.ObjectLockConfiguration;
        const retention = config?.Rule?.DefaultRetention;
        return {
          enabled: config?.ObjectLockEnabled === 'Enabled',
          mode: retention?.Mode ?? null,
          days: retention?.Days ?? null,
          years: retention?.Years ?? null,
        };
      },
      { code: 'ObjectLockConfigurationNotFoundError', value: { enabled: false, mode: null, days: null, years: null } },
    ),
    observeAws(
      's3:GetBucketEncryption',
      's3:GetEncryptionConfiguration',
      async () => {
        const out = await client.send(new GetBucketEncryptionCommand({ Bucket }));
        return {
          rules: (out.ServerSideEncryptionConfiguration?.Rules ?? []).map((r) => ({
            algorithm: r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null,
            kmsKeyId: r.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID ?? null,
          })),
        };
      },
      { code: 'ServerSideEncryptionConfigurationNotFoundError', value: { rules: [] } },
    ),
    observeAws(
      's3:GetBucketPolicy',
      's3:GetBucketPolicy',
      async () => ({ document: (await client.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? null }),
      { code: 'NoSuchBucketPolicy', value: { document: null } },
    ),
    observeAws(
      's3:GetPublicAccessBlock',
      's3:GetBucketPublicAccessBlock',
      async () => {
        const c = (await client.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration;
        return {
          blockPublicAcls: c?.BlockPublicAcls ?? false,
          ignorePublicAcls: c?.IgnorePublicAcls ?? false,
          blockPublicPolicy: c?.BlockPublicPolicy ?? false,
          restrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
        };
      },
      { code: 'NoSuchPublicAccessBlockConfiguration', value: null },
    ),
    backupOf(),
  ]);
  const facts: S3Facts = { bucket: Bucket, versioning, lifecycle, objectLock, encryption, policy, publicAccessBlock, backup };
  const reads = [versioning, lifecycle, objectLock, encryption, policy, publicAccessBlock];
  // Nothing read (no such bucket, wrong region, endpoint unreachable, role refused, every call denied)
  // is a collection failure, not six unknowns: the scan must not count the bucket as scanned.
  const failed = reads.filter((r): r is Extract<typeof r, { ok: false }> => !r.ok);
  if (failed.length === reads.length) throw new Error(`bucket "${Bucket}": nothing could be read: ${failureSummary(failed)}`);
  return facts;
}

/** The facts of one s3-bucket datastore; buckets registered twice are read once. */
export function collectS3Datastore(ctx: CollectContext<S3BucketDatastore>): Promise<S3Facts> {
  const account = accountOf(ctx.config, ctx.datastore);
  return ctx.shared.once(`s3:bucket:${account}:${ctx.datastore.bucket}`, async () => {
    const client = await s3Client(ctx.shared, ctx.config, account, ctx.datastore.region);
    const scope = { shared: ctx.shared, config: ctx.config, account, region: ctx.datastore.region };
    // Bucket tags are not read (a GetBucketTagging per bucket): a selection by tags is reported as undetermined.
    return collectS3(client, ctx.datastore.bucket, () => backupFactsOf(scope, { arn: `arn:aws:s3:::${ctx.datastore.bucket}`, tags: null }));
  });
}
