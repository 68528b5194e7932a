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

  it('fails once per key, each with its own resource and a CREATE INDEX remediation', () => {
    const facts = postgresFacts({ ...base, indexes: observed('pg_index', [index(10, 1, 'by_wh', [3])]) });
    const findings = run(check, facts);
    expect(findings.map((f) => [f.status, f.resource])).toEqual([
      ['fail', 'db:public.inventory#inventory_menu_fk'],
      ['fail', 'db:public.inventory#inventory_wh_menu_fk'],
    ]);
    expect(findings[1]!.remediation).toBe('CREATE INDEX CONCURRENTLY ON public.inventory (warehouse_id, menu_id);');
  });

  it('quotes identifiers in the remediation as quote_ident() does', () => {
    const facts = postgresFacts({
      tables: observed('pg_class', [table(1, 'OrderItems')]),
      columns: observed('pg_attribute', [column(1, 1, 'CustomerId'), column(1, 2, 'select')]),
      foreignKeys: observed('pg_constraint', [foreignKey(1, 'OrderItems_CustomerId_fkey', [1, 2])]),
    });
    const [f] = run(check, facts);
    expect(f!.resource).toBe('db:public."OrderItems"#"OrderItems_CustomerId_fkey"');
    expect(f!.remediation).toBe('CREATE INDEX CONCURRENTLY ON public."OrderItems" ("CustomerId", "select");');
  });

  it('counts a partial index whose predicate the lookup implies (col IS NOT NULL), and no other', () => {
    const fk = observed('pg_constraint', [foreignKey(1, 'fk', [2, 3])]);
    const withPredicate = (predicate: string) =>
      run(check, postgresFacts({ ...base, foreignKeys: fk, indexes: observed('pg_index', [index(10, 1, 'partial', [2, 3], { predicate })]) }))[0]!.status;
    expect(withPredicate('(menu_id IS NOT NULL)')).toBe('pass');
    expect(withPredicate('((menu_id IS NOT NULL) AND (warehouse_id IS NOT NULL))')).toBe('pass');
    expect(withPredicate('((menu_id IS NOT NULL) OR (warehouse_id IS NOT NULL))')).toBe('fail');
    expect(withPredicate('(id IS NOT NULL)')).toBe('fail');
    expect(withPredicate('((menu_id IS NOT NULL) AND (id > 0))')).toBe('fail');
  });

  it('on a partitioned table: supported by the parent\'s index or one on every partition; else the ON ONLY recipe', () => {
    const tables = [
      table(1, 'orders', { kind: 'partitioned table' }),
      table(2, 'orders_2025', { partitionOf: 1 }),
      table(3, 'orders_2026', { partitionOf: 1 }),
    ];
    const columns = [1, 2, 3].flatMap((t) => [column(t, 1, 'id'), column(t, 2, 'customer_id')]);
    const facts = (indexes: ReturnType<typeof index>[]) =>
      postgresFacts({
        tables: observed('pg_class', tables),
        columns: observed('pg_attribute', columns),
        foreignKeys: observed('pg_constraint', [foreignKey(1, 'orders_customer_id_fkey', [2])]),
        indexes: observed('pg_index', indexes),
      });
    expect(run(check, facts([index(10, 1, 'orders_customer_idx', [2], { partitioned: true })]))[0]!.status).toBe('pass');
    const perPartition = run(check, facts([index(11, 2, 'a', [2]), index(12, 3, 'b', [2])]))[0]!;
    expect(perPartition.status).toBe('pass');
    expect(perPartition.evidence).toContainEqual({ source: 'pg_index', field: 'supported by an index on every partition, none on the parent', value: 'public.orders orders_customer_id_fkey' });
    const [none] = run(check, facts([]));
    expect(none).toMatchObject({ status: 'fail', resource: 'db:public.orders#orders_customer_id_fkey' });
    expect(none!.remediation.split('\n')).toEqual([
      'CREATE INDEX orders_customer_id_idx ON ONLY public.orders (customer_id);',
      'CREATE INDEX CONCURRENTLY orders_2025_customer_id_idx ON public.orders_2025 (customer_id);',
      'ALTER INDEX public.orders_customer_id_idx ATTACH PARTITION public.orders_2025_customer_id_idx;',
      'CREATE INDEX CONCURRENTLY orders_2026_customer_id_idx ON public.orders_2026 (customer_id);',
      'ALTER INDEX public.orders_customer_id_idx ATTACH PARTITION public.orders_2026_customer_id_idx;',
    ]);
    const [some] = run(check, facts([index(11, 2, 'a', [2])]));
    expect(some!.message).toMatch(/1 of its 2 partitions have none/);
    expect(some!.remediation).toBe('CREATE INDEX CONCURRENTLY ON public.orders_2026 (customer_id);');
  });

  it('does not count other partial, invalid or expression indexes, or a key that is not leading', () => {
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
