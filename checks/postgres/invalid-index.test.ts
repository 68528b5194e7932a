import { describe, expect, it } from 'vitest';
import check from './invalid-index';
import { index, observed, postgresFacts, run, unavailable } from '../../test/support/postgres-facts';

describe('postgres.invalid-index', () => {
  it('passes when all indexes are valid', () => {
    expect(run(check, postgresFacts({ indexes: observed('pg_index', [index(1, 9, 'a', [1])]) }))[0]!.status).toBe('pass');
  });
  it('fails for an invalid index with a REINDEX remediation', () => {
    const [f] = run(check, postgresFacts({ indexes: observed('pg_index', [index(1, 9, 'broken_idx', [1], { isValid: false })]) }));
    expect(f).toMatchObject({ status: 'fail', resource: 'db:public.broken_idx', remediation: 'REINDEX INDEX CONCURRENTLY public.broken_idx;' });
  });
  it('is unknown when indexes could not be read', () => {
    expect(run(check, postgresFacts({ indexes: unavailable('pg_index', 'timeout') }))[0]!.status).toBe('unknown');
  });
});
