import { describe, expect, it } from 'vitest';
import check from './unused-index';
import { NOW, index, observed, postgresFacts, run, table } from '../../test/support/postgres-facts';

const MB = 1024 * 1024;

describe('postgres.unused-index', () => {
  it('warns for a large never-scanned index once statistics are old enough', () => {
    const facts = postgresFacts({ tables: observed('pg_class', [table(9, 't9')]), indexes: observed('pg_index', [index(1, 9, 'stale_idx', [2], { scans: 0, sizeBytes: 50 * MB })]) });
    const [f] = run(check, facts, { now: NOW });
    expect(f).toMatchObject({ status: 'warn', resource: 'db:public.t9#stale_idx', remediation: 'DROP INDEX CONCURRENTLY public.stale_idx;' });
  });
  it('judges an index on a partitioned table by its partitions\' indexes, once', () => {
    const tables = [table(9, 'events', { kind: 'partitioned table' }), table(10, 'events_1', { partitionOf: 9 }), table(11, 'events_2', { partitionOf: 9 })];
    const indexes = [
      index(1, 9, 'events_kind_idx', [2], { partitioned: true, scans: null, sizeBytes: 0 }),
      index(2, 10, 'events_1_kind_idx', [2], { attachedTo: 1, scans: 0, sizeBytes: 30 * MB }),
      index(3, 11, 'events_2_kind_idx', [2], { attachedTo: 1, scans: 0, sizeBytes: 30 * MB }),
    ];
    const findings = run(check, postgresFacts({ tables: observed('pg_class', tables), indexes: observed('pg_index', indexes) }), { now: NOW });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'warn', resource: 'db:public.events#events_kind_idx', message: expect.stringContaining('over 2 partitions') });
    expect(findings[0]!.remediation).toMatch(/^DROP INDEX public\.events_kind_idx;\n-- public\.events is partitioned/);
    indexes[2]!.scans = 3;
    expect(run(check, postgresFacts({ tables: observed('pg_class', tables), indexes: observed('pg_index', indexes) }), { now: NOW })[0]!.status).toBe('pass');
  });
  it('leaves out unique, primary, constraint and small indexes', () => {
    const indexes = [
      index(1, 9, 'u', [2], { scans: 0, sizeBytes: 50 * MB, isUnique: true }),
      index(2, 9, 'small', [3], { scans: 0, sizeBytes: 8192 }),
      index(3, 9, 'used', [4], { scans: 5, sizeBytes: 50 * MB }),
    ];
    expect(run(check, postgresFacts({ indexes: observed('pg_index', indexes) }))[0]!.status).toBe('pass');
  });
  it('says unknown, never pass, while statistics are younger than the policy window (after a reset)', () => {
    const facts = postgresFacts({
      indexes: observed('pg_index', [index(1, 9, 'stale_idx', [2], { scans: 0, sizeBytes: 50 * MB })]),
      statsSince: observed('pg_stat_database', { since: '2026-11-21T11:48:00.000Z', basis: 'stats_reset' as const, source: 'pg_stat_database.stats_reset' }),
    });
    expect(run(check, facts, { now: NOW })[0]).toMatchObject({
      status: 'unknown',
      message: 'statistics reset 12 minutes ago (at 2026-11-21T11:48:00.000Z); at least 7 days of statistics are needed to judge',
    });
  });
  it('is unknown when the server collects no statistics (every idx_scan would read 0)', () => {
    const facts = postgresFacts({ indexes: observed('pg_index', [index(1, 9, 'stale_idx', [2], { scans: 0, sizeBytes: 50 * MB })]) });
    if (facts.settings.ok) facts.settings.value.track_counts = { name: 'track_counts', setting: 'off', unit: null, source: 'configuration file' };
    expect(run(check, facts, { now: NOW })[0]!.status).toBe('unknown');
  });
});
