import { describe, expect, it } from 'vitest';
import check from './sensitive-columns';
import { column, observed, postgresFacts, run, table } from '../../test/support/postgres-facts';

const facts = (columns: ReturnType<typeof column>[]) =>
  postgresFacts({ tables: observed('pg_class', [table(1, 'customers')]), columns: observed('pg_attribute', columns) });

describe('postgres.sensitive-columns', () => {
  it('answers "yes" and warns when sensitive columns are present and no sensitivity is declared', () => {
    const [f] = run(check, facts([column(1, 1, 'email'), column(1, 2, 'api_key'), column(1, 3, 'quantity', 'integer')]));
    expect(f).toMatchObject({ status: 'warn', answer: 'yes', severity: 'high' });
    expect(f!.evidence).toContainEqual({ source: 'pg_attribute', field: 'public.customers.api_key', value: 'secret' });
    expect(f!.evidence).not.toContainEqual(expect.objectContaining({ field: 'public.customers.quantity' }));
  });
  it('passes when the declared sensitivity matches', () => {
    expect(run(check, facts([column(1, 1, 'phone_number')]), { datastore: { sensitivity: 'confidential' } })[0]).toMatchObject({ status: 'pass', answer: 'yes' });
  });
  it('answers "no" when nothing looks sensitive, with the count of columns examined', () => {
    const [f] = run(check, facts([column(1, 1, 'price_cents', 'integer'), column(1, 2, 'email_verified', 'boolean')]));
    expect(f).toMatchObject({ status: 'pass', answer: 'no' });
  });
  it('uses comments', () => {
    expect(run(check, facts([column(1, 1, 'contact', 'text', 'customer e-mail')]))[0]!.answer).toBe('yes');
  });
});
