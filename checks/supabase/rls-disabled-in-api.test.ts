import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './rls-disabled-in-api';
import { observed, unavailable, type Observed } from '../../src/engine/types';
import type { ApiRoleTableAccess } from '../../src/datastores/postgres/facts';
import { PostgresDatastoreSchema } from '../../src/datastores/postgres';
import { column, postgresFacts, table } from '../../test/support/postgres-facts';
import { NOW, policy, service, supabaseDatastore } from '../../test/supabase/facts';

const TABLES = [table(1, 'customers'), table(2, 'menu'), table(3, 'ledger', { schema: 'private' }), table(4, 'orders')];
const COLUMNS = [column(1, 1, 'email'), column(1, 2, 'full_name'), column(2, 1, 'item'), column(3, 1, 'iban'), column(4, 1, 'total', 'integer')];

/** Supabase's default Data API schemas, as GET /postgrest's db_schema gives them. */
const DEFAULT_SCHEMAS = observed('GET /v1/projects/abcdefghijklmnopqrst/postgrest', ['public', 'graphql_public']);

function run(access: ApiRoleTableAccess[] | undefined, dataApiSchemas: Observed<string[]> = DEFAULT_SCHEMAS) {
  return runCheck(check, {
    service,
    datastore: supabaseDatastore(),
    facts: postgresFacts({
      tables: observed('pg_class', TABLES),
      columns: observed('pg_attribute', COLUMNS),
      dataApiSchemas,
      ...(access ? { apiRoleAccess: observed('pg_class.relrowsecurity, has_any_column_privilege', access) } : {}),
    }),
    policy: policy(),
    now: NOW,
  });
}

describe('supabase.rls-disabled-in-api', () => {
  it('is unknown, not pass, when an exposed schema is one the scan leaves out (Supabase-managed)', () => {
    const [finding] = run([{ tableOid: 4, rowSecurity: true, readableBy: ['anon'] }], observed('config', ['public', 'storage']));
    expect(finding?.status).toBe('unknown');
    expect(finding?.message).toContain('storage');
  });

  it('is unknown, not pass, when the exposed schemas could not be read, naming the permission', () => {
    const [finding] = run(
      [{ tableOid: 4, rowSecurity: true, readableBy: ['anon'] }],
      unavailable('GET /v1/projects/abcdefghijklmnopqrst/postgrest', 'the access token may not read this (HTTP 403 Forbidden)', 'give the access token the data_api_config_read permission'),
    );
    expect(finding?.status).toBe('unknown');
    expect(finding?.message).toContain('data_api_config_read');
    expect(finding?.message).toContain('or set exposedSchemas in config');
  });

  it('fails each exposed table without RLS, critical where it holds sensitive columns', () => {
    const findings = run([
      { tableOid: 1, rowSecurity: false, readableBy: ['anon', 'authenticated'] },
      { tableOid: 2, rowSecurity: false, readableBy: ['authenticated'] },
      { tableOid: 3, rowSecurity: false, readableBy: ['anon'] }, // not in an exposed schema
      { tableOid: 4, rowSecurity: true, readableBy: ['anon'] },
    ]);
    expect(findings.map((f) => [f.resource, f.status, f.severity])).toEqual([
      ['app-db:public.customers', 'fail', 'critical'],
      ['app-db:public.menu', 'fail', check.severity],
    ]);
    expect(findings[0]?.message).toContain('anyone with the anon key');
    expect(findings[0]?.message).toContain('2 sensitive column(s) (email, person name)');
    expect(findings[0]?.answer).toBe('yes');
    expect(findings[1]?.message).toContain('any signed-in user');
    expect(findings[1]?.remediation.split('\n')[0]).toBe('ALTER TABLE public.menu ENABLE ROW LEVEL SECURITY;');
  });

  it('reads bare column names with their table, and hashed secrets as sensitive', () => {
    const findings = check.evaluate({
      service,
      datastore: supabaseDatastore(),
      facts: postgresFacts({
        tables: observed('pg_class', [table(5, 'profiles'), table(6, 'products')]),
        columns: observed('pg_attribute', [column(5, 1, 'name'), column(5, 2, 'password_hash'), column(6, 1, 'name'), column(6, 2, 'photo')]),
        dataApiSchemas: DEFAULT_SCHEMAS,
        apiRoleAccess: observed('pg_class.relrowsecurity, has_any_column_privilege', [
          { tableOid: 5, rowSecurity: false, readableBy: ['anon'] },
          { tableOid: 6, rowSecurity: false, readableBy: ['anon'] },
        ]),
      }),
      policy: policy(),
      now: NOW,
    });
    expect(findings.map((f) => [f.resource, f.severity])).toEqual([
      ['app-db:public.profiles', 'critical'],
      ['app-db:public.products', undefined],
    ]);
    expect(findings[0]?.message).toContain('2 sensitive column(s) (person name, hashed secret)');
  });

  it('passes when every exposed table readable by the API roles has RLS', () => {
    const [finding] = run([
      { tableOid: 1, rowSecurity: true, readableBy: ['anon'] },
      { tableOid: 2, rowSecurity: false, readableBy: [] },
    ]);
    expect(finding?.status).toBe('pass');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'with row level security', value: 1 }));
  });

  it('follows the configured exposed schemas', () => {
    const findings = run([{ tableOid: 3, rowSecurity: false, readableBy: ['anon'] }], observed('config datastores[].exposedSchemas', ['public', 'private']));
    expect(findings[0]?.resource).toBe('app-db:private.ledger');
    expect(findings[0]?.severity).toBe('critical');
  });

  it('is unknown when the API roles are missing from the database', () => {
    const [finding] = run(undefined);
    expect(finding?.status).toBe('unknown');
    expect(finding?.message).toContain('anon and authenticated were not found');
  });

  it('is unknown when the access query failed', () => {
    const [finding] = runCheck(check, {
      service,
      datastore: supabaseDatastore(),
      facts: postgresFacts({ apiRoleAccess: unavailable('pg_class.relrowsecurity', 'permission denied') }),
      policy: policy(),
      now: NOW,
    });
    expect(finding?.status).toBe('unknown');
  });

  it('does not apply to plain PostgreSQL datastores', () => {
    const datastore = PostgresDatastoreSchema.parse({ name: 'db', type: 'postgres', url: 'postgres://x@h/db' });
    const findings = runCheck(check, {
      service,
      datastore,
      facts: postgresFacts({ apiRoleAccess: observed('x', [{ tableOid: 1, rowSecurity: false, readableBy: ['anon'] }]) }),
      policy: policy(),
      now: NOW,
    });
    expect(findings).toEqual([]);
  });
});
