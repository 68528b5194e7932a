// Objects in the shapes the operators write them, for the Kubernetes fixture.
// Field names, values and who sets what come from each project's API types,
// CRD manifests and documentation:
// - CloudNativePG (postgresql.cnpg.io/v1, 1.26+): api/v1/cluster_types.go
//   (spec.backup.{barmanObjectStore, volumeSnapshot, retentionPolicy, target},
//   spec.plugins[].{name, enabled, isWALArchiver, parameters}; status
//   conditions ContinuousArchiving / LastBackupSucceeded / Ready with reasons
//   ContinuousArchivingSuccess|Failing, LastBackupSucceeded|Failed,
//   ClusterIsReady; status.firstRecoverabilityPoint, lastSuccessfulBackup,
//   lastFailedBackup and their *ByMethod maps, "not set for backup plugins"),
//   backup_types.go (phases pending..completed/failed, methods barmanObjectStore,
//   volumeSnapshot, plugin), scheduledbackup_types.go (suspend, immediate,
//   six-field cron schedule, lastScheduleTime), pkg/utils/labels_annotations.go
//   (cnpg.io/cluster, cnpg.io/scheduled-backup, cnpg.io/instanceName,
//   cnpg.io/pvcRole), pkg/management/postgres/webserver/local.go ("Continuous
//   archiving is working"), docs/src/backup.md and
//   https://cloudnative-pg.io/documentation/current/backup/ ; the in-tree
//   barmanObjectStore is deprecated since 1.26 (docs/src/release_notes/old/v1.26.md).
// - Barman Cloud plugin (barmancloud.cnpg.io/v1 ObjectStore): api/v1/objectstore_types.go
//   (spec.configuration, spec.retentionPolicy `XXu` with u in d/w/m,
//   status.serverRecoveryWindow[<server>].{firstRecoverabilityPoint,
//   lastSuccessfulBackupTime, lastFailedBackupTime}), web/docs/usage.md
//   (plugin name barman-cloud.cloudnative-pg.io, parameters barmanObjectName /
//   serverName, Backup method plugin with pluginConfiguration),
//   https://cloudnative-pg.io/plugin-barman-cloud/docs/usage/
// - Crunchy PGO v5 (postgres-operator.crunchydata.com/v1beta1 PostgresCluster):
//   pkg/apis/.../v1beta1/pgbackrest_types.go (repos[] with volume/s3/gcs/azure
//   and schedules.full/differential/incremental; global settings; status
//   repos[].{name, bound, volume, stanzaCreated, replicaCreateBackupComplete,
//   repoOptionsHash} and scheduledBackups[].{cronJobName, repo, type, startTime,
//   completionTime, active, succeeded, failed}), internal/naming (CronJob
//   `<cluster>-<repo>-<full|diff|incr>`, PVCs `<instance>-pgdata` and
//   `<cluster>-<repo>`, labels postgres-operator.crunchydata.com/*),
//   internal/controller/postgrescluster/pgbackrest.go (condition types);
//   retention keys `repoN-retention-full` / `repoN-retention-full-type`
//   (count|time): https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/backups
//   and https://pgbackrest.org/configuration.html#section-repository/option-repo-retention-full
// - Velero (velero.io/v1): pkg/apis/velero/v1/schedule_types.go (schedule,
//   paused, template, status.phase/lastBackup; backup name
//   `<schedule>-<20060102150405>`), backup_types.go (template fields, ttl,
//   status.phase New..Completed/PartiallyFailed/Failed, expiration,
//   startTimestamp, completionTimestamp, failureReason),
//   labels_annotations.go (velero.io/schedule-name, velero.io/storage-location);
//   https://velero.io/docs/main/api-types/schedule/ and /backup/
// - VolumeSnapshot (snapshot.storage.k8s.io/v1): kubernetes-csi/external-snapshotter
//   client/apis/volumesnapshot/v1/types.go (spec.source.persistentVolumeClaimName,
//   volumeSnapshotClassName; status.boundVolumeSnapshotContentName, creationTime,
//   readyToUse, restoreSize, error), https://kubernetes.io/docs/concepts/storage/volume-snapshots/
// - PersistentVolumeClaim and Namespace (core v1): https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/persistent-volume-claim-v1/
//
// Times are explicit (every case builder takes `now`), uids are derived from
// the object's identity, so the same inputs give the same objects.
import { createHash } from 'node:crypto';
import type { KubernetesObject, ObjectMeta } from './kubernetes-fixture-server';

export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';
/** creationTimestamp of objects whose age does not matter. */
export const FIXTURE_EPOCH = '2025-01-06T09:00:00Z';

const HOUR = 3600_000;
/** How long a fixture backup runs. */
const BACKUP_MINUTES = 12;
const DAY = 24 * HOUR;

/** RFC 3339 in seconds, as metav1.Time serialises. */
export const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * HOUR);
const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY);

/** A uid that is the same for the same object, so owner references can point at it. */
export function stableUid(kind: string, namespace: string | undefined, name: string): string {
  const h = createHash('sha1').update(`${kind}/${namespace ?? ''}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Overrides = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Overrides merged into the defaults: objects field by field, arrays and values replaced. */
function merge<T extends Record<string, unknown>>(base: T, overrides: Overrides | undefined): T {
  if (!overrides) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? merge(out[key] as Record<string, unknown>, value) : value;
  }
  return out as T;
}

function meta(kind: string, namespace: string | undefined, name: string, extra: Partial<ObjectMeta> = {}): ObjectMeta {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: stableUid(kind, namespace, name),
    creationTimestamp: FIXTURE_EPOCH,
    ...extra,
  };
}

function ownerReference(apiVersion: string, kind: string, namespace: string, name: string) {
  return { apiVersion, kind, name, uid: stableUid(kind, namespace, name), controller: true, blockOwnerDeletion: true };
}

function condition(type: string, ok: boolean, reason: string, message: string, at: Date) {
  return { type, status: ok ? 'True' : 'False', reason, message, lastTransitionTime: rfc3339(at) };
}

// ------------------------------------------------------------------- core

export function namespace(name: string, options: { labels?: Record<string, string>; overrides?: Overrides } = {}): KubernetesObject {
  return merge(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta('Namespace', undefined, name, { labels: { 'kubernetes.io/metadata.name': name, ...options.labels } }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    },
    options.overrides,
  );
}

export interface PvcOptions {
  namespace: string;
  name: string;
  /** Requested and bound size, e.g. `20Gi`. */
  storage?: string;
  storageClassName?: string;
  phase?: 'Pending' | 'Bound' | 'Lost';
  labels?: Record<string, string>;
  ownerReferences?: ObjectMeta['ownerReferences'];
  overrides?: Overrides;
}

export function persistentVolumeClaim(o: PvcOptions): KubernetesObject {
  const storage = o.storage ?? '10Gi';
  const phase = o.phase ?? 'Bound';
  const bound = phase === 'Bound';
  return merge(
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: meta('PersistentVolumeClaim', o.namespace, o.name, {
        ...(o.labels ? { labels: o.labels } : {}),
        ...(o.ownerReferences ? { ownerReferences: o.ownerReferences } : {}),
        annotations: bound ? { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } : {},
      }),
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage } },
        storageClassName: o.storageClassName ?? 'standard-rwo',
        volumeMode: 'Filesystem',
        ...(bound ? { volumeName: `pvc-${stableUid('PersistentVolumeClaim', o.namespace, o.name)}` } : {}),
      },
      status: bound ? { phase, accessModes: ['ReadWriteOnce'], capacity: { storage } } : { phase },
    },
    o.overrides,
  );
}

// ------------------------------------------------------------ CloudNativePG

export type CnpgBackupMethod = 'plugin' | 'barmanObjectStore' | 'volumeSnapshot';

export interface CnpgClusterOptions {
  namespace: string;
  name: string;
  now: Date;
  instances?: number;
  storageSize?: string;
  storageClass?: string;
  /**
   * Where WAL and base backups go: the Barman Cloud plugin and its ObjectStore,
   * or the in-tree spec.backup.barmanObjectStore (deprecated since 1.26).
   * Absent: no WAL archive at all.
   */
  objectStore?: { kind: 'plugin'; name: string; serverName?: string } | { kind: 'in-tree'; destinationPath?: string };
  /** spec.backup.retentionPolicy, in-tree only (the plugin's lives on its ObjectStore). */
  retentionPolicy?: string;
  /** Adds spec.backup.volumeSnapshot with this VolumeSnapshotClass. */
  volumeSnapshotClass?: string;
  /** ContinuousArchiving condition; only set when there is an object store. */
  archiving?: { working: true } | { working: false; error?: string };
  /** Newest successful and failed backups: the LastBackupSucceeded condition follows the newer one; in-tree methods also get the status timestamps. */
  lastSuccessfulBackup?: { method: CnpgBackupMethod; at: Date };
  lastFailedBackup?: { method: CnpgBackupMethod; at: Date; error?: string };
  /** status.firstRecoverabilityPoint (in-tree and volumeSnapshot methods only). */
  firstRecoverabilityPoint?: Date;
  overrides?: Overrides;
}

export function cnpgCluster(o: CnpgClusterOptions): KubernetesObject {
  const instances = o.instances ?? 1;
  const instanceNames = Array.from({ length: instances }, (_, i) => `${o.name}-${i + 1}`);
  const store = o.objectStore;
  const plugin = store?.kind === 'plugin';
  const backup: Record<string, unknown> = {};
  if (store?.kind === 'in-tree') {
    backup.barmanObjectStore = {
      destinationPath: store.destinationPath ?? `s3://backups/${o.namespace}/`,
      s3Credentials: {
        accessKeyId: { name: `${o.name}-s3-creds`, key: 'ACCESS_KEY_ID' },
        secretAccessKey: { name: `${o.name}-s3-creds`, key: 'ACCESS_SECRET_KEY' },
      },
      wal: { compression: 'gzip', maxParallel: 2 },
      data: { compression: 'gzip', jobs: 2 },
    };
    backup.retentionPolicy = o.retentionPolicy ?? '30d';
  }
  if (o.volumeSnapshotClass) {
    backup.volumeSnapshot = {
      className: o.volumeSnapshotClass,
      online: true,
      onlineConfiguration: { waitForArchive: true, immediateCheckpoint: false },
      snapshotOwnerReference: 'none',
    };
  }
  if (Object.keys(backup).length > 0) backup.target = 'prefer-standby';

  const conditionTime = hoursBefore(o.now, 72);
  const conditions = [condition('Ready', true, 'ClusterIsReady', 'Cluster is Ready', conditionTime)];
  if (store) {
    const archiving = o.archiving ?? { working: true };
    conditions.push(
      archiving.working
        ? condition('ContinuousArchiving', true, 'ContinuousArchivingSuccess', 'Continuous archiving is working', conditionTime)
        : condition(
            'ContinuousArchiving',
            false,
            'ContinuousArchivingFailing',
            archiving.error ?? 'unexpected failure invoking barman-cloud-wal-archive: exit status 4',
            hoursBefore(o.now, 6),
          ),
    );
  }
  const status: Record<string, unknown> = {
    instances,
    readyInstances: instances,
    currentPrimary: instanceNames[0],
    targetPrimary: instanceNames[0],
    instanceNames,
    instancesStatus: { healthy: instanceNames },
    healthyPVC: instanceNames,
    phase: 'Cluster in healthy state',
    writeService: `${o.name}-rw`,
    readService: `${o.name}-r`,
    timelineID: 1,
    image: 'ghcr.io/cloudnative-pg/postgresql:17.5',
    conditions,
  };
  const success = o.lastSuccessfulBackup;
  const failure = o.lastFailedBackup;
  if (failure && (!success || failure.at > success.at)) {
    conditions.push(condition('LastBackupSucceeded', false, 'LastBackupFailed', failure.error ?? "can't execute backup: exit status 4", failure.at));
  } else if (success) {
    conditions.push(condition('LastBackupSucceeded', true, 'LastBackupSucceeded', 'Backup was successful', success.at));
  }
  // The operator keeps these for in-tree methods only ("not set for backup plugins").
  if (success && success.method !== 'plugin') {
    status.lastSuccessfulBackup = rfc3339(success.at);
    status.lastSuccessfulBackupByMethod = { [success.method]: rfc3339(success.at) };
  }
  if (failure && failure.method !== 'plugin') status.lastFailedBackup = rfc3339(failure.at);
  if (o.firstRecoverabilityPoint && !plugin) {
    const method = store?.kind === 'in-tree' ? 'barmanObjectStore' : 'volumeSnapshot';
    status.firstRecoverabilityPoint = rfc3339(o.firstRecoverabilityPoint);
    status.firstRecoverabilityPointByMethod = { [method]: rfc3339(o.firstRecoverabilityPoint) };
  }
  if (plugin) {
    status.pluginStatus = [
      {
        name: BARMAN_CLOUD_PLUGIN,
        version: '0.6.0',
        capabilities: ['TYPE_RECONCILER_HOOKS', 'TYPE_LIFECYCLE_SERVICE'],
        backupCapabilities: ['TYPE_BACKUP'],
        walCapabilities: ['TYPE_ARCHIVE_WAL', 'TYPE_RESTORE_WAL'],
        restoreJobHookCapabilities: ['TYPE_RESTORE'],
        status: 'ok',
      },
    ];
  }

  return merge(
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: meta('Cluster', o.namespace, o.name, { generation: 1 }),
      spec: {
        instances,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:17.5',
        primaryUpdateStrategy: 'unsupervised',
        postgresql: { parameters: { max_connections: '200', shared_buffers: '256MB' } },
        storage: { size: o.storageSize ?? '10Gi', ...(o.storageClass ? { storageClass: o.storageClass } : {}) },
        ...(Object.keys(backup).length > 0 ? { backup } : {}),
        ...(plugin
          ? {
              plugins: [
                {
                  name: BARMAN_CLOUD_PLUGIN,
                  enabled: true,
                  isWALArchiver: true,
                  parameters: { barmanObjectName: store.name, ...(store.serverName ? { serverName: store.serverName } : {}) },
                },
              ],
            }
          : {}),
      },
      status,
    },
    o.overrides,
  );
}

/** The data PVCs CloudNativePG creates for a cluster's instances. */
export function cnpgInstancePvcs(o: { namespace: string; cluster: string; instances?: number; storage?: string; storageClassName?: string }): KubernetesObject[] {
  return Array.from({ length: o.instances ?? 1 }, (_, i) =>
    persistentVolumeClaim({
      namespace: o.namespace,
      name: `${o.cluster}-${i + 1}`,
      storage: o.storage,
      storageClassName: o.storageClassName,
      labels: { 'cnpg.io/cluster': o.cluster, 'cnpg.io/instanceName': `${o.cluster}-${i + 1}`, 'cnpg.io/instanceRole': i === 0 ? 'primary' : 'replica', 'cnpg.io/pvcRole': 'PG_DATA' },
      ownerReferences: [ownerReference('postgresql.cnpg.io/v1', 'Cluster', o.namespace, o.cluster)],
    }),
  );
}

export interface CnpgBackupOptions {
  namespace: string;
  name: string;
  cluster: string;
  method: CnpgBackupMethod;
  phase?: 'pending' | 'started' | 'running' | 'finalizing' | 'completed' | 'failed' | 'walArchivingFailing';
  startedAt: Date;
  /** Defaults to BACKUP_MINUTES after startedAt for a finished backup. */
  stoppedAt?: Date;
  /** The ScheduledBackup that made it. */
  scheduledBackup?: string;
  /** For plugin backups: the server name in the object store (defaults to the cluster's name). */
  serverName?: string;
  destinationPath?: string;
  error?: string;
  overrides?: Overrides;
}

/** barman's backup id: the start time as YYYYMMDDTHHMMSS. */
const barmanBackupId = (d: Date) => rfc3339(d).replace(/[-:]/g, '').replace(/Z$/, '');

export function cnpgBackup(o: CnpgBackupOptions): KubernetesObject {
  const phase = o.phase ?? 'completed';
  const finished = phase === 'completed' || phase === 'failed';
  const stoppedAt = o.stoppedAt ?? new Date(o.startedAt.getTime() + BACKUP_MINUTES * 60_000);
  const status: Record<string, unknown> = {
    phase,
    method: o.method,
    online: true,
    startedAt: rfc3339(o.startedAt),
    ...(finished ? { stoppedAt: rfc3339(stoppedAt) } : {}),
    instanceID: { podName: `${o.cluster}-1`, ContainerID: `containerd://${createHash('sha256').update(o.name).digest('hex')}` },
  };
  if (o.method !== 'volumeSnapshot') {
    status.backupId = barmanBackupId(o.startedAt);
    status.backupName = `backup-${barmanBackupId(o.startedAt)}`;
    status.serverName = o.serverName ?? o.cluster;
    status.destinationPath = o.destinationPath ?? `s3://backups/${o.namespace}/`;
    if (phase === 'completed') {
      Object.assign(status, { beginWal: '000000010000000000000010', endWal: '000000010000000000000012', beginLSN: '0/10000028', endLSN: '0/12000138' });
    }
  } else if (phase === 'completed') {
    // The PG_DATA snapshot is named after the backup (pkg/reconciler/backup/volumesnapshot).
    status.snapshotBackupStatus = { elements: [{ name: o.name, type: 'PG_DATA' }] };
  }
  if (o.method === 'plugin') status.pluginMetadata = { pluginName: BARMAN_CLOUD_PLUGIN };
  if (phase === 'failed') status.error = o.error ?? "can't execute backup: exit status 4";

  return merge(
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      metadata: meta('Backup', o.namespace, o.name, {
        generation: 1,
        creationTimestamp: rfc3339(o.startedAt),
        labels: { 'cnpg.io/cluster': o.cluster, ...(o.scheduledBackup ? { 'cnpg.io/scheduled-backup': o.scheduledBackup } : {}) },
        ...(o.scheduledBackup
          ? { ownerReferences: [ownerReference('postgresql.cnpg.io/v1', 'ScheduledBackup', o.namespace, o.scheduledBackup)] }
          : {}),
      }),
      spec: {
        cluster: { name: o.cluster },
        method: o.method,
        ...(o.method === 'plugin' ? { pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN } } : {}),
      },
      status,
    },
    o.overrides,
  );
}

export interface CnpgScheduledBackupOptions {
  namespace: string;
  name: string;
  cluster: string;
  method: CnpgBackupMethod;
  now: Date;
  /** Six-field cron (with seconds), as CloudNativePG reads it. */
  schedule?: string;
  suspend?: boolean;
  lastScheduleTime?: Date;
  overrides?: Overrides;
}

export function cnpgScheduledBackup(o: CnpgScheduledBackupOptions): KubernetesObject {
  return merge(
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: meta('ScheduledBackup', o.namespace, o.name, { generation: 1 }),
      spec: {
        schedule: o.schedule ?? '0 0 0 * * *',
        backupOwnerReference: 'self',
        cluster: { name: o.cluster },
        method: o.method,
        ...(o.method === 'plugin' ? { pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN } } : {}),
        immediate: true,
        ...(o.suspend ? { suspend: true } : {}),
      },
      status: {
        lastCheckTime: rfc3339(hoursBefore(o.now, 0.5)),
        ...(o.lastScheduleTime ? { lastScheduleTime: rfc3339(o.lastScheduleTime) } : {}),
        ...(o.suspend ? {} : { nextScheduleTime: rfc3339(nextMidnight(o.now)) }),
      },
    },
    o.overrides,
  );
}

const nextMidnight = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));

export interface RecoveryWindowOptions {
  firstRecoverabilityPoint?: Date;
  lastSuccessfulBackupTime?: Date;
  lastFailedBackupTime?: Date;
}

export interface ObjectStoreOptions {
  namespace: string;
  name: string;
  destinationPath?: string;
  /** spec.retentionPolicy, e.g. `30d`; absent keeps everything. */
  retentionPolicy?: string;
  /** status.serverRecoveryWindow, keyed by server name (a cluster's name unless serverName is set). */
  recoveryWindows?: Record<string, RecoveryWindowOptions>;
  overrides?: Overrides;
}

export function barmanObjectStore(o: ObjectStoreOptions): KubernetesObject {
  const windows = Object.fromEntries(
    Object.entries(o.recoveryWindows ?? {}).map(([server, w]) => [
      server,
      {
        ...(w.firstRecoverabilityPoint ? { firstRecoverabilityPoint: rfc3339(w.firstRecoverabilityPoint) } : {}),
        ...(w.lastSuccessfulBackupTime ? { lastSuccessfulBackupTime: rfc3339(w.lastSuccessfulBackupTime) } : {}),
        ...(w.lastFailedBackupTime ? { lastFailedBackupTime: rfc3339(w.lastFailedBackupTime) } : {}),
      },
    ]),
  );
  return merge(
    {
      apiVersion: 'barmancloud.cnpg.io/v1',
      kind: 'ObjectStore',
      metadata: meta('ObjectStore', o.namespace, o.name, { generation: 1 }),
      spec: {
        configuration: {
          destinationPath: o.destinationPath ?? `s3://backups/${o.namespace}/`,
          s3Credentials: {
            accessKeyId: { name: `${o.name}-creds`, key: 'ACCESS_KEY_ID' },
            secretAccessKey: { name: `${o.name}-creds`, key: 'ACCESS_SECRET_KEY' },
          },
          wal: { compression: 'gzip' },
          data: { compression: 'gzip' },
        },
        ...(o.retentionPolicy ? { retentionPolicy: o.retentionPolicy } : {}),
      },
      ...(Object.keys(windows).length > 0 ? { status: { serverRecoveryWindow: windows } } : {}),
    },
    o.overrides,
  );
}

// -------------------------------------------------------------- Crunchy PGO

export type PgoRepoStorage = 'volume' | 's3' | 'gcs' | 'azure';

export interface PgoRepoOptions {
  /** repo1..repo4 */
  name: string;
  storage: PgoRepoStorage;
  schedules?: { full?: string; differential?: string; incremental?: string };
  /** `repoN-retention-full`. */
  retentionFull?: number;
  /** `repoN-retention-full-type`: count (backups) or time (days). */
  retentionFullType?: 'count' | 'time';
}

export interface PgoScheduledBackupOptions {
  repo: string;
  type: 'full' | 'diff' | 'incr';
  startedAt: Date;
  succeeded: boolean;
}

export interface PgoClusterOptions {
  namespace: string;
  name: string;
  postgresVersion?: number;
  replicas?: number;
  storage?: string;
  repos: PgoRepoOptions[];
  /** status.pgbackrest.scheduledBackups: the Jobs the CronJobs left behind. */
  scheduledBackups?: PgoScheduledBackupOptions[];
  /** status.pgbackrest.repos[].stanzaCreated, for every repo. */
  stanzaCreated?: boolean;
  overrides?: Overrides;
}

function pgoRepoSpec(namespace: string, cluster: string, repo: PgoRepoOptions): Record<string, unknown> {
  const spec: Record<string, unknown> = { name: repo.name, ...(repo.schedules ? { schedules: repo.schedules } : {}) };
  if (repo.storage === 'volume') {
    spec.volume = { volumeClaimSpec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } };
  } else if (repo.storage === 's3') {
    spec.s3 = { bucket: `${namespace}-pgbackrest`, endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' };
  } else if (repo.storage === 'gcs') {
    spec.gcs = { bucket: `${namespace}-pgbackrest` };
  } else {
    spec.azure = { container: `${cluster}-pgbackrest` };
  }
  return spec;
}

export function pgoPostgresCluster(o: PgoClusterOptions): KubernetesObject {
  const global: Record<string, string> = {};
  for (const repo of o.repos) {
    if (repo.storage !== 'volume') global[`${repo.name}-path`] = `/pgbackrest/${o.namespace}/${o.name}/${repo.name}`;
    if (repo.retentionFull !== undefined) global[`${repo.name}-retention-full`] = String(repo.retentionFull);
    if (repo.retentionFullType) global[`${repo.name}-retention-full-type`] = repo.retentionFullType;
  }
  const hasVolumeRepo = o.repos.some((r) => r.storage === 'volume');
  const stanzaCreated = o.stanzaCreated ?? true;
  const transition = new Date(Date.parse(FIXTURE_EPOCH) + HOUR);
  const conditions = [
    ...(hasVolumeRepo ? [condition('PGBackRestRepoHostReady', true, 'RepoHostReady', 'pgBackRest dedicated repository host is ready', transition)] : []),
    condition('PGBackRestReplicaRepoReady', stanzaCreated, stanzaCreated ? 'StanzaCreated' : 'StanzaNotCreated', stanzaCreated ? 'pgBackRest replica create repo is ready for backups' : 'pgBackRest replica create repo is not ready for backups', transition),
    condition('PGBackRestReplicaCreate', stanzaCreated, stanzaCreated ? 'RepoBackupComplete' : 'RepoBackupNotComplete', stanzaCreated ? 'pgBackRest replica creation is now possible' : 'pgBackRest replica creation is not currently possible', transition),
  ];
  return merge(
    {
      apiVersion: 'postgres-operator.crunchydata.com/v1beta1',
      kind: 'PostgresCluster',
      metadata: meta('PostgresCluster', o.namespace, o.name, { generation: 1 }),
      spec: {
        postgresVersion: o.postgresVersion ?? 17,
        instances: [
          {
            name: 'instance1',
            replicas: o.replicas ?? 1,
            dataVolumeClaimSpec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storage ?? '10Gi' } } },
          },
        ],
        backups: {
          pgbackrest: {
            ...(Object.keys(global).length > 0 ? { global } : {}),
            repos: o.repos.map((r) => pgoRepoSpec(o.namespace, o.name, r)),
          },
        },
      },
      status: {
        postgresVersion: o.postgresVersion ?? 17,
        observedGeneration: 1,
        instances: [{ name: 'instance1', replicas: o.replicas ?? 1, readyReplicas: o.replicas ?? 1, updatedReplicas: o.replicas ?? 1 }],
        pgbackrest: {
          ...(hasVolumeRepo ? { repoHost: { apiVersion: 'apps/v1', kind: 'StatefulSet', ready: true } } : {}),
          repos: o.repos.map((r) => ({
            name: r.name,
            stanzaCreated,
            ...(stanzaCreated ? { replicaCreateBackupComplete: true } : {}),
            ...(r.storage === 'volume'
              ? { bound: true, volume: `pvc-${stableUid('PersistentVolumeClaim', o.namespace, `${o.name}-${r.name}`)}` }
              : { repoOptionsHash: createHash('sha256').update(`${o.name}/${r.name}`).digest('hex').slice(0, 16) }),
          })),
          scheduledBackups: (o.scheduledBackups ?? []).map((b) => ({
            cronJobName: `${o.name}-${b.repo}-${b.type}`,
            repo: b.repo,
            type: b.type,
            startTime: rfc3339(b.startedAt),
            ...(b.succeeded ? { completionTime: rfc3339(new Date(b.startedAt.getTime() + 20 * 60_000)), succeeded: 1 } : { failed: 1 }),
          })),
        },
        conditions,
      },
    },
    o.overrides,
  );
}

/** The PVCs PGO creates: each instance's pgdata and each volume repo. */
export function pgoPvcs(o: { namespace: string; cluster: string; replicas?: number; storage?: string; volumeRepos?: string[] }): KubernetesObject[] {
  const owner = [ownerReference('postgres-operator.crunchydata.com/v1beta1', 'PostgresCluster', o.namespace, o.cluster)];
  const base = { 'postgres-operator.crunchydata.com/cluster': o.cluster };
  return [
    ...Array.from({ length: o.replicas ?? 1 }, (_, i) => {
      const instance = `${o.cluster}-instance1-${stableUid('Instance', o.namespace, `${o.cluster}/${i}`).slice(0, 4)}`;
      return persistentVolumeClaim({
        namespace: o.namespace,
        name: `${instance}-pgdata`,
        storage: o.storage,
        labels: { ...base, 'postgres-operator.crunchydata.com/instance-set': 'instance1', 'postgres-operator.crunchydata.com/instance': instance, 'postgres-operator.crunchydata.com/data': 'postgres' },
        ownerReferences: owner,
      });
    }),
    ...(o.volumeRepos ?? []).map((repo) =>
      persistentVolumeClaim({
        namespace: o.namespace,
        name: `${o.cluster}-${repo}`,
        storage: '20Gi',
        labels: { ...base, 'postgres-operator.crunchydata.com/pgbackrest': '', 'postgres-operator.crunchydata.com/pgbackrest-repo': repo, 'postgres-operator.crunchydata.com/pgbackrest-volume': '', 'postgres-operator.crunchydata.com/data': 'pgbackrest' },
        ownerReferences: owner,
      }),
    ),
  ];
}

// ------------------------------------------------------ Velero and snapshots

export const VELERO_NAMESPACE = 'velero';

export interface VeleroScheduleOptions {
  name: string;
  namespace?: string;
  /** Five-field cron. */
  schedule?: string;
  paused?: boolean;
  includedNamespaces?: string[];
  excludedNamespaces?: string[];
  ttlHours?: number;
  lastBackup?: Date;
  phase?: 'New' | 'Enabled' | 'FailedValidation';
  overrides?: Overrides;
}

const goDuration = (hours: number) => `${hours}h0m0s`;

export function veleroSchedule(o: VeleroScheduleOptions): KubernetesObject {
  const ns = o.namespace ?? VELERO_NAMESPACE;
  return merge(
    {
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: meta('Schedule', ns, o.name, { generation: 1 }),
      spec: {
        schedule: o.schedule ?? '0 3 * * *',
        ...(o.paused ? { paused: true } : {}),
        useOwnerReferencesInBackup: false,
        template: {
          includedNamespaces: o.includedNamespaces ?? ['*'],
          ...(o.excludedNamespaces ? { excludedNamespaces: o.excludedNamespaces } : {}),
          ttl: goDuration(o.ttlHours ?? 720),
          storageLocation: 'default',
          snapshotVolumes: true,
          csiSnapshotTimeout: '10m0s',
          itemOperationTimeout: '4h0m0s',
        },
      },
      status: { phase: o.phase ?? 'Enabled', ...(o.lastBackup ? { lastBackup: rfc3339(o.lastBackup) } : {}) },
    },
    o.overrides,
  );
}

export type VeleroBackupPhase = 'New' | 'InProgress' | 'Completed' | 'PartiallyFailed' | 'Failed' | 'FailedValidation' | 'Deleting';

export interface VeleroBackupOptions {
  /** Defaults to `<schedule>-<start as 20060102150405>`, as the schedule controller names it. */
  name?: string;
  namespace?: string;
  schedule?: string;
  includedNamespaces?: string[];
  phase?: VeleroBackupPhase;
  startedAt: Date;
  ttlHours?: number;
  failureReason?: string;
  overrides?: Overrides;
}

const compactTimestamp = (d: Date) => rfc3339(d).replace(/[-:TZ]/g, '');

export function veleroBackup(o: VeleroBackupOptions): KubernetesObject {
  const ns = o.namespace ?? VELERO_NAMESPACE;
  const name = o.name ?? `${o.schedule ?? 'backup'}-${compactTimestamp(o.startedAt)}`;
  const phase = o.phase ?? 'Completed';
  const finished = phase === 'Completed' || phase === 'PartiallyFailed' || phase === 'Failed';
  const ttlHours = o.ttlHours ?? 720;
  return merge(
    {
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: meta('Backup', ns, name, {
        generation: 1,
        creationTimestamp: rfc3339(o.startedAt),
        labels: { 'velero.io/storage-location': 'default', ...(o.schedule ? { 'velero.io/schedule-name': o.schedule } : {}) },
      }),
      spec: {
        includedNamespaces: o.includedNamespaces ?? ['*'],
        ttl: goDuration(ttlHours),
        storageLocation: 'default',
        snapshotVolumes: true,
        csiSnapshotTimeout: '10m0s',
        itemOperationTimeout: '4h0m0s',
      },
      status: {
        version: 1,
        formatVersion: '1.1.0',
        phase,
        expiration: rfc3339(new Date(o.startedAt.getTime() + ttlHours * HOUR)),
        startTimestamp: rfc3339(o.startedAt),
        ...(finished ? { completionTimestamp: rfc3339(new Date(o.startedAt.getTime() + 8 * 60_000)) } : {}),
        ...(phase === 'Completed' ? { progress: { totalItems: 412, itemsBackedUp: 412 }, csiVolumeSnapshotsAttempted: 1, csiVolumeSnapshotsCompleted: 1 } : {}),
        ...(phase === 'PartiallyFailed' ? { errors: 2, progress: { totalItems: 412, itemsBackedUp: 410 } } : {}),
        ...(phase === 'Failed' ? { failureReason: o.failureReason ?? 'error getting backup store for location "default": backupstoragelocation.velero.io "default" not found' } : {}),
      },
    },
    o.overrides,
  );
}

export interface VolumeSnapshotOptions {
  namespace: string;
  name: string;
  pvc: string;
  createdAt: Date;
  readyToUse?: boolean;
  restoreSize?: string;
  className?: string;
  error?: string;
  labels?: Record<string, string>;
  overrides?: Overrides;
}

export function volumeSnapshot(o: VolumeSnapshotOptions): KubernetesObject {
  const ready = o.readyToUse ?? o.error === undefined;
  return merge(
    {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshot',
      metadata: meta('VolumeSnapshot', o.namespace, o.name, {
        generation: 1,
        creationTimestamp: rfc3339(o.createdAt),
        ...(o.labels ? { labels: o.labels } : {}),
      }),
      spec: { source: { persistentVolumeClaimName: o.pvc }, volumeSnapshotClassName: o.className ?? 'csi-hostpath-snapclass' },
      status: {
        boundVolumeSnapshotContentName: `snapcontent-${stableUid('VolumeSnapshot', o.namespace, o.name)}`,
        creationTime: rfc3339(o.createdAt),
        readyToUse: ready,
        ...(ready ? { restoreSize: o.restoreSize ?? '10Gi' } : {}),
        ...(o.error ? { error: { time: rfc3339(o.createdAt), message: o.error } } : {}),
      },
    },
    o.overrides,
  );
}

// ------------------------------------------------------------------- cases

/**
 * A CloudNativePG cluster with everything around it, one option per case:
 * healthy (defaults), retention too short (`retentionDays: 7`), archiving
 * failing, schedule suspended, last backup failed, backups only inside the
 * cluster (`store: 'volume-snapshot-only'`). The recovery window the operator
 * reports is `retentionDays` long unless `recoverableDays` says otherwise.
 */
export interface CnpgCaseOptions {
  namespace: string;
  name: string;
  now: Date;
  store?: 'barman-cloud-plugin' | 'in-tree' | 'volume-snapshot-only';
  retentionDays?: number;
  /** Days back to the first recoverability point; defaults to retentionDays. */
  recoverableDays?: number;
  archivingFailing?: boolean;
  scheduleSuspended?: boolean;
  lastBackupFailed?: boolean;
  /** Age of the newest successful backup. */
  lastSuccessAgeHours?: number;
  instances?: number;
  storage?: string;
  /** Emit the instances' PVCs (default true). */
  pvcs?: boolean;
}

export function cnpgClusterCase(o: CnpgCaseOptions): KubernetesObject[] {
  const store = o.store ?? 'barman-cloud-plugin';
  const retentionDays = o.retentionDays ?? 30;
  const lastSuccess = hoursBefore(o.now, o.lastSuccessAgeHours ?? 20);
  const previousSuccess = hoursBefore(lastSuccess, 24);
  // Snapshots give points, not a window: the first one is the oldest snapshot backup's end.
  const firstPoint =
    store === 'volume-snapshot-only' ? new Date(previousSuccess.getTime() + BACKUP_MINUTES * 60_000) : daysBefore(o.now, o.recoverableDays ?? retentionDays);
  const lastFailure = o.lastBackupFailed ? hoursBefore(o.now, 2) : undefined;
  const method: CnpgBackupMethod = store === 'barman-cloud-plugin' ? 'plugin' : store === 'in-tree' ? 'barmanObjectStore' : 'volumeSnapshot';
  const storeName = `${o.name}-store`;
  const scheduleName = `${o.name}-daily`;
  const objects: KubernetesObject[] = [];

  if (store === 'barman-cloud-plugin') {
    objects.push(
      barmanObjectStore({
        namespace: o.namespace,
        name: storeName,
        retentionPolicy: `${retentionDays}d`,
        recoveryWindows: { [o.name]: { firstRecoverabilityPoint: firstPoint, lastSuccessfulBackupTime: lastSuccess, lastFailedBackupTime: lastFailure } },
      }),
    );
  }
  objects.push(
    cnpgCluster({
      namespace: o.namespace,
      name: o.name,
      now: o.now,
      instances: o.instances,
      storageSize: o.storage,
      objectStore: store === 'barman-cloud-plugin' ? { kind: 'plugin', name: storeName } : store === 'in-tree' ? { kind: 'in-tree' } : undefined,
      retentionPolicy: store === 'in-tree' ? `${retentionDays}d` : undefined,
      volumeSnapshotClass: store === 'volume-snapshot-only' ? 'csi-hostpath-snapclass' : undefined,
      archiving: o.archivingFailing ? { working: false } : { working: true },
      lastSuccessfulBackup: { method, at: lastSuccess },
      lastFailedBackup: lastFailure ? { method, at: lastFailure } : undefined,
      firstRecoverabilityPoint: store === 'barman-cloud-plugin' ? undefined : firstPoint,
    }),
    cnpgScheduledBackup({
      namespace: o.namespace,
      name: scheduleName,
      cluster: o.name,
      method,
      now: o.now,
      suspend: o.scheduleSuspended,
      lastScheduleTime: lastFailure ?? lastSuccess,
    }),
  );
  const backupName = (startedAt: Date) => `${scheduleName}-${barmanBackupId(startedAt).toLowerCase()}`;
  const backup = (startedAt: Date, phase: 'completed' | 'failed') =>
    cnpgBackup({
      namespace: o.namespace,
      name: backupName(startedAt),
      cluster: o.name,
      method,
      phase,
      startedAt,
      scheduledBackup: scheduleName,
    });
  objects.push(backup(previousSuccess, 'completed'), backup(lastSuccess, 'completed'));
  if (lastFailure) objects.push(backup(lastFailure, 'failed'));
  if (store === 'volume-snapshot-only') {
    for (const startedAt of [previousSuccess, lastSuccess]) {
      objects.push(
        volumeSnapshot({
          namespace: o.namespace,
          name: backupName(startedAt),
          pvc: `${o.name}-1`,
          createdAt: startedAt,
          restoreSize: o.storage,
          labels: { 'cnpg.io/cluster': o.name, 'cnpg.io/instanceName': `${o.name}-1`, 'cnpg.io/pvcRole': 'PG_DATA', 'cnpg.io/backupName': backupName(startedAt) },
        }),
      );
    }
  }
  if (o.pvcs ?? true) objects.push(...cnpgInstancePvcs({ namespace: o.namespace, cluster: o.name, instances: o.instances, storage: o.storage }));
  return objects;
}

/**
 * A Crunchy PGO cluster: `repos: 'volume-only'` keeps backups inside the
 * cluster; `'s3'` and `'volume-and-s3'` send them out. Retention is
 * `retentionDays` of full backups (type time) on every repo.
 */
export interface PgoCaseOptions {
  namespace: string;
  name: string;
  now: Date;
  repos?: 'volume-only' | 's3' | 'volume-and-s3';
  retentionDays?: number;
  /** Omit schedules from every repo. */
  unscheduled?: boolean;
  lastFullFailed?: boolean;
  lastFullAgeHours?: number;
  replicas?: number;
  storage?: string;
  pvcs?: boolean;
}

export function pgoClusterCase(o: PgoCaseOptions): KubernetesObject[] {
  const layout = o.repos ?? 'volume-and-s3';
  const storages: PgoRepoStorage[] = layout === 'volume-only' ? ['volume'] : layout === 's3' ? ['s3'] : ['volume', 's3'];
  const repos: PgoRepoOptions[] = storages.map((storage, i) => ({
    name: `repo${i + 1}`,
    storage,
    ...(o.unscheduled ? {} : { schedules: { full: '0 1 * * 0', differential: '0 1 * * 1-6' } }),
    retentionFull: o.retentionDays ?? 30,
    retentionFullType: 'time',
  }));
  const lastFull = hoursBefore(o.now, o.lastFullAgeHours ?? 30);
  const scheduledBackups: PgoScheduledBackupOptions[] = o.unscheduled
    ? []
    : repos.flatMap((r) => [
        { repo: r.name, type: 'full' as const, startedAt: lastFull, succeeded: !o.lastFullFailed },
        { repo: r.name, type: 'diff' as const, startedAt: hoursBefore(o.now, 6), succeeded: true },
      ]);
  return [
    pgoPostgresCluster({ namespace: o.namespace, name: o.name, replicas: o.replicas, storage: o.storage, repos, scheduledBackups }),
    ...(o.pvcs ?? true
      ? pgoPvcs({ namespace: o.namespace, cluster: o.name, replicas: o.replicas, storage: o.storage, volumeRepos: repos.filter((r) => r.storage === 'volume').map((r) => r.name) })
      : []),
  ];
}

/** A plain application PVC (the seed 003 shape) and VolumeSnapshots of it, newest last. */
export function pvcCase(o: { namespace: string; name: string; now: Date; storage?: string; storageClassName?: string; snapshotAgesHours?: number[]; labels?: Record<string, string> }): KubernetesObject[] {
  return [
    persistentVolumeClaim({ namespace: o.namespace, name: o.name, storage: o.storage, storageClassName: o.storageClassName, labels: o.labels }),
    ...(o.snapshotAgesHours ?? []).map((age) => {
      const createdAt = hoursBefore(o.now, age);
      return volumeSnapshot({ namespace: o.namespace, name: `${o.name}-${compactTimestamp(createdAt)}`, pvc: o.name, createdAt, restoreSize: o.storage });
    }),
  ];
}

/** A Velero Schedule and the Backups it made (ages in hours, newest last). */
export function veleroScheduleCase(o: {
  name: string;
  now: Date;
  includedNamespaces?: string[];
  paused?: boolean;
  ttlHours?: number;
  backups?: { ageHours: number; phase?: VeleroBackupPhase }[];
}): KubernetesObject[] {
  const backups = o.backups ?? [{ ageHours: 48 }, { ageHours: 22 }];
  const started = backups.map((b) => hoursBefore(o.now, b.ageHours));
  const newest = started.reduce<Date | undefined>((a, d) => (a === undefined || d > a ? d : a), undefined);
  return [
    veleroSchedule({ name: o.name, includedNamespaces: o.includedNamespaces, paused: o.paused, ttlHours: o.ttlHours, lastBackup: newest }),
    ...backups.map((b, i) =>
      veleroBackup({ schedule: o.name, includedNamespaces: o.includedNamespaces, phase: b.phase, startedAt: started[i]!, ttlHours: o.ttlHours }),
    ),
  ];
}
