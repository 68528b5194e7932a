import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';
import { ageHours, oneDecimal } from '../../src/datastores/kubernetes/facts';
import { tenths } from '../../src/util';
import { clusterName, operatorCluster } from './_operator';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'kubernetesPostgres',
  id: 'kubernetes.scheduled-backup',
  title: 'Operator-run PostgreSQL has a running backup schedule whose newest backup succeeded recently',
  severity: 'high',
  protection: true,
  evidenceTrend: { 'newest successful backup age (hours)': 'lower-is-better' },
  description:
    'A scheduled backup exists for the cluster (CloudNativePG ScheduledBackup objects for it; Crunchy PGO repos[].schedules), not every one is suspended, the newest backup did not fail, and the newest successful one (Backup objects, the cluster status, the ObjectStore recovery window; PGO status.pgbackrest.scheduledBackups) is at most policy.maxBackupAgeHours old.',
  remediation:
    'CloudNativePG: create a ScheduledBackup for the cluster (or set suspend: false) and read the failed Backup objects\' status.error; Crunchy PGO: add schedules.full (and differential) to a repository and read the backup Job logs.',
  docs: 'https://cloudnative-pg.io/documentation/current/backup/#scheduled-backups',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    const resource = datastore.name;
    const read = operatorCluster(resource, facts);
    if ('findings' in read) return read.findings;
    const { cluster } = read;
    if (!cluster.schedules.ok) return [unreadable(resource, cluster.schedules)];
    const name = clusterName(facts, cluster);
    const schedules = cluster.schedules.value;
    const evidence: Evidence[] = schedules.map((s) => ({ source: s.source, field: `schedule ${s.name}`, value: `${s.schedule}${s.suspended ? ' (suspended)' : ''}` }));
    const { lastSuccess, lastFailure } = cluster;
    if (lastSuccess) evidence.push({ source: lastSuccess.source, field: lastSuccess.field, value: lastSuccess.at });
    if (lastFailure) evidence.push({ source: lastFailure.source, field: lastFailure.field, value: `${lastFailure.at}: ${lastFailure.message}` });
    if (schedules.length === 0) return [{ resource, status: 'fail', message: `${name} has no scheduled backup`, evidence: [{ source: cluster.schedules.source, field: 'schedules', value: 0 }, ...evidence] }];
    const active = schedules.filter((s) => !s.suspended);
    if (active.length === 0) {
      return [{ resource, status: 'fail', message: `${name}: every backup schedule is suspended (${schedules.map((s) => s.name).join(', ')})`, evidence }];
    }
    if (lastFailure && (!lastSuccess || Date.parse(lastFailure.at) > Date.parse(lastSuccess.at))) {
      return [{ resource, status: 'fail', message: `${name}: the newest backup failed at ${lastFailure.at}: ${lastFailure.message}`, evidence }];
    }
    if (!lastSuccess) return [{ resource, status: 'fail', message: `${name} has a backup schedule but no successful backup`, evidence }];
    const age = ageHours(lastSuccess.at, now);
    evidence.push({ source: lastSuccess.source, field: 'newest successful backup age (hours)', value: tenths(age) });
    if (age > policy.maxBackupAgeHours) {
      return [{ resource, status: 'fail', message: `${name}: the newest successful backup is ${oneDecimal(age)} hours old; the policy allows ${policy.maxBackupAgeHours}`, evidence }];
    }
    const suspended = schedules.length - active.length;
    return [
      {
        resource,
        status: 'pass',
        message: `${name}: ${active.length} backup schedule(s) running${suspended ? ` (${suspended} suspended)` : ''}; newest successful backup ${oneDecimal(age)} hours ago (at most ${policy.maxBackupAgeHours})`,
        evidence,
      },
    ];
  },
});
