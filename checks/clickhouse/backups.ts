import { defineDatastoreCheck, type DatastoreCheckInput, type FindingDraft } from '../../src/engine/types';
import { backupSpan, formatAge, formatPeriod, judgedBackupSource, type BackupSource } from '../../src/datastores/clickhouse/facts';
import type { Evidence } from '../../src/model';
import { DAY_MS, HOUR_MS, tenths } from '../../src/util';

const GiB = 1024 ** 3;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'clickhouse',
  id: 'clickhouse.backups',
  title: 'ClickHouse backups are recent and retained long enough',
  severity: 'high',
  protection: true,
  description:
    'The newest successful backup (ClickHouse Cloud API, Altinity clickhouse-backup through system.backup_list or its REST API, or native BACKUP through system.backup_log and system.backups) is newer than policy.maxBackupAgeHours, with the failures since. ClickHouse has no point-in-time recovery, so the span of retained backups is compared with policy.pitrMinRetentionDays (ClickHouse Cloud: its backupRetentionPeriodInHours, and a warning while the oldest listed backup is younger than the policy); system.backup_log records the backups made, not which still exist, so a native retention is not fully assessed.',
  remediation:
    'Schedule a BACKUP (or clickhouse-backup create_remote) at least daily to storage outside the server, keep backups for the policy retention (an S3 lifecycle rule or clickhouse-backup backups_to_keep_remote), and investigate failed backups in system.backup_log.',
  docs: 'https://clickhouse.com/docs/operations/backup',
  evaluate(input): FindingDraft[] {
    const { source, unread } = judgedBackupSource(input.facts);
    const findings = judge(input, source, unread);
    // An empty or stale fallback list (native BACKUP) fails nothing while the source it stands in for (Cloud, clickhouse-backup) was not read.
    if (unread.length === 0) return findings;
    const notRead = unread.map((u) => `${u.source} could not be read (${u.reason})`).join('; ');
    return findings.map((f) => (f.status === 'fail' ? { ...f, status: 'unknown', message: `${f.message}; not fully assessed: ${notRead}` } : f));
  },
});

function judge(
  { datastore, policy, now }: DatastoreCheckInput<'clickhouse'>,
  source: BackupSource | undefined,
  unread: ReturnType<typeof judgedBackupSource>['unread'],
): FindingDraft[] {
  const resource = datastore.name;
  const unreadEvidence: Evidence[] = unread.map((u) => ({ source: u.source, field: 'read', value: `failed: ${u.reason}` }));
  if (!source) {
    return [{ resource, status: 'unknown', message: `no backup list could be read: ${unread.map((u) => `${u.source}: ${u.reason}`).join('; ')}`, evidence: unreadEvidence }];
  }
  const span = backupSpan(source, now);
  const evidence: Evidence[] = [
    { source: source.source, field: 'successful backups listed', value: span.successful.length },
    { source: source.source, field: 'newest successful backup', value: span.newest?.at ?? null },
    { source: source.source, field: 'oldest successful backup', value: span.oldest?.at ?? null },
    ...unreadEvidence,
  ];
  if (span.newest?.sizeBytes != null) evidence.push({ source: source.source, field: 'newest backup size (GiB)', value: Number((span.newest.sizeBytes / GiB).toFixed(2)) });
  if (source.retentionHours !== undefined) evidence.push({ source: source.source, field: 'backupRetentionPeriodInHours', value: source.retentionHours });
  if (source.periodHours !== undefined) evidence.push({ source: source.source, field: 'backupPeriodInHours', value: source.periodHours });
  if (span.failedSince.length > 0) {
    evidence.push({ source: source.source, field: 'failed backups since the newest good one', value: span.failedSince.map((b) => `${b.at}${b.error ? ` (${b.error})` : ''}`).join('; ') });
  }
  if (source.retentionNote) evidence.push({ source: source.source, field: 'retention', value: source.retentionNote });

  if (!span.newest) {
    const failed = source.backups.filter((b) => !b.ok).length;
    return [{ resource, status: 'fail', message: `no successful backup is listed in ${source.source}${failed ? ` (${failed} failed)` : ''}`, evidence }];
  }
  const ageHours = (now.getTime() - Date.parse(span.newest.at)) / HOUR_MS;
  const failures = span.failedSince.length > 0 ? `; ${span.failedSince.length} backup(s) failed since` : '';
  const what = `${formatPeriod(span.periodHours)} in ${source.source}, the newest ${formatAge(ageHours)} old`;
  if (ageHours > policy.maxBackupAgeHours) {
    return [{ resource, status: 'fail', message: `${what} (${span.newest.at}); policy allows ${policy.maxBackupAgeHours} hours${failures}`, evidence }];
  }
  const days = span.spanDays ?? 0;
  const retained = `${Math.round(days)} days ${source.listsRetained ? 'retained' : 'logged'}`;
  if (days < policy.pitrMinRetentionDays) {
    return [
      {
        resource,
        status: 'fail',
        message: `${what}, but only ${retained}: the policy asks for ${policy.pitrMinRetentionDays} days of recovery (ClickHouse has no point-in-time recovery: the retained backups are the window)`,
        evidence,
      },
    ];
  }
  // Cloud's backupRetentionPeriodInHours is a setting: the backups listed show how far back a restore reaches today.
  const reachDays = span.oldest ? (now.getTime() - Date.parse(span.oldest.at)) / DAY_MS : null;
  if (source.retentionHours !== undefined && reachDays !== null && reachDays < policy.pitrMinRetentionDays) {
    return [
      {
        resource,
        status: 'warn',
        message: `${what}, kept ${Math.round(days)} days by backupRetentionPeriodInHours, but the oldest listed backup is ${Math.round(reachDays)} days old (${span.oldest!.at}): a restore reaches back only that far, below the ${policy.pitrMinRetentionDays} days the policy asks for, until the retained backups fill the retention${failures}`,
        evidence: [...evidence, { source: source.source, field: 'oldest listed backup age (days)', value: tenths(reachDays) }],
      },
    ];
  }
  if (!source.listsRetained) {
    return [
      {
        resource,
        status: 'warn',
        message: `${what}, ${retained}; retention not fully assessed: ${source.retentionNote ?? `${source.source} does not list which backups still exist`}${failures}`,
        evidence,
      },
    ];
  }
  if (span.successful.every((b) => b.location === 'local')) {
    return [{ resource, status: 'warn', message: `${what}, ${retained}, but only on the server's own disk (clickhouse-backup local backups): none would survive the loss of the server${failures}`, evidence }];
  }
  if (span.failedSince.length > 0) return [{ resource, status: 'warn', message: `${what}, ${retained}${failures}`, evidence }];
  return [{ resource, status: 'pass', message: `${what}, ${retained} (policy: ${policy.pitrMinRetentionDays} days)`, evidence }];
}
