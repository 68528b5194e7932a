// WAL archiving, judged from pg_settings and pg_stat_archiver: the one signal of
// point-in-time recovery every PostgreSQL has. Shared by the postgres.wal-archiving
// check and the report's recovery column. Pure.
import type { Evidence } from '../../model';
import type { PgArchiver, PostgresFacts } from './facts';
import { GRANTS } from './grants';
import { MINUTE_MS } from '../../util';

export type ArchivingState =
  | { state: 'unreadable'; reason: string }
  | { state: 'off' }
  | { state: 'no command' }
  | { state: 'standby' }
  | { state: 'failing'; lastArchivedTime: string | null; lastFailedTime: string; lastFailedWal: string | null; failedCount: number }
  | { state: 'never archived' }
  | { state: 'behind'; lastArchivedTime: string; ageMinutes: number; pending: number }
  /** Archived once, longer ago than the lag allows, and whether segments wait since cannot be told: not shown to work. */
  | { state: 'unconfirmed'; lastArchivedTime: string; ageMinutes: number; why: string }
  | { state: 'archiving'; lastArchivedTime: string; ageMinutes: number; pending: number | null };

/** The segment number of a WAL file name (timeline, log, segment in hex), and its timeline. */
function segment(name: string, segmentBytes: number): { timeline: number; number: number } | undefined {
  if (!/^[0-9A-F]{24}$/.test(name) || segmentBytes <= 0) return undefined;
  const perLog = 0x100000000 / segmentBytes;
  return { timeline: parseInt(name.slice(0, 8), 16), number: parseInt(name.slice(8, 16), 16) * perLog + parseInt(name.slice(16, 24), 16) };
}

/**
 * Segments complete but not archived yet: the .ready files when the scanner may list
 * them, else the distance between the segment being written and the last archived one.
 */
function pendingSegments(archiver: PgArchiver, backlog: PostgresFacts['archiveBacklog'], segmentBytes: number): number | null {
  if (backlog.ok) return backlog.value;
  if (!archiver.currentWal || !archiver.lastArchivedWal) return null;
  const current = segment(archiver.currentWal, segmentBytes);
  const last = segment(archiver.lastArchivedWal, segmentBytes);
  if (!current || !last || current.timeline !== last.timeline) return null;
  return Math.max(0, current.number - last.number - 1);
}

/** Why pendingSegments could not tell the backlog. */
function backlogUnknown(archiver: PgArchiver, backlog: PostgresFacts['archiveBacklog']): string {
  const listing = backlog.ok ? '' : `pg_ls_archive_statusdir() could not be read (${backlog.reason}), and `;
  const compare = !archiver.currentWal
    ? 'the segment being written is not known'
    : !archiver.lastArchivedWal || !/^[0-9A-F]{24}$/.test(archiver.lastArchivedWal)
      ? `the last archived file (${archiver.lastArchivedWal ?? 'none'}) is not a WAL segment to compare with ${archiver.currentWal}`
      : `the last archived segment ${archiver.lastArchivedWal} is on another timeline than ${archiver.currentWal}`;
  return `${listing}${compare}`;
}

/** What WAL archiving looks like; `maxLagMinutes` is how old the last archived segment may be while segments wait. */
export function archivingState(facts: Pick<PostgresFacts, 'settings' | 'archiver' | 'archiveBacklog'>, maxLagMinutes: number): ArchivingState {
  if (!facts.settings.ok) return { state: 'unreadable', reason: `pg_settings could not be read: ${facts.settings.reason}` };
  const setting = (name: string) => facts.settings.ok ? facts.settings.value[name]?.setting : undefined;
  const mode = setting('archive_mode');
  if (mode === undefined) return { state: 'unreadable', reason: 'archive_mode is not visible to the scanner' };
  if (mode === 'off') return { state: 'off' };
  if (!facts.archiver.ok) return { state: 'unreadable', reason: `pg_stat_archiver could not be read: ${facts.archiver.reason}` };
  const archiver = facts.archiver.value;
  if (archiver.inRecovery && mode !== 'always') return { state: 'standby' };
  const command = setting('archive_command');
  const library = setting('archive_library');
  if (command === undefined && library === undefined) {
    return { state: 'unreadable', reason: `archive_command is hidden from the scanner; to allow it: ${GRANTS.settings}` };
  }
  if ((command ?? '') === '' && (library ?? '') === '') return { state: 'no command' };
  const lastArchived = archiver.lastArchivedTime ? Date.parse(archiver.lastArchivedTime) : undefined;
  if (archiver.lastFailedTime && (lastArchived === undefined || Date.parse(archiver.lastFailedTime) > lastArchived)) {
    return {
      state: 'failing',
      lastArchivedTime: archiver.lastArchivedTime,
      lastFailedTime: archiver.lastFailedTime,
      lastFailedWal: archiver.lastFailedWal,
      failedCount: archiver.failedCount,
    };
  }
  if (!archiver.lastArchivedTime || lastArchived === undefined) return { state: 'never archived' };
  const ageMinutes = Math.max(0, (Date.parse(archiver.readAt) - lastArchived) / MINUTE_MS);
  const pending = pendingSegments(archiver, facts.archiveBacklog, Number(setting('wal_segment_size') ?? 16 * 1024 * 1024));
  // An idle server archives nothing for hours: age matters only while complete segments wait.
  if (pending !== null && pending > 0 && ageMinutes > maxLagMinutes) {
    return { state: 'behind', lastArchivedTime: archiver.lastArchivedTime, ageMinutes, pending };
  }
  // An old last success is an idle server only where the backlog shows nothing waits: unseen, it may be a stuck archiver.
  if (pending === null && ageMinutes > maxLagMinutes) {
    return { state: 'unconfirmed', lastArchivedTime: archiver.lastArchivedTime, ageMinutes, why: backlogUnknown(archiver, facts.archiveBacklog) };
  }
  return { state: 'archiving', lastArchivedTime: archiver.lastArchivedTime, ageMinutes, pending };
}

/** "2 min", "3 h", "5 days". */
export function shortAge(minutes: number): string {
  if (minutes < 120) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / (24 * 60))} days`;
}

/** The recovery column's line for a self-hosted PostgreSQL. */
export function describeArchiving(state: ArchivingState): string {
  switch (state.state) {
    case 'unreadable':
      return `WAL archiving not read: ${state.reason}`;
    case 'off':
      return 'no point-in-time recovery: WAL archiving off (archive_mode = off)';
    case 'no command':
      return 'no point-in-time recovery: archive_mode on but no archive_command or archive_library';
    case 'standby':
      return 'standby: WAL is archived by its primary';
    case 'failing':
      return `WAL archiving failing since ${state.lastArchivedTime ? `the last success at ${state.lastArchivedTime}` : 'it started (no segment ever archived)'}; last failure ${state.lastFailedTime}`;
    case 'never archived':
      return 'WAL archiving on, no segment archived yet';
    case 'behind':
      return `WAL archiving behind: ${state.pending} segments waiting, last archived ${shortAge(state.ageMinutes)} ago`;
    case 'unconfirmed':
      return `WAL archiving not confirmed: last archived ${shortAge(state.ageMinutes)} ago, and whether complete segments have waited since is not known (${state.why})`;
    case 'archiving':
      return `WAL archived, last ${shortAge(state.ageMinutes)} ago`;
  }
}

/** The archiver's evidence: settings and counters, never the archive command itself (it may hold paths or credentials). */
export function archivingEvidence(facts: Pick<PostgresFacts, 'settings' | 'archiver' | 'archiveBacklog'>): Evidence[] {
  const setting = (name: string) => (facts.settings.ok ? facts.settings.value[name] : undefined);
  const command = setting('archive_command')?.setting;
  const evidence: Evidence[] = [
    { source: 'pg_settings', field: 'archive_mode', value: setting('archive_mode')?.setting ?? 'unreadable' },
    {
      source: 'pg_settings',
      field: 'archive_command',
      value: command === undefined ? 'unreadable' : command === '' ? 'empty' : `set (program ${programName(command)})`,
    },
  ];
  const library = setting('archive_library')?.setting;
  if (library) evidence.push({ source: 'pg_settings', field: 'archive_library', value: library });
  const timeout = setting('archive_timeout');
  if (timeout) evidence.push({ source: 'pg_settings', field: 'archive_timeout', value: `${timeout.setting}${timeout.unit ?? ''}` });
  if (facts.archiver.ok) {
    const a = facts.archiver.value;
    evidence.push(
      { source: 'pg_stat_archiver', field: 'last_archived_time', value: a.lastArchivedTime },
      { source: 'pg_stat_archiver', field: 'last_archived_wal', value: a.lastArchivedWal },
      { source: 'pg_stat_archiver', field: 'archived_count', value: a.archivedCount },
      { source: 'pg_stat_archiver', field: 'failed_count', value: a.failedCount },
      { source: 'pg_stat_archiver', field: 'last_failed_time', value: a.lastFailedTime },
      { source: 'pg_walfile_name(pg_current_wal_insert_lsn())', field: 'current WAL segment', value: a.currentWal },
    );
  }
  if (facts.archiveBacklog.ok) evidence.push({ source: 'pg_ls_archive_statusdir()', field: 'segments waiting (.ready)', value: facts.archiveBacklog.value });
  return evidence;
}

/** The program an archive command runs, without its path or arguments: `pgbackrest`, `wal-g`, `cp`. */
function programName(command: string): string {
  const words = command.trim().split(/\s+/);
  // Skip environment assignments (FOO=bar cmd ...).
  const program = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) ?? words[0] ?? '';
  return program.slice(program.lastIndexOf('/') + 1);
}
