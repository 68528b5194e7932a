import { describe, expect, it } from 'vitest';
import check from './sequential-scan-heavy';
import { resolvePolicy } from '../../src/config/policy';
import { observed, postgresFacts, run, table } from '../../test/support/postgres-facts';

describe('postgres.sequential-scan-heavy', () => {
  it('warns for a large table read mostly by sequential scans', () => {
    const tables = [table(1, 'orders', { liveRows: 50_000, seqScans: 900, indexScans: 100 })];
    const [f] = run(check, postgresFacts({ tables: observed('pg_stat_user_tables', tables) }));
    expect(f).toMatchObject({ status: 'warn', resource: 'db:public.orders', message: 'public.orders (50000 live rows) is read by index in only 10.0% of scans' });
  });
  it('adds up the partitions of a partitioned table and judges it once', () => {
    const tables = [
      table(1, 'events', { kind: 'partitioned table', liveRows: null, seqScans: null, indexScans: null }),
      table(2, 'events_2025', { partitionOf: 1, liveRows: 8_000, seqScans: 400, indexScans: 10 }),
      table(3, 'events_2026', { partitionOf: 1, liveRows: 8_000, seqScans: 400, indexScans: 10 }),
    ];
    const findings = run(check, postgresFacts({ tables: observed('pg_stat_user_tables', tables) }));
    expect(findings.map((f) => [f.resource, f.message])).toEqual([
      ['db:public.events', 'public.events (16000 live rows in 2 partitions) is read by index in only 2.4% of scans'],
    ]);
  });
  it('is unknown, never pass, while statistics are younger than the policy asks (pg_stat_reset, crash restart, failover)', () => {
    const tables = [table(1, 'orders', { liveRows: 20_000, seqScans: 0, indexScans: 0 })];
    const statsSince = observed('pg_stat_database', { since: '2026-11-21T11:30:00.000Z', basis: 'stats_reset' as const, source: 'pg_stat_archiver.stats_reset' });
    const [f] = run(check, postgresFacts({ tables: observed('pg_stat_user_tables', tables), statsSince }));
    expect(f).toMatchObject({ status: 'unknown', message: expect.stringMatching(/^statistics reset 30 minutes ago/) });
    expect(f!.evidence[0]).toEqual({ source: 'pg_stat_archiver.stats_reset', field: 'statistics since', value: '2026-11-21T11:30:00.000Z' });
  });
  it('does not count a large table without any scan as read by index', () => {
    const tables = [table(1, 'orders', { liveRows: 20_000, seqScans: 0, indexScans: 0 })];
    expect(run(check, postgresFacts({ tables: observed('pg_stat_user_tables', tables) }))[0]!.message).toMatch(/all 0 scanned tables .*; 1 large tables have no scans recorded/);
  });
  it('ignores small tables and passes large tables read by index', () => {
    const tables = [table(1, 'tiny', { liveRows: 10, seqScans: 1000, indexScans: 0 }), table(2, 'big', { liveRows: 20_000, seqScans: 1, indexScans: 999 })];
    expect(run(check, postgresFacts({ tables: observed('pg_stat_user_tables', tables) }))[0]!.status).toBe('pass');
  });
  it('follows the policy thresholds', () => {
    const tables = [table(1, 'mid', { liveRows: 5_000, seqScans: 50, indexScans: 50 })];
    const policy = { ...resolvePolicy({ policy: {} }, 'production'), sequentialScan: { minLiveRows: 1000, minIndexScanShare: 0.9, minStatsAgeDays: 1 } };
    expect(run(check, postgresFacts({ tables: observed('pg_stat_user_tables', tables) }), { policy })[0]!.status).toBe('warn');
  });
  it('is unknown rather than passing on zeros when the server collects no statistics', () => {
    const facts = postgresFacts({ tables: observed('pg_stat_user_tables', [table(1, 'orders', { liveRows: 0, seqScans: 0, indexScans: 0 })]) });
    if (facts.settings.ok) facts.settings.value.track_counts = { name: 'track_counts', setting: 'off', unit: null, source: 'configuration file' };
    expect(run(check, facts)[0]).toMatchObject({ status: 'unknown', message: expect.stringMatching(/track_counts = off/) });
  });
});
