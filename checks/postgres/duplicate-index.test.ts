import { describe, expect, it } from 'vitest';
import check from './duplicate-index';
import { index, observed, postgresFacts, run, table } from '../../test/support/postgres-facts';

const findingsFor = (indexes: ReturnType<typeof index>[]) =>
  run(check, postgresFacts({ tables: observed('pg_class', [table(8, 't8'), table(9, 't9')]), indexes: observed('pg_index', indexes) }));

describe('postgres.duplicate-index', () => {
  it('reports a non-unique index whose columns prefix another', () => {
    const findings = findingsFor([index(1, 9, 'a_idx', [2]), index(2, 9, 'a_b_idx', [2, 3])]);
    expect(findings.map((f) => [f.resource, f.message])).toEqual([['db:public.t9#a_idx', 'index public.a_idx is redundant with public.a_b_idx']]);
  });
  it('reports only one of two identical indexes', () => {
    expect(findingsFor([index(1, 9, 'first', [2]), index(2, 9, 'second', [2])]).map((f) => f.resource)).toEqual(['db:public.t9#second']);
  });
  it('keeps a unique prefix index and a constraint-backing index', () => {
    expect(findingsFor([index(1, 9, 'uniq', [2], { isUnique: true }), index(2, 9, 'wide', [2, 3])])[0]!.status).toBe('pass');
    const identical = findingsFor([index(1, 9, 'pkey', [1], { isUnique: true, isPrimary: true, backsConstraint: true }), index(2, 9, 'copy', [1], { isUnique: true })]);
    expect(identical.map((f) => f.resource)).toEqual(['db:public.t9#copy']);
  });
  it('does not compare across tables, methods, predicates or expressions', () => {
    expect(findingsFor([index(1, 9, 'a', [2]), index(2, 8, 'b', [2, 3])])[0]!.status).toBe('pass');
    expect(findingsFor([index(1, 9, 'a', [2]), index(2, 9, 'b', [2, 3], { method: 'gin' })])[0]!.status).toBe('pass');
    expect(findingsFor([index(1, 9, 'a', [2], { predicate: '(x > 1)' }), index(2, 9, 'b', [2, 3])])[0]!.status).toBe('pass');
    expect(findingsFor([index(1, 9, 'a', [0], { expressions: 'lower(a)' }), index(2, 9, 'b', [0], { expressions: 'upper(a)' })])[0]!.status).toBe('pass');
  });

  it('compares collation, operator class and sort order of the shared columns', () => {
    expect(findingsFor([index(1, 9, 'title_c', [2], { collations: [950] }), index(2, 9, 'title', [2], { collations: [100] })])[0]!.status).toBe('pass');
    expect(findingsFor([index(1, 9, 'a_b_desc', [2, 3], { sortOptions: [0, 3] }), index(2, 9, 'a_b', [2, 3])])[0]!.status).toBe('pass');
    expect(findingsFor([index(1, 9, 'pattern', [2], { operatorClasses: [10043] }), index(2, 9, 'plain', [2, 3])])[0]!.status).toBe('pass');
    // Only the shared leading columns count: the wider index may differ after them.
    expect(findingsFor([index(1, 9, 'a', [2]), index(2, 9, 'a_b_desc', [2, 3], { sortOptions: [0, 3] })]).map((f) => f.resource)).toEqual(['db:public.t9#a']);
  });
  it('never drops a unique index for a non-unique one, and keeps INCLUDE columns covered', () => {
    expect(findingsFor([index(1, 9, 'uniq', [2], { isUnique: true }), index(2, 9, 'same', [2])]).map((f) => f.resource)).toEqual(['db:public.t9#same']);
    expect(findingsFor([index(1, 9, 'covering', [2], { includeColumns: [3] }), index(2, 9, 'plain', [2])]).map((f) => f.resource)).toEqual(['db:public.t9#plain']);
  });
  it('judges a partitioned index once, on the parent, and drops it without CONCURRENTLY', () => {
    const facts = postgresFacts({
      tables: observed('pg_class', [table(9, 'events', { kind: 'partitioned table' }), table(10, 'events_1', { partitionOf: 9 })]),
      indexes: observed('pg_index', [
        index(1, 9, 'events_a', [2], { partitioned: true }),
        index(2, 9, 'events_a_b', [2, 3], { partitioned: true }),
        index(3, 10, 'events_1_a', [2], { attachedTo: 1 }),
        index(4, 10, 'events_1_a_b', [2, 3], { attachedTo: 2 }),
        index(5, 10, 'events_1_own', [2]),
      ]),
    });
    const findings = run(check, facts);
    expect(findings.map((f) => [f.resource, f.remediation.split('\n')[0]])).toEqual([
      ['db:public.events#events_a', 'DROP INDEX public.events_a;'],
      ['db:public.events_1#events_1_own', 'DROP INDEX CONCURRENTLY public.events_1_own;'],
    ]);
  });
});
