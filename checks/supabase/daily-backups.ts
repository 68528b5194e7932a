import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';
import { HOUR_MS } from '../../src/util';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'supabase',
  id: 'supabase.daily-backups',
  title: 'Supabase backups are recent',
  severity: 'high',
  protection: true,
  description:
    "The project's latest completed backup (or, with PITR, which replaces daily backups, its latest restore point) is newer than the policy's maximum backup age. Free-plan projects list no restorable backups. The plan's daily-backup retention (entitlement backup.retention_days) is shown where the token may read the organization's entitlements.",
  remediation:
    'Move the project to a paid plan (daily backups kept 7, 14 or 30 days by plan) or enable PITR; investigate failed backups with Supabase support. Free-plan projects must export with `supabase db dump` on a schedule.',
  docs: 'https://supabase.com/docs/guides/platform/backups',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.backups.ok) return [unreadable(resource, facts.backups)];
    const { backups, pitrEnabled, physicalWindow } = facts.backups.value;
    const source = facts.backups.source;
    const byTime = [...backups].sort((a, b) => Date.parse(b.insertedAt) - Date.parse(a.insertedAt));
    const completed = byTime.find((b) => b.status === 'COMPLETED');
    const evidence: Evidence[] = [
      { source, field: 'backups (listed)', value: backups.length },
      { source, field: 'latest COMPLETED backups[].inserted_at', value: completed?.insertedAt ?? null },
    ];

    // With PITR the latest restore point is the freshest recoverable state.
    const candidates = [
      ...(completed ? [{ at: completed.insertedAt, what: `${completed.physical ? 'physical' : 'logical'} backup` }] : []),
      ...(pitrEnabled && physicalWindow.latest ? [{ at: physicalWindow.latest, what: 'PITR restore point' }] : []),
    ];
    if (pitrEnabled) {
      evidence.push({ source, field: 'physical_backup_data.latest_physical_backup_date_unix', value: physicalWindow.latest });
    }
    // How long the plan keeps daily backups: shown, not judged (supabase.pitr judges the window).
    const retention = facts.backupRetention;
    evidence.push({
      source: retention.source,
      field: 'backup.retention_days',
      value: retention.ok
        ? (retention.value.days ?? 'no daily backups on this plan')
        : `unknown: ${retention.reason}${retention.hint ? ` (${retention.hint})` : ''}`,
    });
    // A paused or unhealthy project explains stale backups.
    const projectStatus = facts.project.ok ? facts.project.value.status : undefined;
    if (projectStatus) evidence.push({ source: facts.project.source, field: 'status', value: projectStatus });
    const statusNote = projectStatus && projectStatus !== 'ACTIVE_HEALTHY' ? ` (the project is ${projectStatus})` : '';
    const latest = candidates.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
    if (!latest && pitrEnabled) {
      return [
        {
          resource,
          status: 'unknown',
          message: `PITR is on, which replaces daily backups (Supabase stops taking them when PITR is enabled), and the API reports no restore point yet (physical_backup_data is empty): the age of the latest recoverable state is unknown${statusNote}`,
          evidence,
        },
      ];
    }
    if (!latest) {
      return [
        {
          resource,
          status: 'fail',
          message: `no completed backup is listed for the project (Free-plan projects have no restorable backups)${statusNote}`,
          evidence,
        },
      ];
    }
    const ageHours = (now.getTime() - Date.parse(latest.at)) / HOUR_MS;
    const age =
      ageHours < 2 ? `${Math.round(ageHours * 60)} minutes` : ageHours < 48 ? `${ageHours.toFixed(1)} hours` : `${(ageHours / 24).toFixed(1)} days`;
    const failedSince = byTime.filter((b) => b.status === 'FAILED' && Date.parse(b.insertedAt) > Date.parse(latest.at));
    if (failedSince.length > 0) {
      evidence.push({ source, field: 'FAILED backups since the latest good one', value: failedSince.map((b) => b.insertedAt).join(', ') });
    }
    if (ageHours > policy.maxBackupAgeHours) {
      return [
        {
          resource,
          status: 'fail',
          message: `the latest ${latest.what} is ${age} old (${latest.at}); policy allows ${policy.maxBackupAgeHours} hours${failedSince.length > 0 ? `; ${failedSince.length} backup(s) failed since` : ''}${statusNote}`,
          evidence,
        },
      ];
    }
    if (failedSince.length > 0) {
      return [
        {
          resource,
          status: 'warn',
          message: `the latest ${latest.what} is ${age} old, but ${failedSince.length} later backup(s) failed`,
          evidence,
        },
      ];
    }
    return [{ resource, status: 'pass', message: `the latest ${latest.what} is ${age} old (${latest.at})`, evidence }];
  },
});
