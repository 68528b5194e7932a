// The Kubernetes resources continuity reads, and the RBAC rule that allows
// reading each. Names (group, version, plural) are those of each operator's
// CRD manifest. Pure.

export interface ResourceKind {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** Who provides it, for "not installed" messages. */
  provider: string;
}

export const KUBERNETES_RESOURCES = {
  persistentVolumeClaims: { group: '', version: 'v1', plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', provider: 'Kubernetes' },
  cnpgClusters: { group: 'postgresql.cnpg.io', version: 'v1', plural: 'clusters', kind: 'Cluster', provider: 'CloudNativePG' },
  cnpgBackups: { group: 'postgresql.cnpg.io', version: 'v1', plural: 'backups', kind: 'Backup', provider: 'CloudNativePG' },
  cnpgScheduledBackups: { group: 'postgresql.cnpg.io', version: 'v1', plural: 'scheduledbackups', kind: 'ScheduledBackup', provider: 'CloudNativePG' },
  barmanObjectStores: { group: 'barmancloud.cnpg.io', version: 'v1', plural: 'objectstores', kind: 'ObjectStore', provider: 'the Barman Cloud plugin' },
  pgoPostgresClusters: { group: 'postgres-operator.crunchydata.com', version: 'v1beta1', plural: 'postgresclusters', kind: 'PostgresCluster', provider: 'Crunchy PGO' },
  veleroSchedules: { group: 'velero.io', version: 'v1', plural: 'schedules', kind: 'Schedule', provider: 'Velero' },
  veleroBackups: { group: 'velero.io', version: 'v1', plural: 'backups', kind: 'Backup', provider: 'Velero' },
  volumeSnapshots: { group: 'snapshot.storage.k8s.io', version: 'v1', plural: 'volumesnapshots', kind: 'VolumeSnapshot', provider: 'the CSI snapshot controller' },
} as const satisfies Record<string, ResourceKind>;

/** `clusters.postgresql.cnpg.io`, or `persistentvolumeclaims` for the core group. */
export const groupResource = (r: Pick<ResourceKind, 'group' | 'plural'>) => (r.group === '' ? r.plural : `${r.plural}.${r.group}`);

/** Where a list reads: one namespace, or the whole cluster (''). */
export type ListScope = string;

/** The verb continuity uses on every resource: it lists (and never gets one by one, watches or writes). */
export const READ_VERB = 'list';

/** The RBAC rule that would allow the list, as it is written in a Role or ClusterRole. */
export function rbacRule(r: ResourceKind, scope: ListScope): string {
  const rule = `{apiGroups: ["${r.group}"], resources: ["${r.plural}"], verbs: ["${READ_VERB}"]}`;
  return scope === '' ? `a ClusterRole (bound by a ClusterRoleBinding) with the rule ${rule}` : `a Role in namespace ${scope} (or a ClusterRole bound there) with the rule ${rule}`;
}

/** `list clusters.postgresql.cnpg.io in payments` — names a listing in facts and evidence. */
export function listingSource(context: string, r: ResourceKind, scope: ListScope): string {
  return `kubernetes ${context}: list ${groupResource(r)} ${scope === '' ? 'cluster-wide' : `in ${scope}`}`;
}
