// Reads a Crunchy PGO v5 PostgresCluster: its pgBackRest repositories
// (spec.backups.pgbackrest.repos[]: volume, s3, gcs, azure, and their
// full/differential/incremental schedules), retention from
// spec.backups.pgbackrest.global (repoN-retention-full and
// repoN-retention-full-type, count or time), and the status the operator keeps
// (status.pgbackrest.repos[].stanzaCreated, status.pgbackrest.scheduledBackups[]).
// Field meanings: PGO pkg/apis/postgres-operator.crunchydata.com/v1beta1
// pgbackrest_types.go and pgBackRest's repo-retention-full options.
// The recovery window is not in the resource: it is estimated from retention.
import { observed, unavailable, type CollectContext } from '../../engine/types';
import { databaseArchiving } from '../kubernetes/database-archiving';
import { kubernetesApi, listInNamespace } from '../kubernetes/access';
import type { ArchivingState, BackupDestination, BackupScheduleFact, OperatorPostgres, OperatorPostgresFacts, RecoveryWindowFact, RetentionFact, Stamped } from '../kubernetes/facts';
import { array, count, inClusterEndpoint, newest, record, text, time } from '../kubernetes/objects';
import { KUBERNETES_RESOURCES as R } from '../kubernetes/resources';
import type { CrunchyPostgresClusterDatastore } from '.';

/** Days between runs of a cron schedule of one of the simple shapes (daily, weekly, monthly), or null. */
export function cronIntervalDays(schedule: string): number | null {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  if (!/^\d+$/.test(minute) || !/^\d+$/.test(hour) || month !== '*') return null;
  if (dayOfMonth === '*' && dayOfWeek === '*') return 1;
  if (dayOfMonth === '*' && /^\d$/.test(dayOfWeek)) return 7;
  // A month is at least 28 days: never longer than it is.
  if (/^\d+$/.test(dayOfMonth) && dayOfWeek === '*') return 28;
  return null;
}

const STORAGE_KINDS = ['volume', 's3', 'gcs', 'azure'] as const;

export async function collectCrunchyPostgresCluster(ctx: CollectContext<CrunchyPostgresClusterDatastore>): Promise<OperatorPostgresFacts> {
  const ds = ctx.datastore;
  const readAt = new Date().toISOString();
  const api = await kubernetesApi(ctx.config, ctx.shared, ds.context);
  const listing = await listInNamespace(ctx.config, ctx.shared, api, R.pgoPostgresClusters, ds.namespace);
  const fail = (source: string, reason: string, hint?: string): OperatorPostgresFacts => ({ operator: 'Crunchy PGO', readAt, cluster: unavailable(source, reason, hint) });
  if (!listing.ok) return fail(listing.source, listing.reason, listing.hint);
  const source = listing.source;
  if (!listing.value.installed) return fail(source, `Crunchy PGO is not installed in context ${api.context} (the postgres-operator.crunchydata.com API is not served)`);
  const cluster = listing.value.items.find((c) => c.metadata.name === ds.cluster);
  if (!cluster) return fail(source, `no PostgresCluster ${ds.namespace}/${ds.cluster} in context ${api.context}`);

  const spec = record(cluster.spec);
  const status = record(cluster.status);
  const pgbackrest = record(record(spec.backups).pgbackrest);
  const global = record(pgbackrest.global);
  const repos = array(pgbackrest.repos).map(record);
  const repoStatus = new Map(array(record(status.pgbackrest).repos).map(record).map((r) => [text(r.name), r]));
  const runs = array(record(status.pgbackrest).scheduledBackups).map(record);
  const notes: string[] = [];

  const destinations: BackupDestination[] = [];
  const schedules: BackupScheduleFact[] = [];
  for (const repo of repos) {
    const name = text(repo.name) ?? '(unnamed repo)';
    const storage = STORAGE_KINDS.find((k) => repo[k] !== undefined) ?? 'volume';
    const where = record(repo[storage]);
    const detail =
      storage === 'volume' ? 'a PersistentVolumeClaim in the cluster' : storage === 'azure' ? `container ${text(where.container) ?? '?'}` : `bucket ${text(where.bucket) ?? '?'}${text(where.endpoint) ? ` at ${text(where.endpoint)}` : ''}`;
    destinations.push({ name: `${name} (${storage})`, offCluster: storage !== 'volume' && !inClusterEndpoint(text(where.endpoint)), detail, source });
    const repoSchedules = record(repo.schedules);
    for (const [type, suffix] of [['full', 'full'], ['differential', 'diff'], ['incremental', 'incr']] as const) {
      const cron = text(repoSchedules[type]);
      if (!cron) continue;
      const cronJobName = `${ds.cluster}-${name}-${suffix}`;
      const started = runs.filter((r) => r.cronJobName === cronJobName).map((r) => time(r.startTime)).filter((t): t is string => t !== null).sort();
      schedules.push({ name: `${cronJobName} (${type})`, schedule: cron, suspended: false, lastScheduleTime: started.at(-1) ?? null, source });
    }
  }

  // Archiving: pgBackRest archives WAL to every repo once its stanza exists; the resource does not report archive_command results.
  const stanzas = repos.map((r) => ({ name: text(r.name) ?? '?', created: repoStatus.get(text(r.name))?.stanzaCreated === true }));
  const missing = stanzas.filter((s) => !s.created).map((s) => s.name);
  const archiving: ArchivingState =
    repos.length === 0
      ? { configured: false, healthy: null, message: 'no pgBackRest repository is configured', since: null, source, field: 'spec.backups.pgbackrest.repos' }
      : missing.length > 0
        ? { configured: true, healthy: false, message: `the pgBackRest stanza is not created on ${missing.join(', ')}: WAL cannot be archived there`, since: null, source, field: 'status.pgbackrest.repos[].stanzaCreated' }
        : {
            configured: true,
            healthy: null,
            message: `stanza created on ${stanzas.map((s) => s.name).join(', ')}; the PostgresCluster does not report whether archive_command succeeds (set url to read pg_stat_archiver)`,
            since: null,
            source,
            field: 'status.pgbackrest.repos[].stanzaCreated',
          };

  let lastSuccess: Stamped | null = null;
  let lastFailure: (Stamped & { message: string }) | null = null;
  const newestFull = new Map<string, Stamped>();
  for (const run of runs) {
    const label = `status.pgbackrest.scheduledBackups[${text(run.cronJobName) ?? '?'}]`;
    const completed = time(run.completionTime);
    if (count(run.succeeded) > 0 && completed) {
      const stamp = { at: completed, source, field: `${label}.completionTime` };
      lastSuccess = newest(lastSuccess, stamp);
      const repo = text(run.repo);
      if (run.type === 'full' && repo) newestFull.set(repo, newest(newestFull.get(repo) ?? null, stamp)!);
    } else if (count(run.failed) > 0) {
      const started = time(run.startTime);
      if (started) lastFailure = newest(lastFailure, { at: started, source, field: `${label}.startTime`, message: `${text(run.type) ?? 'backup'} backup job failed` });
    }
  }

  // The window estimate: the longest a repo keeps full backups, counted only where a full backup has succeeded.
  let best: { days: number; retention: RetentionFact; basis: string } | null = null;
  const reasons: string[] = [];
  for (const repo of repos) {
    const name = text(repo.name) ?? '?';
    const field = `spec.backups.pgbackrest.global["${name}-retention-full"]`;
    const value = text(global[`${name}-retention-full`]);
    const type = text(global[`${name}-retention-full-type`]) ?? 'count';
    if (!value || !/^\d+$/.test(value)) {
      reasons.push(`${name} has no ${name}-retention-full`);
      continue;
    }
    const n = Number(value);
    const fullCron = text(record(repo.schedules).full);
    const interval = fullCron ? cronIntervalDays(fullCron) : null;
    const days = type === 'time' ? n : interval !== null ? n * interval : null;
    const retention: RetentionFact = { text: `${name}: ${n} (${type})`, days, source, field };
    if (days === null) {
      reasons.push(`${name} keeps ${n} full backups on a schedule whose interval is not known`);
      continue;
    }
    const full = newestFull.get(name);
    if (!full) {
      reasons.push(`${name} has no successful full backup in status.pgbackrest.scheduledBackups`);
      continue;
    }
    const basis =
      type === 'time'
        ? `estimate: ${name} keeps full backups ${n} days (${name}-retention-full-type time), newest successful full backup ${full.at}`
        : `estimate: ${name} keeps ${n} full backups taken every ${interval} days, newest successful full backup ${full.at}`;
    if (!best || days > best.days) best = { days, retention, basis };
  }
  const window: RecoveryWindowFact = best
    ? { firstPoint: null, retention: best.retention, estimatedDays: best.days, basis: best.basis }
    : { firstPoint: null, retention: null, estimatedDays: null, basis: reasons.join('; ') || 'no pgBackRest repository' };
  notes.push('Crunchy PGO does not report a recovery window: it is estimated from retention and the newest successful full backup');

  const dataVolume = record(array(spec.instances).map(record)[0]?.dataVolumeClaimSpec);
  const value: OperatorPostgres = {
    object: `${ds.namespace}/${ds.cluster}`,
    source,
    storage: { size: text(record(record(dataVolume.resources).requests).storage), storageClass: text(dataVolume.storageClassName) },
    destinations: observed(source, destinations),
    archiving: observed(source, archiving),
    window: observed(source, window),
    schedules: observed(source, schedules),
    lastSuccess,
    lastFailure,
    databaseArchiving: await databaseArchiving(ctx),
    backupsSource: source,
    notes,
  };
  return { operator: 'Crunchy PGO', readAt, cluster: observed(source, value) };
}
