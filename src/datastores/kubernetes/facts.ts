// Facts about PostgreSQL clusters run by an operator on Kubernetes
// (CloudNativePG, Crunchy PGO) and about PersistentVolumeClaims, as the checks
// and the report's recovery column read them. Pure: types and arithmetic.
import type { Observed } from '../../engine/types';
import { DAY_MS, HOUR_MS, tenths } from '../../util';

/** A timestamped fact with where it was read. */
export interface Stamped {
  at: string;
  source: string;
  field: string;
}

export interface BackupDestination {
  /** e.g. `ObjectStore ledger-store`, `repo2 (s3)`, `volume snapshots`. */
  name: string;
  /** An object store outside the cluster; false for volumes, volume snapshots and stores served from inside the cluster. */
  offCluster: boolean;
  /** Where: a destination path, bucket or volume snapshot class. */
  detail: string;
  source: string;
}

export interface BackupScheduleFact {
  name: string;
  schedule: string;
  suspended: boolean;
  lastScheduleTime: string | null;
  source: string;
}

export interface ArchivingState {
  /** A WAL archive is configured at all. */
  configured: boolean;
  /** true/false as the operator reports it; null when it reports nothing. */
  healthy: boolean | null;
  message: string;
  since: string | null;
  source: string;
  field: string;
}

export interface RetentionFact {
  /** As written, e.g. `30d`, or `repo2: 30 (time)`. */
  text: string;
  /** null when the retention is not a span of time that can be converted to days. */
  days: number | null;
  source: string;
  field: string;
}

export interface RecoveryWindowFact {
  /** The oldest point that can be recovered to, as the operator reports it (CloudNativePG) or null. */
  firstPoint: Stamped | null;
  retention: RetentionFact | null;
  /** Estimated days (Crunchy PGO: from retention and the newest successful full backup). */
  estimatedDays: number | null;
  /** Why the estimate is what it is, when estimated. */
  basis: string | null;
}

export interface OperatorPostgres {
  /** `payments/ledger`. */
  object: string;
  source: string;
  storage: { size: string | null; storageClass: string | null };
  destinations: Observed<BackupDestination[]>;
  archiving: Observed<ArchivingState>;
  window: Observed<RecoveryWindowFact>;
  schedules: Observed<BackupScheduleFact[]>;
  lastSuccess: Stamped | null;
  lastFailure: (Stamped & { message: string }) | null;
  /**
   * WAL archiving as the database itself shows it (pg_stat_archiver, pg_settings) when the datastore has a url;
   * null without one. `working` is null when the database's view is not conclusive (unreadable).
   */
  databaseArchiving: Observed<{ working: boolean | null; line: string }> | null;
  /** Backup runs read (Backup objects or the operator's scheduled backup status), for evidence. */
  backupsSource: string;
  /** Things the reader should know, e.g. a deprecated configuration. */
  notes: string[];
}

/** What the collector of a cnpg-cluster or crunchy-postgrescluster datastore produces. */
export interface OperatorPostgresFacts {
  operator: 'CloudNativePG' | 'Crunchy PGO';
  /** When the objects were listed: ages in the recovery column are measured from it. */
  readAt: string;
  cluster: Observed<OperatorPostgres>;
}

export interface VolumePoint {
  /** `VolumeSnapshot inventory/inventory-data-1`, `Velero Backup velero/nightly-20250309`. */
  name: string;
  at: string;
  /** When it will be deleted (Velero expiration); null: kept until someone deletes it. */
  expires: string | null;
  offCluster: boolean;
  /** The Velero Schedule that made it (`velero/nightly`, from its velero.io/schedule-name label); null for snapshots and one-off backups. */
  schedule: string | null;
  source: string;
}

export interface VeleroScheduleFact {
  name: string;
  schedule: string;
  paused: boolean;
  ttlHours: number | null;
  lastBackup: string | null;
  source: string;
}

export interface VolumeClaim {
  object: string;
  size: string | null;
  storageClass: string | null;
  phase: string | null;
  source: string;
}

/** What the collector of a k8s-pvc datastore produces. */
export interface VolumeFacts {
  /** When the objects were listed. */
  readAt: string;
  claim: Observed<VolumeClaim>;
  /** Ready VolumeSnapshots of the claim; not-installed when the snapshot CRDs are absent. */
  snapshots: Observed<{ installed: boolean; points: VolumePoint[]; notReady: number }>;
  /** Velero Schedules covering the claim's namespace and their completed Backups. */
  velero: Observed<{ installed: boolean; schedules: VeleroScheduleFact[]; points: VolumePoint[]; failed: number }>;
}

export interface DiscoveredObject {
  kind: 'cnpg-cluster' | 'crunchy-postgrescluster' | 'k8s-pvc';
  context: string;
  namespace: string;
  name: string;
  size: string | null;
  storageClass: string | null;
}

/** What Kubernetes discovery lists, per context, kind and scope. */
export interface KubernetesDiscoveryFacts {
  /** `scope`: the namespace listed, or '' for the whole cluster. */
  listings: { context: string; kind: DiscoveredObject['kind']; scope: string; objects: Observed<{ installed: boolean; items: DiscoveredObject[] }> }[];
  /** Contexts that could not be reached at all. */
  failures: { context: string; reason: string }[];
}

/** `30d`, `4w`, `3m` (barman's recovery window units) in days; months count as 28 days, so a month never passes a 30-day policy by assumption. */
export function retentionPolicyDays(policy: string): number | null {
  const m = /^\s*(\d+)\s*([dwm])\s*$/i.exec(policy);
  if (!m) return null;
  const n = Number(m[1]);
  return n * { d: 1, w: 7, m: 28 }[m[2]!.toLowerCase() as 'd' | 'w' | 'm'];
}

export const ageHours = (at: string, now: Date) => (now.getTime() - Date.parse(at)) / HOUR_MS;
export const ageDays = (at: string, now: Date) => (now.getTime() - Date.parse(at)) / DAY_MS;

/** 8.998 -> "9", 9.46 -> "9.5". */
export const oneDecimal = (n: number) => String(tenths(n));

/** The days the window reaches back now: the first recoverability point to now, or the estimate. */
export function windowDays(window: RecoveryWindowFact, now: Date): number | null {
  if (window.firstPoint) return Math.max(0, ageDays(window.firstPoint.at, now));
  return window.estimatedDays;
}

/** The one line of the report's recovery column for an operator-run cluster. */
export function describeOperatorRecovery(facts: OperatorPostgresFacts): string {
  const now = new Date(facts.readAt);
  if (!facts.cluster.ok) return `not read: ${facts.cluster.reason}`;
  const c = facts.cluster.value;
  const parts: string[] = [];
  if (!c.window.ok) parts.push(`window not read: ${c.window.reason}`);
  else {
    const w = c.window.value;
    const days = windowDays(w, now);
    const retention = w.retention ? `, retention ${w.retention.text}` : ', no retention policy';
    if (w.firstPoint) parts.push(`PITR from ${w.firstPoint.at} (${oneDecimal(days!)} days)${retention}`);
    else if (w.estimatedDays !== null) parts.push(`estimated ${oneDecimal(w.estimatedDays)} days of PITR (${w.basis})`);
    else parts.push(`no recovery window reported${w.basis ? ` (${w.basis})` : ''}${retention}`);
  }
  if (c.archiving.ok) {
    const a = c.archiving.value;
    parts.push(!a.configured ? 'no WAL archive' : a.healthy === true ? 'WAL archiving working' : a.healthy === false ? 'WAL archiving failing' : 'WAL archiving not reported');
  }
  return parts.join('; ');
}

/** The newest and the oldest of the recovery points, or null when there are none. */
export function pointSpan(points: VolumePoint[]): { newest: VolumePoint; oldest: VolumePoint } | null {
  if (points.length === 0) return null;
  return {
    newest: points.reduce((a, p) => (Date.parse(p.at) > Date.parse(a.at) ? p : a)),
    oldest: points.reduce((a, p) => (Date.parse(p.at) < Date.parse(a.at) ? p : a)),
  };
}

/** The one line of the report's recovery column for a PersistentVolumeClaim: points, not a window. */
export function describeVolumeRecovery(facts: VolumeFacts): string {
  const now = new Date(facts.readAt);
  if (!facts.claim.ok) return `not read: ${facts.claim.reason}`;
  const points = [
    ...(facts.snapshots.ok ? facts.snapshots.value.points : []),
    ...(facts.velero.ok ? facts.velero.value.points : []),
  ].filter((p) => p.expires === null || Date.parse(p.expires) > now.getTime());
  const unread = [facts.snapshots, facts.velero].filter((f) => !f.ok).length;
  const suffix = unread > 0 ? ' (some backup sources not read)' : '';
  const span = pointSpan(points);
  if (!span) return `no usable backup or snapshot${suffix}`;
  const { newest, oldest } = span;
  return `recovery points only: newest ${oneDecimal(ageHours(newest.at, now))} h old (${newest.name}), oldest ${oneDecimal(ageDays(oldest.at, now))} days old${suffix}`;
}
