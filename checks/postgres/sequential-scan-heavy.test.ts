import { describe, expect, it } from 'vitest';
import check from './sequential-scan-heavy';
import { resolvePolicy } from '../../src/config/policy';
import { observed, postgresFacts, run, table } from '../../test/support/postgres-facts';

describe('postgres.sequential-scan-heavy', () => {
  it('warns for a large table read mostly by sequential scans', () => {
    const tables = [table(1, 'orders', { liveRows: 50_000, seqScans: 900, indexScans: 100 })];
    const [f] = run(check, postgresFacts({ tables: observed('pg_stat_user_tables', tables) }));
    expect(f).toMatchObject({ status: 'warn', message: 'public.orders (50000 live rows) is read by index in only 10.0% of scans' });
  });
  it('ignores small tables and passes large tables read by index', () => {
    const tables = [table(1, 'tiny', { liveRows: 10, seqScans: 1000, indexScans: 0 }), table(2, 'big', { liveRows: 20_000, seqScans: 1, indexScans: 999 })];
    expect(run(check, postgresFacts({ tables: observed('pg_stat_user_tables', tables) }))[0]!.status).toBe('pass');
  });
  it('follows the policy thresholds', () => {
    const tables = [table(1, 'mid', { liveRows: 5_000, seqScans: 50, indexScans: 50 })];
    const policy = { ...resolvePolicy({ policy: {} }, 'production'), sequentialScan: { minLiveRows: 1000, minIndexScanShare: 0.9 } };
    expect(run(check, postgresFacts({ tables: observed('pg_stat_user_tables', tables) }), { policy })[0]!.status).toBe('warn');
  });
  it('is unknown rather than passing on zeros when the server collects no statistics', () => {
    const facts = postgresFacts({ tables: observed('pg_stat_user_tables', [table(1, 'orders', { liveRows: 0, seqScans: 0, indexScans: 0 })]) });
    if (facts.settings.ok) facts.settings.value.track_counts = { name: 'track_counts', setting: 'off', unit: null, source: 'configuration file' };
    expect(run(check, facts)[0]).toMatchObject({ status: 'unknown', message: expect.stringMatching(/track_counts = off/) });
  });
});
