import { describe, expect, it } from 'vitest';
import check from './sensitive-columns';
import { column, observed, postgresFacts, run, table } from '../../test/support/postgres-facts';
import { CLASS_INFO } from '../../src/sensitivity';

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
  it('gives hashed secrets their own remediation, and raises the severity only for secrets in clear', () => {
    const [hashed] = run(check, facts([column(1, 1, 'password_hash'), column(1, 2, 'email')]));
    expect(hashed).toMatchObject({ status: 'warn', answer: 'yes' });
    expect(hashed!.severity).toBe(check.severity);
    expect(hashed!.evidence).toContainEqual({ source: 'pg_attribute', field: 'public.customers.password_hash', value: 'hashed secret' });
    expect(hashed!.remediation).toContain(CLASS_INFO['hashed secret'].remediation);
    expect(hashed!.remediation).not.toContain(CLASS_INFO.secret.remediation);
    const [clear] = run(check, facts([column(1, 1, 'api_key', 'uuid')]));
    expect(clear).toMatchObject({ severity: 'high' });
    expect(clear!.remediation).toContain(CLASS_INFO.secret.remediation);
  });
  it("reads a bare name with its table: a customer's name, not a product's", () => {
    const [f] = run(
      check,
      postgresFacts({
        tables: observed('pg_class', [table(1, 'customers'), table(2, 'products')]),
        columns: observed('pg_attribute', [column(1, 1, 'name'), column(2, 1, 'name'), column(2, 2, 'mail_server'), column(2, 3, 'token_count', 'integer')]),
      }),
    );
    expect(f!.message).toBe('1 sensitive columns (person name); the datastore declares no sensitivity');
    expect(f!.evidence).toContainEqual({ source: 'pg_attribute', field: 'public.customers.name', value: 'person name' });
  });
  it('names pg_description as the source of a class read from a comment', () => {
    const [f] = run(check, facts([column(1, 1, 'contact', 'text', 'customer e-mail')]));
    expect(f!.evidence).toContainEqual({ source: 'pg_description', field: 'public.customers.contact', value: 'email' });
  });
});
