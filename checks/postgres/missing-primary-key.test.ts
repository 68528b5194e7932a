import { describe, expect, it } from 'vitest';
import check from './missing-primary-key';
import { observed, postgresFacts, run, table, unavailable } from '../../test/support/postgres-facts';

describe('postgres.missing-primary-key', () => {
  it('passes when every table has a primary key', () => {
    expect(run(check, postgresFacts({ tables: observed('pg_class', [table(1, 'a'), table(2, 'b')]) }))[0]).toMatchObject({ status: 'pass', message: 'all 2 tables have a primary key' });
  });
  it('fails for ordinary and partitioned tables without one', () => {
    const tables = [table(1, 'a', { hasPrimaryKey: false }), table(2, 'events', { hasPrimaryKey: false, kind: 'partitioned table' })];
    expect(run(check, postgresFacts({ tables: observed('pg_class', tables) })).map((f) => f.message)).toEqual([
      'table public.a has no primary key',
      'partitioned table public.events has no primary key',
    ]);
  });
  it('is unknown when tables could not be read', () => {
    expect(run(check, postgresFacts({ tables: unavailable('pg_class', 'timeout') }))[0]!.status).toBe('unknown');
  });
});
