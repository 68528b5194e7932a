import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { archivingEvidence, archivingState, describeArchiving, shortAge } from '../../src/datastores/postgres/archiving';
import { GRANTS } from '../../src/datastores/postgres/grants';

/** Datastore types whose point-in-time recovery the provider's API reports, judged by their own checks. */
const PROVIDER_RECOVERY: Record<string, string> = {
  'rds-instance': 'rds.pitr-retention',
  'rds-cluster': 'rds.pitr-retention',
  'supabase-project': 'supabase.pitr',
};

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.wal-archiving',
  title: 'WAL is archived for point-in-time recovery',
  severity: 'high',
  protection: true,
  description:
    'Point-in-time recovery of a self-hosted PostgreSQL rests on its WAL being archived: archive_mode on, an archive_command or archive_library, and pg_stat_archiver showing recent success with no failure since. While complete segments wait, the last archived segment must be younger than policy.pitrMaxRestoreLagMinutes (an older one is unknown, not a pass, when whether segments wait cannot be told: pg_ls_archive_statusdir() unreadable and the current segment not comparable with the last archived one), and archive_timeout must bound how long a quiet server keeps WAL unarchived.',
  remediation:
    "Set archive_mode = on and an archive_command (or archive_library) that copies each segment to durable storage (pgBackRest, WAL-G, Barman), set archive_timeout, and fix the command when pg_stat_archiver shows failures.",
  evidenceTrend: { last_archived_time: 'higher-is-better' },
  evaluate({ datastore, facts, policy }): FindingDraft[] {
    const resource = datastore.name;
    const provider = PROVIDER_RECOVERY[datastore.type];
    if (provider) {
      return [{ resource, status: 'skipped', message: `point-in-time recovery of a ${datastore.type} is judged from the provider's API (${provider})`, evidence: [] }];
    }
    const state = archivingState(facts, policy.pitrMaxRestoreLagMinutes);
    const evidence = archivingEvidence(facts);
    const line = describeArchiving(state);
    switch (state.state) {
      case 'unreadable':
        return [{ resource, status: 'unknown', message: line, evidence }];
      case 'standby':
        return [{ resource, status: 'skipped', message: 'this server is a standby (pg_is_in_recovery()) with archive_mode = on: its primary archives WAL; scan the primary', evidence }];
      case 'never archived':
        return [{ resource, status: 'unknown', message: `${line}: no evidence yet that archived WAL reaches its destination`, evidence }];
      case 'unconfirmed':
        return [
          {
            resource,
            status: 'unknown',
            message: `not fully assessed: the last segment was archived ${shortAge(state.ageMinutes)} ago (policy: at most ${policy.pitrMaxRestoreLagMinutes} min while segments wait), and whether complete segments have waited since is not known (${state.why}): an idle server or a stuck archiver`,
            evidence,
            ...(facts.archiveBacklog.ok ? {} : { remediation: `${facts.archiveBacklog.hint ?? GRANTS.monitor} -- lets the scanner list the segments waiting (pg_ls_archive_statusdir())` }),
          },
        ];
      case 'off':
      case 'no command':
        return [{ resource, status: 'fail', message: line, evidence }];
      case 'failing':
        return [
          {
            resource,
            status: 'fail',
            message: `${line} (${state.failedCount} failures counted${state.lastFailedWal ? `, last on ${state.lastFailedWal}` : ''}): WAL piles up in pg_wal and restores stop at the last archived segment`,
            evidence,
          },
        ];
      case 'behind':
        return [{ resource, status: 'fail', message: `${line} (policy: at most ${policy.pitrMaxRestoreLagMinutes} min)`, evidence }];
      case 'archiving': {
        const timeout = facts.settings.ok ? facts.settings.value.archive_timeout : undefined;
        const timeoutMinutes = timeout ? Number(timeout.setting) / (timeout.unit === 'min' ? 1 : 60) : undefined;
        if (timeoutMinutes === 0 || (timeoutMinutes !== undefined && timeoutMinutes > policy.pitrMaxRestoreLagMinutes)) {
          return [
            {
              resource,
              status: 'warn',
              message: `${line}, but archive_timeout = ${timeout!.setting}${timeout!.unit ?? ''}: a quiet server can keep its last writes unarchived ${timeoutMinutes === 0 ? 'indefinitely' : `for ${shortAge(timeoutMinutes)}`} (policy: at most ${policy.pitrMaxRestoreLagMinutes} min)`,
              evidence,
              remediation: `ALTER SYSTEM SET archive_timeout = '${Math.min(policy.pitrMaxRestoreLagMinutes, 5)}min';\nSELECT pg_reload_conf();`,
            },
          ];
        }
        return [{ resource, status: 'pass', message: line, evidence }];
      }
    }
  },
});
