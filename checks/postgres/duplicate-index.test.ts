import { describe, expect, it } from 'vitest';
import check from './duplicate-index';
import { index, observed, postgresFacts, run } from '../../test/support/postgres-facts';

const findingsFor = (indexes: ReturnType<typeof index>[]) => run(check, postgresFacts({ indexes: observed('pg_index', indexes) }));

describe('postgres.duplicate-index', () => {
  it('reports a non-unique index whose columns prefix another', () => {
    const findings = findingsFor([index(1, 9, 'a_idx', [2]), index(2, 9, 'a_b_idx', [2, 3])]);
    expect(findings.map((f) => f.message)).toEqual(['index public.a_idx is redundant with public.a_b_idx']);
  });
  it('reports only one of two identical indexes', () => {
    expect(findingsFor([index(1, 9, 'first', [2]), index(2, 9, 'second', [2])]).map((f) => f.resource)).toEqual(['db:public.second']);
  });
  it('keeps a unique prefix index and a constraint-backing index', () => {
    expect(findingsFor([index(1, 9, 'uniq', [2], { isUnique: true }), index(2, 9, 'wide', [2, 3])])[0]!.status).toBe('pass');
    const identical = findingsFor([index(1, 9, 'pkey', [1], { isUnique: true, isPrimary: true, backsConstraint: true }), index(2, 9, 'copy', [1], { isUnique: true })]);
    expect(identical.map((f) => f.resource)).toEqual(['db:public.copy']);
  });
  it('does not compare across tables, methods, predicates or expressions', () => {
    expect(findingsFor([index(1, 9, 'a', [2]), index(2, 8, 'b', [2, 3])])[0]!.status).toBe('pass');
    expect(findingsFor([index(1, 9, 'a', [2]), index(2, 9, 'b', [2, 3], { method: 'gin' })])[0]!.status).toBe('pass');
    expect(findingsFor([index(1, 9, 'a', [2], { predicate: '(x > 1)' }), index(2, 9, 'b', [2, 3])])[0]!.status).toBe('pass');
    expect(findingsFor([index(1, 9, 'a', [0], { expressions: 'lower(a)' }), index(2, 9, 'b', [0], { expressions: 'upper(a)' })])[0]!.status).toBe('pass');
  });
});
