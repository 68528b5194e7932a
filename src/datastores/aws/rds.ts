// The `rds` collector: one RDS DB instance or DB cluster, sliced out of the
// account/region-wide reads in rds-api.ts.
import type { DBCluster, DBInstance, Tag } from '@aws-sdk/client-rds';
import { observed, unavailable, type CollectContext, type Observed } from '../../engine/types';
import { awsErrorText, CredentialStepError, observeAws } from './clients';
import { accountOf } from './accounts';
import { backupFactsOf } from './backup';
import type { RdsDatastore } from './collectors';
import type { RdsDatabase, RdsFacts, RdsSnapshotExposure, SslEnforcement } from './facts';
import { clustersOf, instancesOf, manualSnapshotsOf, parametersOf, restoreAttributeOf, type RdsScope } from './rds-api';
import { enforces, engineDefaultOf, isDefaultGroup, sslParameterOf } from './ssl';

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

const tagsOf = (list: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));

function replicaSource(i: DBInstance): RdsDatabase['readReplicaSource'] {
  if (i.ReadReplicaSourceDBInstanceIdentifier) return { identifier: i.ReadReplicaSourceDBInstanceIdentifier, field: 'ReadReplicaSourceDBInstanceIdentifier' };
  if (i.ReadReplicaSourceDBClusterIdentifier) return { identifier: i.ReadReplicaSourceDBClusterIdentifier, field: 'ReadReplicaSourceDBClusterIdentifier' };
  return null;
}

export function instanceToDatabase(i: DBInstance): RdsDatabase {
  return {
    kind: 'instance',
    identifier: i.DBInstanceIdentifier!,
    engine: i.Engine ?? 'unknown',
    engineVersion: i.EngineVersion ?? '',
    backupRetentionPeriod: i.BackupRetentionPeriod ?? 0,
    latestRestorableTime: iso(i.LatestRestorableTime),
    multiAz: i.MultiAZ ?? false,
    storageEncrypted: i.StorageEncrypted ?? false,
    kmsKeyId: i.KmsKeyId ?? null,
    deletionProtection: i.DeletionProtection ?? false,
    readReplicaSource: replicaSource(i),
    clusterIdentifier: i.DBClusterIdentifier ?? null,
    arn: i.DBInstanceArn ?? null,
    tags: tagsOf(i.TagList),
    earliestRestorableTime: null,
    createdAt: iso(i.InstanceCreateTime),
    source: 'rds:DescribeDBInstances',
  };
}

export function clusterToDatabase(c: DBCluster): RdsDatabase {
  return {
    kind: 'cluster',
    identifier: c.DBClusterIdentifier!,
    engine: c.Engine ?? 'unknown',
    engineVersion: c.EngineVersion ?? '',
    backupRetentionPeriod: c.BackupRetentionPeriod ?? 0,
    latestRestorableTime: iso(c.LatestRestorableTime),
    multiAz: c.MultiAZ ?? false,
    storageEncrypted: c.StorageEncrypted ?? false,
    kmsKeyId: c.KmsKeyId ?? null,
    deletionProtection: c.DeletionProtection ?? false,
    readReplicaSource: c.ReplicationSourceIdentifier ? { identifier: c.ReplicationSourceIdentifier, field: 'ReplicationSourceIdentifier' } : null,
    clusterIdentifier: null,
    arn: c.DBClusterArn ?? null,
    tags: tagsOf(c.TagList),
    earliestRestorableTime: iso(c.EarliestRestorableTime),
    createdAt: iso(c.ClusterCreateTime),
    source: 'rds:DescribeDBClusters',
  };
}

/** pending-reboot outranks applying outranks in-sync: the least applied member decides. */
const APPLY_ORDER = ['pending-reboot', 'applying', 'in-sync'];
function rank(status: string): number {
  const i = APPLY_ORDER.indexOf(status);
  return i === -1 ? 0 : i; // an unknown status is treated like pending-reboot: not applied
}
/** null when in-sync cannot be shown: no member reported a status, or one did not while the rest are in-sync. */
function leastApplied(statuses: (string | undefined)[]): string | null {
  const known = statuses.filter((s): s is string => Boolean(s));
  const least = [...known].sort((a, b) => rank(a) - rank(b))[0];
  if (least === undefined || (least === 'in-sync' && known.length < statuses.length)) return null;
  return least;
}

async function readSsl(
  scope: RdsScope,
  judged: RdsDatabase,
  instance: DBInstance | undefined,
  cluster: DBCluster | undefined,
): Promise<Observed<SslEnforcement>> {
  const parameter = sslParameterOf(judged.engine);
  const groupKind = cluster ? ('DB cluster parameter group' as const) : ('DB parameter group' as const);
  const describeCall = cluster ? 'rds:DescribeDBClusterParameters' : 'rds:DescribeDBParameters';
  if (!parameter) {
    return unavailable(judged.source, `engine ${judged.engine} enforces TLS through an option group, which continuity does not read`);
  }
  let group: string | undefined;
  let applyStatus: string | null;
  if (cluster) {
    group = cluster.DBClusterParameterGroup;
    const members = cluster.DBClusterMembers ?? [];
    const relevant = instance ? members.filter((m) => m.DBInstanceIdentifier === instance.DBInstanceIdentifier) : members;
    applyStatus = leastApplied(relevant.map((m) => m.DBClusterParameterGroupStatus));
  } else {
    const entry = instance?.DBParameterGroups?.[0];
    group = entry?.DBParameterGroupName;
    applyStatus = entry?.ParameterApplyStatus ?? null;
  }
  if (!group) return unavailable(judged.source, `no ${groupKind} reported for ${judged.identifier}`);
  const parameterGroup = group;
  const enforcement = (value: string | null, engineDefault: boolean): SslEnforcement => ({
    parameter,
    parameterGroup,
    groupKind,
    value,
    engineDefault,
    applyStatus,
    valueEnforces: enforces(parameter, value),
    applied: applyStatus === null ? null : applyStatus === 'in-sync',
  });
  const engineDefault = () => enforcement(engineDefaultOf(judged.engine, judged.engineVersion), true);

  if (isDefaultGroup(group)) return observed(`${judged.source} (${groupKind} ${group}: engine default)`, engineDefault());
  return observeAws(`${describeCall} ${group}`, describeCall, async () => {
    const value = (await parametersOf(scope, { name: parameterGroup, kind: groupKind })).get(parameter) ?? null;
    return value === null ? engineDefault() : enforcement(value, false);
  });
}

async function readSnapshots(scope: RdsScope, judged: RdsDatabase): Promise<Observed<RdsSnapshotExposure[]>> {
  const kind = judged.kind === 'cluster' ? ('DB cluster snapshot' as const) : ('DB snapshot' as const);
  const listCall = judged.kind === 'cluster' ? 'rds:DescribeDBClusterSnapshots' : 'rds:DescribeDBSnapshots';
  const attributeCall =
    judged.kind === 'cluster' ? 'rds:DescribeDBClusterSnapshotAttributes' : 'rds:DescribeDBSnapshotAttributes';
  return observeAws(`${listCall} (manual), ${attributeCall}`, `${listCall} and ${attributeCall}`, async () => {
    const byOwner = await manualSnapshotsOf(scope, kind);
    return Promise.all(
      (byOwner.get(judged.identifier) ?? []).map(async (identifier) => ({
        identifier,
        kind,
        restorableBy: await restoreAttributeOf(scope, { identifier, kind }),
      })),
    );
  });
}

async function collectRds(scope: RdsScope, datastore: RdsDatastore): Promise<RdsFacts> {
  const where = `account ${scope.account}, region ${scope.region}`;
  let instance: DBInstance | undefined;
  let cluster: DBCluster | undefined;
  if (datastore.type === 'rds-instance') {
    instance = (await instancesOf(scope)).get(datastore.identifier);
    if (!instance) throw new Error(`DB instance "${datastore.identifier}" was not found by DescribeDBInstances in ${where}`);
    if (instance.DBClusterIdentifier) {
      cluster = (await clustersOf(scope)).get(instance.DBClusterIdentifier);
      if (!cluster) throw new Error(`DB cluster "${instance.DBClusterIdentifier}" of instance "${datastore.identifier}" was not found in ${where}`);
    }
  } else {
    cluster = (await clustersOf(scope)).get(datastore.identifier);
    if (!cluster) throw new Error(`DB cluster "${datastore.identifier}" was not found by DescribeDBClusters in ${where}`);
  }
  const target = instance ? instanceToDatabase(instance) : clusterToDatabase(cluster!);
  const judged = cluster ? clusterToDatabase(cluster) : target;
  const [ssl, manualSnapshots, backup] = await Promise.all([
    readSsl(scope, judged, instance, cluster),
    readSnapshots(scope, judged),
    backupFactsOf(scope, { arn: judged.arn ?? `(no ARN reported for ${judged.kind} ${judged.identifier})`, tags: judged.tags }),
  ]);
  return { target, judged, ssl, manualSnapshots, backup };
}

/** The RDS facts of one rds-instance or rds-cluster datastore, read once per scan (the rds and awsBackup collectors share them). */
export function collectRdsDatastore(ctx: CollectContext<RdsDatastore>): Promise<RdsFacts> {
  const scope: RdsScope = {
    shared: ctx.shared,
    config: ctx.config,
    account: accountOf(ctx.config, ctx.datastore),
    region: ctx.datastore.region,
  };
  return ctx.shared.once(`rds:datastore:${scope.account}:${scope.region}:${ctx.datastore.type}:${ctx.datastore.identifier}`, () =>
    readRdsDatastore(scope, ctx.datastore),
  );
}

async function readRdsDatastore(scope: RdsScope, datastore: RdsDatastore): Promise<RdsFacts> {
  try {
    return await collectRds(scope, datastore);
  } catch (error) {
    // Keeps the AWS error code (AccessDenied, Throttling) in the finding, and what to allow when the role was refused.
    const hint = error instanceof CredentialStepError && error.hint ? `; to allow it: ${error.hint}` : '';
    throw new Error(`${awsErrorText(error)}${hint}`);
  }
}
