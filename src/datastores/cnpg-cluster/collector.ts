// Reads a CloudNativePG Cluster and what its backups are made of: the Barman
// Cloud plugin's ObjectStore (spec.retentionPolicy, status.serverRecoveryWindow)
// or the in-tree spec.backup.barmanObjectStore (deprecated since 1.26), volume
// snapshots, the ContinuousArchiving and LastBackupSucceeded conditions, the
// cluster's ScheduledBackups and Backups. Field meanings: CloudNativePG
// api/v1 cluster_types.go, backup_types.go, scheduledbackup_types.go and the
// plugin's api/v1 objectstore_types.go.
import { observed, unavailable, type CollectContext, type Observed } from '../../engine/types';
import { databaseArchiving } from '../kubernetes/database-archiving';
import { kubernetesApi, listInNamespace, type ListedObject, type Listing } from '../kubernetes/access';
import type { ArchivingState, BackupDestination, BackupScheduleFact, OperatorPostgres, OperatorPostgresFacts, RecoveryWindowFact, Stamped } from '../kubernetes/facts';
import { retentionPolicyDays } from '../kubernetes/facts';
import { array, bool, conditionOf, inClusterEndpoint, newest, record, text, time, type Json } from '../kubernetes/objects';
import { KUBERNETES_RESOURCES as R } from '../kubernetes/resources';
import type { CnpgClusterDatastore } from '.';

export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/** The objects of a listing, or why there are none to read. */
function objectsOf(listing: Observed<Listing>, context: string): Observed<ListedObject[]> {
  if (!listing.ok) return listing;
  if (!listing.value.installed) return unavailable(listing.source, `${listing.value.provider} is not installed in context ${context} (its API is not served)`);
  return observed(listing.source, listing.value.items);
}

const clusterOf = (o: ListedObject) => text(record(o.spec?.cluster).name);

export async function collectCnpgCluster(ctx: CollectContext<CnpgClusterDatastore>): Promise<OperatorPostgresFacts> {
  const ds = ctx.datastore;
  const readAt = new Date().toISOString();
  const api = await kubernetesApi(ctx.config, ctx.shared, ds.context);
  const list = (r: (typeof R)[keyof typeof R]) => listInNamespace(ctx.config, ctx.shared, api, r, ds.namespace);
  const clusters = objectsOf(await list(R.cnpgClusters), api.context);
  const fail = (source: string, reason: string, hint?: string): OperatorPostgresFacts => ({ operator: 'CloudNativePG', readAt, cluster: unavailable(source, reason, hint) });
  if (!clusters.ok) return fail(clusters.source, clusters.reason, clusters.hint);
  const cluster = clusters.value.find((c) => c.metadata.name === ds.cluster);
  if (!cluster) return fail(clusters.source, `no Cluster ${ds.namespace}/${ds.cluster} in context ${api.context}`);

  const source = clusters.source;
  const spec = record(cluster.spec);
  const status = record(cluster.status);
  const backupSpec = record(spec.backup);
  const notes: string[] = [];
  const plugin = array(spec.plugins)
    .map(record)
    .find((p) => p.name === BARMAN_CLOUD_PLUGIN && bool(p.enabled) !== false);
  const inTree = backupSpec.barmanObjectStore !== undefined ? record(backupSpec.barmanObjectStore) : null;
  const snapshots = backupSpec.volumeSnapshot !== undefined ? record(backupSpec.volumeSnapshot) : null;
  if (inTree) notes.push('spec.backup.barmanObjectStore is deprecated since CloudNativePG 1.26: move to the Barman Cloud plugin');

  // The plugin's ObjectStore holds the retention and the recovery window.
  let store: Observed<Json | null> = observed(source, null);
  const pluginParameters = record(plugin?.parameters);
  const storeName = text(pluginParameters.barmanObjectName);
  const serverName = text(pluginParameters.serverName) ?? ds.cluster;
  if (plugin) {
    const stores = objectsOf(await list(R.barmanObjectStores), api.context);
    if (!stores.ok) store = stores;
    else {
      const found = storeName ? stores.value.find((s) => s.metadata.name === storeName) : undefined;
      store = found
        ? observed(stores.source, found as unknown as Json)
        : unavailable(stores.source, storeName ? `the plugin's ObjectStore ${ds.namespace}/${storeName} does not exist` : 'the plugin has no barmanObjectName parameter');
    }
  }

  const destinations: BackupDestination[] = [];
  if (plugin && store.ok && store.value) {
    const configuration = record(record(store.value.spec).configuration);
    const endpoint = text(configuration.endpointURL);
    destinations.push({
      name: `ObjectStore ${storeName}`,
      offCluster: !inClusterEndpoint(endpoint),
      detail: text(configuration.destinationPath) ?? 'no destinationPath',
      source: store.source,
    });
  }
  if (inTree) {
    const endpoint = text(inTree.endpointURL);
    destinations.push({ name: 'spec.backup.barmanObjectStore', offCluster: !inClusterEndpoint(endpoint), detail: text(inTree.destinationPath) ?? 'no destinationPath', source });
  }
  if (snapshots) {
    destinations.push({ name: 'volume snapshots', offCluster: false, detail: `VolumeSnapshotClass ${text(snapshots.className) ?? '(default)'}`, source });
  }
  const destinationsFact: Observed<BackupDestination[]> = plugin && !store.ok ? store : observed(source, destinations);

  // WAL archiving: the plugin (isWALArchiver) or the in-tree store archives; volume snapshots alone do not.
  const walArchiver = (plugin !== undefined && bool(plugin.isWALArchiver) !== false) || inTree !== null;
  const archivingCondition = conditionOf(status, 'ContinuousArchiving');
  const archiving: ArchivingState = !walArchiver
    ? { configured: false, healthy: null, message: 'no WAL archive: neither the Barman Cloud plugin nor spec.backup.barmanObjectStore is configured', since: null, source, field: 'spec.plugins, spec.backup' }
    : archivingCondition
      ? {
          configured: true,
          healthy: archivingCondition.status === 'True',
          message: archivingCondition.message ?? archivingCondition.reason ?? archivingCondition.status,
          since: archivingCondition.lastTransitionTime,
          source,
          field: 'status.conditions[ContinuousArchiving]',
        }
      : { configured: true, healthy: null, message: 'the cluster reports no ContinuousArchiving condition', since: null, source, field: 'status.conditions[ContinuousArchiving]' };

  // The recovery window: the first recoverability point and the retention policy.
  let window: Observed<RecoveryWindowFact>;
  if (plugin) {
    if (!store.ok) window = store;
    else {
      const storeSpec = record(store.value?.spec);
      const serverWindow = record(record(record(store.value?.status).serverRecoveryWindow)[serverName]);
      const first = time(serverWindow.firstRecoverabilityPoint);
      const retention = text(storeSpec.retentionPolicy);
      window = observed(store.source, {
        firstPoint: first ? { at: first, source: store.source, field: `status.serverRecoveryWindow.${serverName}.firstRecoverabilityPoint` } : null,
        retention: retention ? { text: retention, days: retentionPolicyDays(retention), source: store.source, field: 'spec.retentionPolicy' } : null,
        estimatedDays: null,
        basis: null,
      });
    }
  } else {
    const first = walArchiver ? time(status.firstRecoverabilityPoint) : null;
    const retention = text(backupSpec.retentionPolicy);
    window = observed(source, {
      firstPoint: first ? { at: first, source, field: 'status.firstRecoverabilityPoint' } : null,
      retention: retention && walArchiver ? { text: retention, days: retentionPolicyDays(retention), source, field: 'spec.backup.retentionPolicy' } : null,
      estimatedDays: null,
      basis: walArchiver ? null : 'no WAL archive: volume snapshots are points, not a window',
    });
  }

  // Schedules and backup runs.
  const scheduled = objectsOf(await list(R.cnpgScheduledBackups), api.context);
  const schedules: Observed<BackupScheduleFact[]> = scheduled.ok
    ? observed(
        scheduled.source,
        scheduled.value
          .filter((s) => clusterOf(s) === ds.cluster)
          .map((s) => ({
            name: s.metadata.name,
            schedule: text(record(s.spec).schedule) ?? '',
            suspended: bool(record(s.spec).suspend) === true,
            lastScheduleTime: time(record(s.status).lastScheduleTime),
            source: scheduled.source,
          })),
      )
    : scheduled;

  let lastSuccess: Stamped | null = null;
  let lastFailure: (Stamped & { message: string }) | null = null;
  const backups = objectsOf(await list(R.cnpgBackups), api.context);
  if (backups.ok) {
    for (const b of backups.value.filter((x) => clusterOf(x) === ds.cluster)) {
      const bs = record(b.status);
      const at = time(bs.stoppedAt) ?? time(bs.startedAt);
      if (!at) continue;
      const stamp = { at, source: backups.source, field: `Backup ${b.metadata.name} status.stoppedAt` };
      if (bs.phase === 'completed') lastSuccess = newest(lastSuccess, stamp);
      if (bs.phase === 'failed') lastFailure = newest(lastFailure, { ...stamp, message: text(bs.error) ?? 'failed' });
    }
  }
  // The operator's own record outlives pruned Backup objects.
  const statusSuccess = time(status.lastSuccessfulBackup);
  if (statusSuccess) lastSuccess = newest(lastSuccess, { at: statusSuccess, source, field: 'status.lastSuccessfulBackup' });
  const statusFailure = time(status.lastFailedBackup);
  const lastBackupCondition = conditionOf(status, 'LastBackupSucceeded');
  if (statusFailure) lastFailure = newest(lastFailure, { at: statusFailure, source, field: 'status.lastFailedBackup', message: lastBackupCondition?.message ?? 'failed' });
  if (plugin && store.ok && store.value) {
    const serverWindow = record(record(record(store.value.status).serverRecoveryWindow)[serverName]);
    const ok = time(serverWindow.lastSuccessfulBackupTime);
    const bad = time(serverWindow.lastFailedBackupTime);
    if (ok) lastSuccess = newest(lastSuccess, { at: ok, source: store.source, field: `status.serverRecoveryWindow.${serverName}.lastSuccessfulBackupTime` });
    if (bad) lastFailure = newest(lastFailure, { at: bad, source: store.source, field: `status.serverRecoveryWindow.${serverName}.lastFailedBackupTime`, message: lastBackupCondition?.message ?? 'failed' });
  }
  if (lastBackupCondition?.status === 'False' && lastBackupCondition.lastTransitionTime) {
    lastFailure = newest(lastFailure, { at: lastBackupCondition.lastTransitionTime, source, field: 'status.conditions[LastBackupSucceeded]', message: lastBackupCondition.message ?? 'last backup failed' });
  }

  const storageSpec = record(spec.storage);
  const value: OperatorPostgres = {
    object: `${ds.namespace}/${ds.cluster}`,
    source,
    storage: { size: text(storageSpec.size), storageClass: text(storageSpec.storageClass) },
    destinations: destinationsFact,
    archiving: observed(source, archiving),
    window,
    schedules,
    lastSuccess,
    lastFailure,
    databaseArchiving: await databaseArchiving(ctx),
    backupsSource: backups.source,
    notes,
  };
  if (!backups.ok) notes.push(`Backup objects not read (${backups.reason}): the newest backup is taken from the cluster's status only`);
  return { operator: 'CloudNativePG', readAt, cluster: observed(source, value) };
}
