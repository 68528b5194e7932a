import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import { CHECK_NOW, chDatastore, chFacts, hoursBefore, nativeBackups, policy, service } from '../../test/support/clickhouse-facts';
import { observed, unavailable } from '../../src/engine/types';
import { describeBackupSpan, type BackupSource, type ClickHouseFacts } from '../../src/datastores/clickhouse/facts';
import check from './backups';

const run = (backups: ClickHouseFacts['backups'], environment = 'production') =>
  runCheck(check, { service, datastore: chDatastore(), facts: chFacts({ backups }), policy: policy({ environment, protectionRequired: environment === 'production' }), now: CHECK_NOW });

const retained = (kind: BackupSource['kind'], days: number, newestHoursAgo: number, extra: Partial<BackupSource> = {}): BackupSource => ({
  ...nativeBackups(days, newestHoursAgo),
  kind,
  source: kind === 'cloud' ? 'ClickHouse Cloud API' : 'system.backup_list (clickhouse-backup)',
  listsRetained: true,
  retentionNote: undefined,
  ...extra,
});

describe('clickhouse.backups', () => {
  it('passes recent daily backups retained beyond the policy (clickhouse-backup), saying the span', () => {
    const [f] = run({ native: observed('system.backup_log', nativeBackups(0, 0)), clickhouseBackup: observed('system.backup_list', retained('clickhouse-backup', 45, 3)) });
    expect(f).toMatchObject({ status: 'pass', message: 'daily backups in system.backup_list (clickhouse-backup), the newest 3 h old, 44 days retained (policy: 30 days)' });
  });

  it('does not pass native backups on their log alone: system.backup_log shows backups made, not kept', () => {
    const [f] = run({ native: observed('system.backup_log', nativeBackups(45, 3)) });
    expect(f?.status).toBe('warn');
    expect(f?.message).toContain('retention not fully assessed: system.backup_log records the backups made, not which still exist');
  });

  it('fails a stale newest backup, with the failures since', () => {
    const stale = nativeBackups(40, 50, [{ at: hoursBefore(26), ok: false, sizeBytes: null, error: 'Code: 499. S3 error' }]);
    const [f] = run({ native: observed('system.backup_log', stale) });
    expect(f?.status).toBe('fail');
    expect(f?.message).toMatch(/the newest 2 days old .*policy allows 26 hours; 1 backup\(s\) failed since/);
    expect(f?.evidence).toContainEqual(expect.objectContaining({ field: 'failed backups since the newest good one', value: expect.stringContaining('S3 error') }));
  });

  it('warns when a backup failed after a recent good one', () => {
    const [f] = run({ cloud: observed('cloud', retained('cloud', 45, 20, { backups: [...nativeBackups(45, 20).backups, { at: hoursBefore(1), ok: false, sizeBytes: null }], retentionHours: 45 * 24, periodHours: 24 })), native: observed('x', nativeBackups(0, 0)) });
    expect(f).toMatchObject({ status: 'warn', message: expect.stringContaining('1 backup(s) failed since') });
  });

  it('fails a retention shorter than policy.pitrMinRetentionDays (Cloud: backupRetentionPeriodInHours)', () => {
    const [f] = run({ native: observed('x', nativeBackups(0, 0)), cloud: observed('cloud', retained('cloud', 2, 3, { retentionHours: 48, periodHours: 24 })) });
    expect(f?.status).toBe('fail');
    expect(f?.message).toContain('only 2 days retained: the policy asks for 30 days');
  });

  it('warns, not passes, when Cloud keeps backups long enough by setting but the oldest listed one is younger than the policy', () => {
    const [f] = run({ native: observed('x', nativeBackups(0, 0)), cloud: observed('cloud', retained('cloud', 3, 3, { retentionHours: 45 * 24, periodHours: 24 })) });
    expect(f?.status).toBe('warn');
    expect(f?.message).toContain('kept 45 days by backupRetentionPeriodInHours, but the oldest listed backup is 2 days old');
    expect(f?.evidence).toContainEqual(expect.objectContaining({ field: 'oldest listed backup age (days)' }));
  });

  it('fails when no backup exists, and says unknown when no list could be read', () => {
    expect(run({ native: observed('system.backup_log', nativeBackups(0, 0)) })[0]).toMatchObject({ status: 'fail', message: 'no successful backup is listed in system.backup_log' });
    const [unknown] = run({ native: unavailable('system.backup_log, system.backups', 'ACCESS_DENIED (497): not enough privileges') });
    expect(unknown).toMatchObject({ status: 'unknown', message: expect.stringContaining('ACCESS_DENIED') });
  });

  it('is unknown, not fail, when the configured Cloud or clickhouse-backup list was not read and the native fallback lists none', () => {
    const [f] = run({
      native: observed('system.backup_log', nativeBackups(0, 0)),
      clickhouseBackup: unavailable('clickhouse-backup API GET /backup/list', 'connect ECONNREFUSED'),
    });
    expect(f).toMatchObject({ status: 'unknown', message: expect.stringContaining('clickhouse-backup API GET /backup/list could not be read (connect ECONNREFUSED)') });
    const [stale] = run({ native: observed('system.backup_log', nativeBackups(40, 100)), cloud: unavailable('ClickHouse Cloud API', 'HTTP 401: unauthorized') });
    expect(stale).toMatchObject({ status: 'unknown', message: expect.stringContaining('ClickHouse Cloud API could not be read (HTTP 401: unauthorized)') });
    const facts = chFacts({ backups: { native: observed('system.backup_log', nativeBackups(0, 0)), cloud: unavailable('ClickHouse Cloud API', 'HTTP 401: unauthorized') } });
    expect(describeBackupSpan(facts, CHECK_NOW)).toBe(
      'no point-in-time recovery; no successful backup listed (BACKUP, system.backup_log); not read: ClickHouse Cloud API: HTTP 401: unauthorized',
    );
  });

  it('is skipped where the environment requires no protection', () => {
    expect(run({ native: observed('system.backup_log', nativeBackups(0, 0)) }, 'dev')[0]?.status).toBe('skipped');
  });
});

describe('clickhouse.backups with clickhouse-backup', () => {
  it('counts remote backups where there are any, and warns when every backup is local to the server', () => {
    const local = retained('clickhouse-backup', 45, 3);
    local.backups = local.backups.map((b) => ({ ...b, location: 'local' }));
    const [onlyLocal] = run({ native: observed('x', nativeBackups(0, 0)), clickhouseBackup: observed('system.backup_list', local) });
    expect(onlyLocal).toMatchObject({ status: 'warn', message: expect.stringContaining("only on the server's own disk") });
    // A recent local copy does not hide that the newest remote backup is stale.
    const mixed = retained('clickhouse-backup', 45, 50);
    mixed.backups = [...mixed.backups.map((b) => ({ ...b, location: 'remote' })), { at: hoursBefore(1), ok: true, sizeBytes: 1, location: 'local' }];
    const [stale] = run({ native: observed('x', nativeBackups(0, 0)), clickhouseBackup: observed('system.backup_list', mixed) });
    expect(stale).toMatchObject({ status: 'fail', message: expect.stringContaining('the newest 2 days old') });
  });
});
