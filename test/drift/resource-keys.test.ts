// Drift across the change to one finding per object, and across a statistics reset.
import { describe, expect, it } from 'vitest';
import { diffScans } from '../../src/drift/diff';
import { legacyResource } from '../../src/drift/legacy-keys';
import { finding, scanOf } from '../support/scan-fixtures';

const fk = (resource: string, status: 'fail' | 'pass' = 'fail') => finding({ checkId: 'postgres.unindexed-foreign-key', status, resource, severity: 'medium' });
const types = (before: ReturnType<typeof finding>[], after: ReturnType<typeof finding>[]) =>
  diffScans(scanOf(before), scanOf(after)).map((e) => `${e.type} ${e.resource}`);

describe('legacyResource', () => {
  it('gives the key a finding had before one finding per object', () => {
    const at = (checkId: string, resource: string) => legacyResource({ checkId, resource, datastore: 'orders-db' });
    expect(at('postgres.unindexed-foreign-key', 'orders-db:public.orders#orders_customer_id_fkey')).toBe('orders-db:public.orders');
    expect(at('postgres.duplicate-index', 'orders-db:public."Orders"#"Orders_idx"')).toBe('orders-db:public.Orders_idx');
    expect(at('postgres.missing-primary-key', 'orders-db:public."OrderItems"')).toBe('orders-db:public.OrderItems');
    expect(at('postgres.superuser-login-roles', 'orders-db:role "Ops"')).toBe('orders-db:role Ops');
    // Unchanged keys and other checks have none.
    expect(at('postgres.missing-primary-key', 'orders-db:public.orders')).toBeUndefined();
    expect(at('rds.multi-az', 'orders-db:public.orders#x')).toBeUndefined();
  });
});

describe('drift between a scan with the old keys and one with the new', () => {
  it('matches the findings under their old key instead of reporting each as new', () => {
    const old = [fk('orders-db:public.orders'), finding({ checkId: 'postgres.duplicate-index', status: 'warn', resource: 'orders-db:public.orders_email_idx' })];
    const now = [
      fk('orders-db:public.orders#orders_customer_id_fkey'),
      fk('orders-db:public.orders#orders_product_id_fkey'),
      finding({ checkId: 'postgres.duplicate-index', status: 'warn', resource: 'orders-db:public.orders#orders_email_idx' }),
    ];
    expect(types(old, now)).toEqual([]);
  });
  it('still reports what did change: a table whose keys were all fixed, a new table', () => {
    const old = [fk('orders-db:public.orders'), fk('orders-db:public.items')];
    const now = [fk('orders-db:public.lines#lines_item_fkey'), fk('orders-db:public.items#items_order_fkey')];
    expect(types(old, now)).toEqual(['new-failure orders-db:public.lines#lines_item_fkey', 'resolved orders-db:public.orders']);
  });
  it('between two scans of the new keys, a fix and a new problem on one table are two events', () => {
    expect(types([fk('orders-db:public.orders#a_fkey')], [fk('orders-db:public.orders#b_fkey')])).toEqual([
      'new-failure orders-db:public.orders#b_fkey',
      'resolved orders-db:public.orders#a_fkey',
    ]);
  });
});

describe('a statistics reset', () => {
  const since = (value: string) => ({ source: 'pg_stat_database.stats_reset', field: 'statistics since', value });
  const seq = (status: 'warn' | 'pass' | 'unknown', resource: string, at: string) =>
    finding({ checkId: 'postgres.sequential-scan-heavy', status, resource, severity: 'medium', evidence: [since(at)] });

  it('is one event of its own, with no resolution and no lost view', () => {
    const before = [seq('warn', 'orders-db:public.big', '2026-01-01T00:00:00.000Z'), finding({ checkId: 'postgres.unused-index', status: 'pass', evidence: [since('2026-01-01T00:00:00.000Z')] })];
    const after = [seq('unknown', 'orders-db', '2026-03-01T10:00:00.000Z'), finding({ checkId: 'postgres.unused-index', status: 'unknown', evidence: [since('2026-03-01T10:00:00.000Z')] })];
    const events = diffScans(scanOf(before), scanOf(after));
    expect(events.map((e) => `${e.type} ${e.resource}`)).toEqual(['statistics-reset orders-db']);
    expect(events[0]!.message).toContain('postgres.sequential-scan-heavy, postgres.unused-index cannot judge');
  });
  it('is not reported while the window stays where it was', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(types([seq('pass', 'orders-db', at)], [seq('pass', 'orders-db', at)])).toEqual([]);
  });
});
