// The collectors of the AWS datastore types. Each loads the AWS SDK only when
// it runs, so configs without AWS datastores never pay for it.
import type { z } from 'zod';
import type { Collector, EstateCollector } from '../../engine/types';
import type { FactsOfCollectors } from '../module';
import type { RdsClusterDatastoreSchema } from '../rds-cluster';
import type { RdsInstanceDatastoreSchema } from '../rds-instance';
import type { Policy } from '../../config/policy';
import { awsSettings } from './accounts';
import { daysAgainst } from './recovery-window';
import type { AwsDiscoveryFacts, RdsFacts } from './facts';

export type RdsDatastore = z.infer<typeof RdsInstanceDatastoreSchema> | z.infer<typeof RdsClusterDatastoreSchema>;

/** One RDS DB instance or DB cluster, sliced out of the account/region-wide reads (rds-api.ts). */
export const rdsCollector: Collector<'rds', RdsFacts, RdsDatastore> = {
  kind: 'rds',
  async collect(ctx) {
    const { collectRdsDatastore } = await import('./rds');
    return collectRdsDatastore(ctx);
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
};

/** E.g. "automated backups, 7 days (below 30), latest restorable 2026-11-21T10:00:00.000Z". */
export function describeRdsRecovery(facts: FactsOfCollectors<readonly [typeof rdsCollector]>, _datastore?: unknown, policy?: Policy): string | undefined {
  if (!facts.rds?.ok) return undefined;
  const { judged, target } = facts.rds.facts;
  const at = judged.kind === target.kind ? '' : `at cluster ${judged.identifier}: `;
  if (judged.backupRetentionPeriod <= 0) return `${at}automated backups off`;
  const latest = judged.latestRestorableTime ? `, latest restorable ${judged.latestRestorableTime}` : ', no restorable time reported';
  return `${at}automated backups, ${daysAgainst(judged.backupRetentionPeriod, policy?.pitrMinRetentionDays)}${latest}`;
}
