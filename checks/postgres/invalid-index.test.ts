import { describe, expect, it } from 'vitest';
import check from './invalid-index';
import { index, observed, postgresFacts, run, table, unavailable } from '../../test/support/postgres-facts';

describe('postgres.invalid-index', () => {
  it('passes when all indexes are valid', () => {
    expect(run(check, postgresFacts({ indexes: observed('pg_index', [index(1, 9, 'a', [1])]) }))[0]!.status).toBe('pass');
  });
  it('fails for an invalid index with a REINDEX remediation', () => {
    const [f] = run(check, postgresFacts({ tables: observed('pg_class', [table(9, 'Orders')]), indexes: observed('pg_index', [index(1, 9, 'Broken idx', [1], { isValid: false })]) }));
    expect(f).toMatchObject({ status: 'fail', resource: 'db:public."Orders"#"Broken idx"', remediation: 'REINDEX INDEX CONCURRENTLY public."Broken idx";' });
  });
  it('rebuilds what the partitions of an invalid partitioned index lack, from its definition', () => {
    const tables = [table(9, 'events', { kind: 'partitioned table' }), table(10, 'events_1', { partitionOf: 9 }), table(11, 'events_2', { partitionOf: 9 })];
    const indexes = [
      index(1, 9, 'events_kind_idx', [2], { partitioned: true, isValid: false, definition: 'CREATE INDEX events_kind_idx ON ONLY public.events USING btree (kind) WHERE (kind IS NOT NULL)' }),
      index(2, 10, 'events_1_kind_idx', [2], { attachedTo: 1 }),
    ];
    const [f] = run(check, postgresFacts({ tables: observed('pg_class', tables), indexes: observed('pg_index', indexes) }));
    expect(f!.message).toBe('index public.events_kind_idx on partitioned table public.events is invalid: 1 of its 2 partitions have no index attached to it');
    expect(f!.remediation.split('\n')).toEqual([
      'CREATE INDEX CONCURRENTLY events_2_events_kind_idx_idx ON public.events_2 USING btree (kind) WHERE (kind IS NOT NULL);',
      'ALTER INDEX public.events_kind_idx ATTACH PARTITION public.events_2_events_kind_idx_idx;',
    ]);
  });
  it('is unknown when indexes could not be read', () => {
    expect(run(check, postgresFacts({ indexes: unavailable('pg_index', 'timeout') }))[0]!.status).toBe('unknown');
  });
});
