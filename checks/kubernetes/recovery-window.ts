import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';
import { oneDecimal, windowDays } from '../../src/datastores/kubernetes/facts';
import { DAY_MS, tenths } from '../../src/util';
import { archivingVerdict, clusterName, operatorCluster } from './_operator';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'kubernetesPostgres',
  id: 'kubernetes.recovery-window',
  title: 'Operator-run PostgreSQL keeps a point-in-time recovery window as long as the policy',
  severity: 'high',
  protection: true,
  evidenceTrend: { 'retention days': 'higher-is-better', 'window days': 'higher-is-better' },
  description:
    "CloudNativePG: the retention policy (the Barman Cloud plugin ObjectStore's spec.retentionPolicy, or the in-tree spec.backup.retentionPolicy) is at least policy.pitrMinRetentionDays, and the window from the first recoverability point to now is that long, while continuous archiving works (as the operator reports it and, with a url, as the database's pg_stat_archiver shows it; unconfirmed archiving is unknown, never a pass). Crunchy PGO reports neither a window nor archive_command results: the window is estimated from repoN-retention-full(-type) and the newest successful full backup, the finding says it is an estimate, and it passes only with a url whose pg_stat_archiver shows WAL archived (otherwise unknown). Volume snapshots without a WAL archive are points, not a window, and fail.",
  remediation:
    'CloudNativePG: set retentionPolicy (e.g. "30d") on the ObjectStore (or spec.backup) and fix archiving; Crunchy PGO: set spec.backups.pgbackrest.global repoN-retention-full-type: time and repoN-retention-full to the policy days on an off-cluster repository, and give the datastore a url so pg_stat_archiver can confirm that WAL reaches it.',
  docs: 'https://cloudnative-pg.io/plugin-barman-cloud/docs/retention/',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    const resource = datastore.name;
    const read = operatorCluster(resource, facts);
    if ('findings' in read) return read.findings;
    const { cluster } = read;
    const name = clusterName(facts, cluster);
    if (!cluster.window.ok) return [unreadable(resource, cluster.window)];
    if (!cluster.archiving.ok) return [unreadable(resource, cluster.archiving)];
    const window = cluster.window.value;
    const archiving = cluster.archiving.value;
    const required = policy.pitrMinRetentionDays;
    const evidence: Evidence[] = [];
    if (window.retention) {
      evidence.push({ source: window.retention.source, field: window.retention.field, value: window.retention.text });
      evidence.push({ source: window.retention.source, field: 'retention days', value: window.retention.days });
    }
    if (window.firstPoint) evidence.push({ source: window.firstPoint.source, field: window.firstPoint.field, value: window.firstPoint.at });
    evidence.push({ source: archiving.source, field: archiving.field, value: archiving.message });
    const db = cluster.databaseArchiving;
    if (db) evidence.push({ source: db.source, field: 'WAL archiving in the database', value: db.ok ? db.value.line : `not read: ${db.reason}` });

    if (!archiving.configured) {
      return [{ resource, status: 'fail', message: `${name} has no WAL archive (${archiving.message}): there is no point-in-time recovery; policy requires ${required} days`, evidence }];
    }
    if (window.retention?.days !== null && window.retention?.days !== undefined && window.retention.days < required) {
      return [{ resource, status: 'fail', message: `${name} keeps ${window.retention.text} of backups (${window.retention.days} days); the policy requires at least ${required}`, evidence }];
    }
    const days = windowDays(window, now);
    if (days === null) {
      const why = window.basis ?? 'the operator reports no first recoverability point (no base backup has completed)';
      return [{ resource, status: facts.operator === 'CloudNativePG' ? 'fail' : 'unknown', message: `${name}: no recovery window could be established: ${why}`, evidence }];
    }
    const estimated = window.firstPoint === null;
    evidence.push({ source: window.firstPoint?.source ?? window.retention?.source ?? cluster.source, field: 'window days', value: tenths(days) });
    if (estimated && window.basis) evidence.push({ source: cluster.source, field: 'window estimate', value: window.basis });
    const label = estimated ? `an estimated ${oneDecimal(days)} days of point-in-time recovery (${window.basis})` : `${oneDecimal(days)} days of point-in-time recovery (since ${window.firstPoint!.at})`;
    const works = archivingVerdict(archiving, db);
    if (works.works === false) {
      return [{ resource, status: 'fail', message: `${name} has ${label}, but WAL archiving is failing (${works.why}): the window does not reach the present`, evidence }];
    }
    if (works.works === null) {
      return [{ resource, status: 'unknown', message: `${name} has ${label}, but not fully assessed: whether WAL archiving succeeds is not known (${works.why}), so the window may not reach the present`, evidence }];
    }
    if (tenths(days) < required) {
      if (!estimated && window.retention?.days != null && window.retention.days >= required) {
        const reaches = new Date(Date.parse(window.firstPoint!.at) + required * DAY_MS).toISOString().slice(0, 10);
        return [{ resource, status: 'warn', message: `${name} has ${label}; policy requires ${required}: the window is still filling (retention ${window.retention.text}) and reaches ${required} days on ${reaches}`, evidence }];
      }
      return [{ resource, status: 'fail', message: `${name} has ${label}; the policy requires ${required}`, evidence }];
    }
    const retention = window.retention ? `retention ${window.retention.text}` : 'no retention policy: backups are never expired';
    return [{ resource, status: 'pass', message: `${name} has ${label}, ${retention}; policy requires ${required}`, evidence }];
  },
});
