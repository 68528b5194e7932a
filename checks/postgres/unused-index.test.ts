import { describe, expect, it } from 'vitest';
import check from './unused-index';
import { NOW, index, observed, postgresFacts, run } from '../../test/support/postgres-facts';

const MB = 1024 * 1024;

describe('postgres.unused-index', () => {
  it('warns for a large never-scanned index once statistics are old enough', () => {
    const facts = postgresFacts({ indexes: observed('pg_index', [index(1, 9, 'stale_idx', [2], { scans: 0, sizeBytes: 50 * MB })]) });
    const [f] = run(check, facts, { now: NOW });
    expect(f).toMatchObject({ status: 'warn', resource: 'db:public.stale_idx' });
  });
  it('leaves out unique, primary, constraint and small indexes', () => {
    const indexes = [
      index(1, 9, 'u', [2], { scans: 0, sizeBytes: 50 * MB, isUnique: true }),
      index(2, 9, 'small', [3], { scans: 0, sizeBytes: 8192 }),
      index(3, 9, 'used', [4], { scans: 5, sizeBytes: 50 * MB }),
    ];
    expect(run(check, postgresFacts({ indexes: observed('pg_index', indexes) }))[0]!.status).toBe('pass');
  });
  it('does not judge while statistics are younger than the policy window', () => {
    const facts = postgresFacts({
      indexes: observed('pg_index', [index(1, 9, 'stale_idx', [2], { scans: 0, sizeBytes: 50 * MB })]),
      statsSince: observed('pg_stat_database', { since: '2026-11-20T12:00:00Z', basis: 'stats_reset' as const }),
    });
    expect(run(check, facts, { now: NOW })[0]!.status).toBe('skipped');
  });
  it('is unknown when the server collects no statistics (every idx_scan would read 0)', () => {
    const facts = postgresFacts({ indexes: observed('pg_index', [index(1, 9, 'stale_idx', [2], { scans: 0, sizeBytes: 50 * MB })]) });
    if (facts.settings.ok) facts.settings.value.track_counts = { name: 'track_counts', setting: 'off', unit: null, source: 'configuration file' };
    expect(run(check, facts, { now: NOW })[0]!.status).toBe('unknown');
  });
});
