// Builders of Kubernetes datastores and facts for the check tests: a healthy
// CloudNativePG cluster (plugin ObjectStore, 30d, archiving working, daily
// schedule, backup 20 hours ago), a healthy PGO cluster, a protected PVC; each
// case overrides what it is about.
import { resolvePolicy, type Policy } from '../../src/config/policy';
import { ServiceSchema, type DatastoreConfig, type ServiceConfig } from '../../src/config/schema';
import { CnpgClusterDatastoreSchema } from '../../src/datastores/cnpg-cluster';
import { K8sPvcDatastoreSchema } from '../../src/datastores/k8s-pvc';
import type { OperatorPostgres, OperatorPostgresFacts, VolumeFacts } from '../../src/datastores/kubernetes/facts';
import { observed, unavailable } from '../../src/engine/types';
import { before, CHECK_NOW } from '../support/check-tester';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export const NOW = CHECK_NOW;
export const CLUSTERS = 'kubernetes prod: list clusters.postgresql.cnpg.io cluster-wide';
export const STORES = 'kubernetes prod: list objectstores.barmancloud.cnpg.io cluster-wide';
export const SCHEDULES = 'kubernetes prod: list scheduledbackups.postgresql.cnpg.io cluster-wide';

export const service: ServiceConfig = ServiceSchema.parse({ name: 'inventory', datastores: [] });

export function policy(overrides: Record<string, unknown> = {}, environment = 'production'): Policy {
  return resolvePolicy({ policy: overrides }, environment);
}

export const cnpgDatastore = (): DatastoreConfig =>
  CnpgClusterDatastoreSchema.parse({ name: 'ledger', type: 'cnpg-cluster', namespace: 'payments', cluster: 'ledger' });
export const pvcDatastore = (): DatastoreConfig => K8sPvcDatastoreSchema.parse({ name: 'inventory-data', type: 'k8s-pvc', namespace: 'inventory', claim: 'inventory-data' });

export function cnpgCluster(overrides: Partial<OperatorPostgres> = {}): OperatorPostgres {
  return {
    object: 'payments/ledger',
    source: CLUSTERS,
    storage: { size: '10Gi', storageClass: null },
    destinations: observed(STORES, [{ name: 'ObjectStore ledger-store', offCluster: true, detail: 's3://backups/payments/', source: STORES }]),
    archiving: observed(CLUSTERS, {
      configured: true,
      healthy: true,
      message: 'Continuous archiving is working',
      since: before(72 * HOUR),
      source: CLUSTERS,
      field: 'status.conditions[ContinuousArchiving]',
    }),
    window: observed(STORES, {
      firstPoint: { at: before(30 * DAY), source: STORES, field: 'status.serverRecoveryWindow.ledger.firstRecoverabilityPoint' },
      retention: { text: '30d', days: 30, source: STORES, field: 'spec.retentionPolicy' },
      estimatedDays: null,
      basis: null,
    }),
    schedules: observed(SCHEDULES, [{ name: 'ledger-daily', schedule: '0 0 0 * * *', suspended: false, lastScheduleTime: before(20 * HOUR), source: SCHEDULES }]),
    lastSuccess: { at: before(20 * HOUR), source: STORES, field: 'status.serverRecoveryWindow.ledger.lastSuccessfulBackupTime' },
    lastFailure: null,
    databaseArchiving: null,
    backupsSource: 'kubernetes prod: list backups.postgresql.cnpg.io cluster-wide',
    notes: [],
    ...overrides,
  };
}

export const cnpgFacts = (overrides: Partial<OperatorPostgres> = {}): OperatorPostgresFacts => ({ operator: 'CloudNativePG', readAt: NOW.toISOString(), cluster: observed(CLUSTERS, cnpgCluster(overrides)) });

const PGO = 'kubernetes prod: list postgresclusters.postgres-operator.crunchydata.com cluster-wide';

/** A PGO cluster with a volume repo1 and an s3 repo2 keeping full backups 30 days. */
export function pgoFacts(overrides: Partial<OperatorPostgres> = {}): OperatorPostgresFacts {
  return {
    operator: 'Crunchy PGO',
    readAt: NOW.toISOString(),
    cluster: observed(PGO, {
      ...cnpgCluster(),
      object: 'payments/hippo',
      source: PGO,
      destinations: observed(PGO, [
        { name: 'repo1 (volume)', offCluster: false, detail: 'a PersistentVolumeClaim in the cluster', source: PGO },
        { name: 'repo2 (s3)', offCluster: true, detail: 'bucket payments-pgbackrest', source: PGO },
      ]),
      archiving: observed(PGO, { configured: true, healthy: null, message: 'stanza created on repo1, repo2; the PostgresCluster does not report whether archive_command succeeds (set url to read pg_stat_archiver)', since: null, source: PGO, field: 'status.pgbackrest.repos[].stanzaCreated' }),
      window: observed(PGO, {
        firstPoint: null,
        retention: { text: 'repo2: 30 (time)', days: 30, source: PGO, field: 'spec.backups.pgbackrest.global["repo2-retention-full"]' },
        estimatedDays: 30,
        basis: `estimate: repo2 keeps full backups 30 days (repo2-retention-full-type time), newest successful full backup ${before(30 * HOUR)}`,
      }),
      schedules: observed(PGO, [{ name: 'hippo-repo2-full (full)', schedule: '0 1 * * 0', suspended: false, lastScheduleTime: before(30 * HOUR), source: PGO }]),
      lastSuccess: { at: before(6 * HOUR), source: PGO, field: 'status.pgbackrest.scheduledBackups[hippo-repo2-diff].completionTime' },
      ...overrides,
    }),
  };
}

const PVCS = 'kubernetes prod: list persistentvolumeclaims cluster-wide';
const SNAPSHOTS = 'kubernetes prod: list volumesnapshots.snapshot.storage.k8s.io cluster-wide';
const VELERO = 'kubernetes prod: list schedules.velero.io in velero';

/** A 50Gi claim with snapshots 30 and 6 hours old and a nightly Velero schedule keeping 30 days. */
export function volumeFacts(overrides: Partial<VolumeFacts> = {}): VolumeFacts {
  return {
    readAt: NOW.toISOString(),
    claim: observed(PVCS, { object: 'inventory/inventory-data', size: '50Gi', storageClass: 'standard-rwo', phase: 'Bound', source: PVCS }),
    snapshots: observed(SNAPSHOTS, {
      installed: true,
      notReady: 0,
      points: [30, 6].map((h) => ({ name: `VolumeSnapshot inventory/inventory-data-${h}h`, at: before(h * HOUR), expires: null, offCluster: false, schedule: null, source: SNAPSHOTS })),
    }),
    velero: observed(VELERO, {
      installed: true,
      failed: 0,
      schedules: [{ name: 'velero/nightly', schedule: '0 3 * * *', paused: false, ttlHours: 720, lastBackup: before(22 * HOUR), source: VELERO }],
      points: [46, 22].map((h) => ({ name: `Velero Backup velero/nightly-${h}`, at: before(h * HOUR), expires: new Date(NOW.getTime() + (720 - h) * HOUR).toISOString(), offCluster: false, schedule: 'velero/nightly', source: VELERO })),
    }),
    ...overrides,
  };
}

export const forbiddenList = <T>(source: string, resource: string) =>
  unavailable<T>(source, `forbidden: ${resource} is forbidden: User "scanner" cannot list resource`, `a ClusterRole (bound by a ClusterRoleBinding) with the rule {apiGroups: [...], resources: ["${resource}"], verbs: ["list"]}`);
