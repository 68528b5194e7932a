// The collectors of the AWS datastore types. Each loads the AWS SDK only when
// it runs, so configs without AWS datastores never pay for it.
import type { z } from 'zod';
import { unavailable, type Collector, type EstateCollector } from '../../engine/types';
import type { FactsOfCollectors } from '../module';
import type { RdsClusterDatastoreSchema } from '../rds-cluster';
import type { RdsInstanceDatastoreSchema } from '../rds-instance';
import type { Policy } from '../../config/policy';
import { awsSettings, discoveryScopes } from './accounts';
import { continuousBackup, daysAgainst, describeContinuous } from './recovery-window';
import type { AwsBackupFacts, AwsDiscoveryFacts, RdsFacts } from './facts';

export type RdsDatastore = z.infer<typeof RdsInstanceDatastoreSchema> | z.infer<typeof RdsClusterDatastoreSchema>;

/** One RDS DB instance or DB cluster, sliced out of the account/region-wide reads (rds-api.ts). */
export const rdsCollector: Collector<'rds', RdsFacts, RdsDatastore> = {
  kind: 'rds',
  async collect(ctx) {
    const { collectRdsDatastore } = await import('./rds');
    return collectRdsDatastore(ctx);
  },
};

/** AWS Backup of one RDS instance or cluster (the cluster for a member), from the same reads as the rds collector. */
export const rdsBackupCollector: Collector<'awsBackup', AwsBackupFacts, RdsDatastore> = {
  kind: 'awsBackup',
  async collect(ctx) {
    const { collectRdsDatastore } = await import('./rds');
    return (await collectRdsDatastore(ctx)).backup;
  },
};

/** Every RDS instance, cluster and bucket of the configured accounts and regions (aws.discovery). */
export const awsDiscoveryCollector: EstateCollector<'awsDiscovery', AwsDiscoveryFacts> = {
  kind: 'awsDiscovery',
  appliesTo: (config) => awsSettings(config).discovery,
  async collect({ shared, config }) {
    const { discoverAws } = await import('./discovery');
    return discoverAws(shared, config);
  },
  scoped: {
    scopes: (config) => discoveryScopes(config).map((s) => s.account),
    async collect({ shared, config }, account) {
      const { discoverAws } = await import('./discovery');
      return discoverAws(shared, config, account);
    },
    merge: (parts) => ({ regions: parts.flatMap((p) => p.regions), buckets: parts.flatMap((p) => p.buckets) }),
    failed(config, account, reason) {
      const regions = discoveryScopes(config).find((s) => s.account === account)?.regions ?? [];
      const why = `the discovery of account ${account} failed: ${reason}`;
      return {
        regions: regions.map((region) => ({
          account,
          region,
          instances: unavailable('rds:DescribeDBInstances', why),
          clusters: unavailable('rds:DescribeDBClusters', why),
        })),
        buckets: [{ account, regions, buckets: unavailable('s3:ListBuckets', why) }],
      };
    },
  },
};

/** E.g. "automated backups, 7 days (below 30), latest restorable 2026-11-21T10:00:00.000Z; AWS Backup continuous 35 days (plan prod-pitr)". */
export function describeRdsRecovery(facts: FactsOfCollectors<readonly [typeof rdsCollector, typeof rdsBackupCollector]>, _datastore?: unknown, policy?: Policy): string | undefined {
  if (!facts.rds?.ok) return undefined;
  const { judged, target, backup } = facts.rds.facts;
  const minimum = policy?.pitrMinRetentionDays;
  const at = judged.kind === target.kind ? '' : `at cluster ${judged.identifier}: `;
  const restorableFrom = judged.earliestRestorableTime ? `, restorable from ${judged.earliestRestorableTime}` : '';
  const latest = judged.latestRestorableTime ? `, latest restorable ${judged.latestRestorableTime}` : ', no restorable time reported';
  const own = judged.backupRetentionPeriod <= 0 ? 'automated backups off' : `automated backups, ${daysAgainst(judged.backupRetentionPeriod, minimum)}${restorableFrom}${latest}`;
  return `${at}${own}${describeBackupSource(backup, minimum)}`;
}

/** "; AWS Backup continuous 35 days (plan prod-pitr)" when a continuous rule covers it, else nothing. */
export function describeBackupSource(backup: AwsBackupFacts, minimum: number | undefined): string {
  const continuous = continuousBackup(backup);
  return continuous.state === 'covered' ? `; ${describeContinuous(continuous, minimum)}` : '';
}
