import { describe, expect, it } from 'vitest';
import check from './unindexed-foreign-key';
import { column, foreignKey, index, observed, postgresFacts, run, table, unavailable } from '../../test/support/postgres-facts';

const base = {
  tables: observed('pg_class', [table(1, 'inventory')]),
  columns: observed('pg_attribute', [column(1, 1, 'id'), column(1, 2, 'menu_id'), column(1, 3, 'warehouse_id')]),
  foreignKeys: observed('pg_constraint', [foreignKey(1, 'inventory_menu_fk', [2]), foreignKey(1, 'inventory_wh_menu_fk', [3, 2])]),
};

describe('postgres.unindexed-foreign-key', () => {
  it('passes when every key leads a valid, non-partial index (column order within the key does not matter)', () => {
    const facts = postgresFacts({ ...base, indexes: observed('pg_index', [index(10, 1, 'by_menu', [2]), index(11, 1, 'by_menu_wh', [2, 3, 1])]) });
    const findings = run(check, facts);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'pass', message: 'all 2 foreign keys have a supporting index' });
  });

  it('fails per key without support, with a CREATE INDEX remediation', () => {
    const facts = postgresFacts({ ...base, indexes: observed('pg_index', [index(10, 1, 'by_wh', [3])]) });
    const findings = run(check, facts);
    expect(findings.map((f) => f.status)).toEqual(['fail', 'fail']);
    expect(findings[1]!.remediation).toBe('CREATE INDEX CONCURRENTLY ON public.inventory (warehouse_id, menu_id);');
  });

  it('does not count partial, invalid or expression indexes, or a key that is not leading', () => {
    const indexes = [
      index(10, 1, 'partial', [2], { predicate: '(menu_id > 0)' }),
      index(11, 1, 'invalid', [2], { isValid: false }),
      index(12, 1, 'expr', [0], { expressions: 'lower(x)' }),
      index(13, 1, 'trailing', [1, 2]),
    ];
    const facts = postgresFacts({ ...base, foreignKeys: observed('pg_constraint', [foreignKey(1, 'fk', [2])]), indexes: observed('pg_index', indexes) });
    expect(run(check, facts)[0]!.status).toBe('fail');
  });

  it('is unknown when the catalog could not be read', () => {
    expect(run(check, postgresFacts({ ...base, indexes: unavailable('pg_index', 'statement timeout') }))[0]!.status).toBe('unknown');
  });
});
