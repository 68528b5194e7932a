import { describe, expect, it } from 'vitest';
import check from './wal-archiving';
import { observed, postgresFacts, run, unavailable } from '../../test/support/postgres-facts';
import type { PgArchiver, PostgresFacts } from '../../src/datastores/postgres/facts';
import { postgresModule } from '../../src/datastores/postgres';

const base = postgresFacts();
const withArchiver = (changes: Partial<PgArchiver>, extra: Partial<PostgresFacts> = {}) =>
  postgresFacts({ archiver: observed('pg_stat_archiver', { ...(base.archiver.ok ? base.archiver.value : ({} as PgArchiver)), ...changes }), ...extra });
const withSettings = (changes: Record<string, string>) => {
  const settings = base.settings.ok ? { ...base.settings.value } : {};
  for (const [name, setting] of Object.entries(changes)) settings[name] = { ...(settings[name] ?? { name, unit: null, source: 'configuration file' }), setting };
  return postgresFacts({ settings: observed('pg_settings', settings) });
};
const recovery = (facts: PostgresFacts) => postgresModule.describeRecovery!({ postgres: { ok: true, facts } }, { name: 'db', type: 'postgres', url: 'postgres://h/db' });

describe('postgres.wal-archiving', () => {
  it('passes when segments reach the archive, and the recovery column says when', () => {
    const [f] = run(check, base);
    expect(f).toMatchObject({ status: 'pass', message: 'WAL archived, last 2 min ago' });
    expect(recovery(base)).toBe('WAL archived, last 2 min ago');
    // The command is not copied into the report: it may hold paths or credentials.
    expect(f!.evidence).toContainEqual({ source: 'pg_settings', field: 'archive_command', value: 'set (program pgbackrest)' });
  });
  it('fails with archiving off or without a command', () => {
    expect(run(check, withSettings({ archive_mode: 'off' }))[0]).toMatchObject({ status: 'fail', message: 'no point-in-time recovery: WAL archiving off (archive_mode = off)' });
    expect(run(check, withSettings({ archive_command: '' }))[0]!.status).toBe('fail');
  });
  it('fails while the last attempt failed, saying since when', () => {
    const failing = withArchiver({ lastFailedTime: '2026-11-21T11:59:00.000Z', lastFailedWal: '0000000100000000000000A2', failedCount: 7 });
    const [f] = run(check, failing);
    expect(f!.status).toBe('fail');
    expect(recovery(failing)).toBe('WAL archiving failing since the last success at 2026-11-21T11:58:00.000Z; last failure 2026-11-21T11:59:00.000Z');
    // A failure followed by a success is history, not a failure.
    expect(run(check, withArchiver({ lastFailedTime: '2026-11-21T11:00:00.000Z', failedCount: 1 }))[0]!.status).toBe('pass');
  });
  it('fails when complete segments wait longer than the policy allows; an idle server passes', () => {
    const old = { lastArchivedTime: '2026-11-21T09:00:00.000Z' };
    expect(run(check, withArchiver(old, { archiveBacklog: observed('pg_ls_archive_statusdir()', 12) }))[0]).toMatchObject({
      status: 'fail',
      message: 'WAL archiving behind: 12 segments waiting, last archived 3 h ago (policy: at most 15 min)',
    });
    expect(run(check, withArchiver(old))[0]!.status).toBe('pass');
    // Without the archive_status listing, the distance between segments tells the backlog.
    const far = withArchiver({ ...old, currentWal: '0000000100000001000000A2' }, { archiveBacklog: unavailable('pg_ls_archive_statusdir()', 'permission denied') });
    expect(run(check, far)[0]!.status).toBe('fail');
  });
  it('is unknown, not a pass, when the last success is old and whether segments wait since cannot be told', () => {
    const old = { lastArchivedTime: '2026-11-21T09:00:00.000Z' };
    const noListing: Partial<PostgresFacts> = { archiveBacklog: unavailable('pg_ls_archive_statusdir()', 'permission denied', 'GRANT pg_monitor TO continuity_scanner;') };
    // The last archived file is a backup label, not a segment the current one can be compared with: a stuck archiver looks like an idle server.
    const label = withArchiver({ ...old, lastArchivedWal: '0000000100000000000000A1.00000028.backup' }, noListing);
    const [f] = run(check, label);
    expect(f).toMatchObject({ status: 'unknown', remediation: expect.stringContaining('GRANT pg_monitor') });
    expect(f!.message).toMatch(/^not fully assessed: the last segment was archived 3 h ago .*pg_ls_archive_statusdir\(\) could not be read \(permission denied\).*is not a WAL segment/);
    expect(recovery(label)).toMatch(/^WAL archiving not confirmed: last archived 3 h ago/);
    // Another timeline (after a promotion) cannot be compared either.
    expect(run(check, withArchiver({ ...old, currentWal: '0000000200000000000000A2' }, noListing))[0]!.status).toBe('unknown');
    // A recent success needs no backlog: nothing can have waited longer than the policy allows.
    expect(run(check, withArchiver({ lastArchivedWal: '0000000100000000000000A1.00000028.backup' }, noListing))[0]!.status).toBe('pass');
  });
  it('warns when archive_timeout lets a quiet server keep writes unarchived', () => {
    expect(run(check, withSettings({ archive_timeout: '0' }))[0]).toMatchObject({ status: 'warn', message: expect.stringMatching(/indefinitely/) });
  });
  it('is unknown, never pass, when it cannot be read or nothing was archived yet', () => {
    expect(run(check, postgresFacts({ archiver: unavailable('pg_stat_archiver', 'timeout') }))[0]!.status).toBe('unknown');
    expect(run(check, withArchiver({ lastArchivedTime: null, lastArchivedWal: null, archivedCount: 0 }))[0]!.status).toBe('unknown');
    const hidden = postgresFacts();
    if (hidden.settings.ok) delete hidden.settings.value.archive_command;
    expect(run(check, hidden)[0]!.status).toBe('unknown');
  });
  it('skips a standby and managed services whose API reports recovery', () => {
    expect(run(check, withArchiver({ inRecovery: true, currentWal: null }))[0]!.status).toBe('skipped');
    expect(run(check, base, { datastore: { type: 'rds-instance' } as never })[0]).toMatchObject({ status: 'skipped', message: expect.stringContaining('rds.pitr-retention') });
  });
});
