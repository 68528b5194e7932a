// The RLS exposure check against a real PostgreSQL laid out like a Supabase
// project database: the API roles, an auth schema, public tables with and
// without row level security, and grants as Supabase's defaults make them.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machinePostgresReachable, startPlaintextServer, withAdmin, type EmbeddedServer } from '../support/postgres';
import { collectPostgres } from '../../src/datastores/postgres/collector';
import { postgresCollector } from '../../src/datastores/postgres';
import { postgresTargetOf } from '../../src/datastores';
import { parsePostgresUrl } from '../../src/datastores/postgres/connection';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import { API_ROLES, SUPABASE_MANAGED_SCHEMAS } from '../../src/datastores/supabase-project/schemas';
import { resolvePolicy } from '../../src/config/policy';
import { ConfigSchema } from '../../src/config/schema';
import { createScanCache } from '../../src/engine/scan';
import { silentLogger } from '../../src/log';
import check from '../../checks/supabase/rls-disabled-in-api';
import { NOW, REF, service, supabaseDatastore as datastoreWith } from './facts';
import { SUPABASE_LIKE_SCHEMA } from './database';
import { fixtureProject, startSupabaseFixture, type SupabaseFixture } from '../support/supabase-fixture-server';

const TOKEN_ENV = 'CONTINUITY_TEST_RLS_SUPABASE_TOKEN';
const TOKEN = 'sbp_rls0123456789abcdef0123456789abcdef0';
/** The project's database, and its Management API (the exposed schemas come from its PostgREST config unless config sets them). */
const supabaseDatastore = (extra: Record<string, unknown> = {}) =>
  datastoreWith({ url, apiUrl: fixture.url, accessTokenEnv: TOKEN_ENV, ...extra });


const LIMITS = { statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 10_000 };

let server: EmbeddedServer;
let url: string;
let fixture: SupabaseFixture;

beforeAll(async () => {
  process.env[TOKEN_ENV] = TOKEN;
  const now = new Date();
  fixture = await startSupabaseFixture({
    token: TOKEN,
    projects: { [REF]: fixtureProject({ ref: REF, pitrDays: 28, latestBackupAt: now, now, dbSchema: 'public, graphql_public' }) },
  });
  server = await startPlaintextServer();
  await withAdmin(server, 'postgres', (admin) => admin.query('create database app'));
  await withAdmin(server, 'app', (app) => app.query(SUPABASE_LIKE_SCHEMA));
  url = server.adminUrl('app');
});

afterAll(async () => {
  delete process.env[TOKEN_ENV];
  await Promise.all([server?.stop(), fixture?.close()]);
});


async function collectViaCollector(datastore = supabaseDatastore()): Promise<PostgresFacts> {
  const config = ConfigSchema.parse({ services: [{ name: 'agentops', datastores: [datastore] }] });
  return postgresCollector.collect({
    config,
    service: config.services[0]!,
    datastore,
    policy: resolvePolicy(config, 'production'),
    signal: new AbortController().signal,
    log: silentLogger,
    shared: createScanCache(),
    postgres: postgresTargetOf(datastore)!,
  });
}

const names = (facts: PostgresFacts) => (facts.tables.ok ? facts.tables.value.map((t) => `${t.schema}.${t.name}`).sort() : []);

describe('supabase-project database through the PostgreSQL collector', () => {
  it('scans the project database with the Supabase-managed schemas left out', async () => {
    const facts = await collectViaCollector();
    expect(names(facts)).toEqual(['private.ledger', 'public.audit_log', 'public.customers', 'public.menu', 'public.notes']);
  });

  it('reads row level security and API role access in one query', async () => {
    const facts = await collectViaCollector();
    expect(facts.apiRoleAccess?.ok).toBe(true);
    const byName = new Map(
      (facts.apiRoleAccess?.ok ? facts.apiRoleAccess.value : []).map((a) => {
        const table = facts.tables.ok ? facts.tables.value.find((t) => t.oid === a.tableOid) : undefined;
        return [`${table?.schema}.${table?.name}`, a];
      }),
    );
    expect(byName.get('public.customers')).toMatchObject({ rowSecurity: false, readableBy: ['anon', 'authenticated'] });
    expect(byName.get('public.menu')).toMatchObject({ rowSecurity: true });
    expect(byName.get('public.audit_log')).toMatchObject({ rowSecurity: false, readableBy: [] });
    expect(byName.get('public.notes')).toMatchObject({ rowSecurity: false, readableBy: ['authenticated'] });
  });

  it('reports exposed tables without RLS, critical where they hold personal data', async () => {
    const facts = await collectViaCollector();
    const findings = check.evaluate({ service, datastore: supabaseDatastore(), facts, policy: resolvePolicy({ policy: {} }, 'production'), now: NOW });
    expect(findings.map((f) => [f.resource, f.status, f.severity ?? 'high'])).toEqual([
      ['app-db:public.customers', 'fail', 'critical'],
      ['app-db:public.notes', 'fail', 'high'],
    ]);
    // auth.users holds e-mails and passwords but is Supabase's own and not exposed.
    expect(findings.some((f) => f.resource.includes('auth.users'))).toBe(false);
  });

  it("takes the exposed schemas from the project's Data API config (GET /postgrest db_schema) when config does not set them", async () => {
    const start = fixture.requests.length;
    const facts = await collectViaCollector();
    expect(facts.dataApiSchemas).toEqual({ ok: true, source: `GET /v1/projects/${REF}/postgrest`, value: ['public', 'graphql_public'] });
    expect(fixture.requests.slice(start).map((r) => r.path)).toEqual([`/v1/projects/${REF}/postgrest`]);
  });

  it('takes the exposed schemas from config', async () => {
    const datastore = supabaseDatastore({ exposedSchemas: ['public', 'private'] });
    const facts = await collectViaCollector(datastore);
    const findings = check.evaluate({ service, datastore, facts, policy: resolvePolicy({ policy: {} }, 'production'), now: NOW });
    expect(findings.map((f) => f.resource)).toContain('app-db:private.ledger');
  });

  it('sends the same number of queries however many tables there are', async () => {
    const endpoint = parsePostgresUrl(url);
    const before = await collectPostgres(endpoint, { excludeSchemas: SUPABASE_MANAGED_SCHEMAS, dataApiRoles: API_ROLES }, LIMITS);
    await withAdmin(server, 'app', (app) =>
      app.query(`create schema bulk; ${Array.from({ length: 60 }, (_, i) => `create table bulk.t${i} (id int primary key, email text);`).join('')}`),
    );
    const after = await collectPostgres(endpoint, { excludeSchemas: SUPABASE_MANAGED_SCHEMAS, dataApiRoles: API_ROLES }, LIMITS);
    expect(after.apiRoleAccess?.ok && after.apiRoleAccess.value.length).toBe(65);
    expect(after.queriesSent).toBe(before.queriesSent);
  });

  it('is not asked about API role access when scanned as a plain postgres datastore', async () => {
    const facts = await collectPostgres(parsePostgresUrl(url), { excludeSchemas: [] }, LIMITS);
    expect(facts.roles.ok && facts.roles.value.some((r) => r.name === 'anon')).toBe(true);
    expect(facts.apiRoleAccess).toBeUndefined();
  });
});

describe('a database without the Data API roles', () => {
  it('is not asked about API role access (PostgreSQL 15 on 127.0.0.1:5432)', async (ctx) => {
    const unreachable = await machinePostgresReachable();
    if (unreachable) {
      console.log(`skipped: ${unreachable}`);
      return ctx.skip();
    }
    const local = 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable';
    const probe = new pg.Client({ connectionString: local });
    await probe.connect();
    const { rows } = await probe.query("select count(*)::int as n from pg_roles where rolname in ('anon', 'authenticated')");
    await probe.end();
    if (rows[0].n > 0) {
      console.log('skipped: the PostgreSQL on 127.0.0.1:5432 has anon/authenticated roles');
      return ctx.skip();
    }
    const facts = await collectPostgres(parsePostgresUrl(local), { excludeSchemas: [], dataApiRoles: API_ROLES }, LIMITS);
    expect(facts.roles.ok).toBe(true);
    expect(facts.apiRoleAccess).toBeUndefined();
  });
});
