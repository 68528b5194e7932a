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
  it('judges a partitioned table once with its partitions, and says how many partitions a pass covers', () => {
    const tables = [
      table(1, 'events', { hasPrimaryKey: false, kind: 'partitioned table' }),
      table(2, 'events_1', { hasPrimaryKey: false, partitionOf: 1 }),
      table(3, 'events_2', { hasPrimaryKey: true, partitionOf: 1 }),
    ];
    expect(run(check, postgresFacts({ tables: observed('pg_class', tables) })).map((f) => [f.resource, f.message])).toEqual([
      ['db:public.events', 'partitioned table public.events has no primary key (2 partitions, 1 with a key of their own)'],
    ]);
    const keyed = tables.map((t) => ({ ...t, hasPrimaryKey: true }));
    expect(run(check, postgresFacts({ tables: observed('pg_class', keyed) }))[0]!.message).toBe('all 1 tables have a primary key (and their 2 partitions through them)');
  });
  it('is unknown when tables could not be read', () => {
    expect(run(check, postgresFacts({ tables: unavailable('pg_class', 'timeout') }))[0]!.status).toBe('unknown');
  });
});
