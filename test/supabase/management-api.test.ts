import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSupabase, splitSchemas } from '../../src/datastores/supabase-project/collector';
import { createSupabaseCollector, SupabaseProjectDatastoreSchema } from '../../src/datastores/supabase-project';
import { rateLimitScope, type Sleep } from '../../src/datastores/supabase-project/management-api';
import { discoverSupabase } from '../../src/datastores/supabase-project/discovery';
import { retryAfterMs } from '../../src/util';
import { ConfigSchema, type Config } from '../../src/config/schema';
import { resolvePolicy } from '../../src/config/policy';
import { createScanCache } from '../../src/engine/scan';
import { silentLogger } from '../../src/log';
import { errorMessage } from '../../src/secrets';
import {
  FIXTURE_JWT_SECRET,
  fixtureEntitlements,
  fixtureProject,
  rateLimited,
  startSupabaseFixture,
  type SupabaseFixture,
} from '../support/supabase-fixture-server';

const TOKEN = 'sbp_0123456789abcdef0123456789abcdef01234567';
const NOW = new Date();
const ORG = 'acmeorgslugabcdefghi';
const REF_28 = 'pitrtwentyeightdaysa';
const REF_NINE = 'ninedaywindowproject';
const REF_NO_PITR = 'nopitrprojectaaaaaaa';
const UNKNOWN_REF = 'unknownprojectaaaaaa';

let fixture: SupabaseFixture;

beforeAll(async () => {
  fixture = await startSupabaseFixture({
    token: TOKEN,
    projects: {
      [REF_28]: fixtureProject({
        ref: REF_28,
        pitrDays: 28,
        latestBackupAt: NOW,
        now: NOW,
        dbAllowedCidrs: ['10.0.0.0/8'],
        dbAllowedCidrsV6: [],
        buckets: [{ name: 'invoices' }, { name: 'avatars', public: true }],
      }),
      [REF_NINE]: fixtureProject({ ref: REF_NINE, pitrDays: 28, restorableDays: 9, latestBackupAt: NOW, now: NOW }),
      [REF_NO_PITR]: fixtureProject({ ref: REF_NO_PITR, pitrDays: false, latestBackupAt: NOW, now: NOW, sslEnforced: false }),
    },
    organizations: { [ORG]: fixtureEntitlements(7) },
    listedOnly: [fixtureProject({ ref: 'legacyprojectrefabcd', name: 'legacy', pitrDays: false, latestBackupAt: NOW, now: NOW }).project],
  });
});

afterAll(async () => {
  await fixture.close();
});

function datastore(projectRef: string, extra: Record<string, unknown> = {}) {
  return SupabaseProjectDatastoreSchema.parse({ name: 'app-db', type: 'supabase-project', projectRef, apiUrl: fixture.url, ...extra });
}

/** A controllable clock: sleeping moves it, nothing waits in real time; the waits are recorded. */
function virtualClock(): { sleep: Sleep; now: () => number; waits: number[] } {
  let now = Date.now();
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

function collect(projectRef: string, options: { token?: string; clock?: ReturnType<typeof virtualClock>; deadlineMs?: number; extra?: Record<string, unknown> } = {}) {
  const clock = options.clock ?? virtualClock();
  return collectSupabase(datastore(projectRef, options.extra), options.token ?? TOKEN, {
    signal: new AbortController().signal,
    sleep: clock.sleep,
    now: clock.now,
    deadline: clock.now() + (options.deadlineMs ?? 120_000),
    shared: createScanCache(),
  });
}

const requestsSince = (start: number) => fixture.requests.slice(start);

describe('Supabase Management API collector', () => {
  it('reads a project through GET requests only, with the bearer token, one request per endpoint', async () => {
    const start = fixture.requests.length;
    const facts = await collect(REF_28);
    expect(facts.project).toMatchObject({
      ok: true,
      value: { name: 'agentops', region: 'eu-west-1', status: 'ACTIVE_HEALTHY', postgresVersion: '15.8.1.085', organizationSlug: ORG },
    });
    expect(facts.backups).toMatchObject({ ok: true, source: `GET /v1/projects/${REF_28}/database/backups`, value: { pitrEnabled: true } });
    expect(facts.pitrAddon).toMatchObject({ ok: true, value: { variant: 'pitr_28', retentionDays: 28 } });
    expect(facts.sslEnforcement).toMatchObject({ ok: true, value: { database: true, appliedSuccessfully: true } });
    expect(facts.networkRestrictions).toMatchObject({ ok: true, value: { config: { dbAllowedCidrs: ['10.0.0.0/8'], dbAllowedCidrsV6: [] } } });
    expect(facts.storageBuckets).toMatchObject({
      ok: true,
      value: [
        { name: 'invoices', public: false },
        { name: 'avatars', public: true },
      ],
    });
    expect(facts.exposedSchemas).toEqual({ ok: true, source: `GET /v1/projects/${REF_28}/postgrest`, value: ['public', 'graphql_public'] });
    expect(facts.backupRetention).toEqual({ ok: true, source: `GET /v1/organizations/${ORG}/entitlements`, value: { organizationSlug: ORG, days: 7 } });
    const sent = requestsSince(start);
    expect(sent.map((r) => r.path).sort()).toEqual(
      [
        ...['', '/billing/addons', '/database/backups', '/network-restrictions', '/postgrest', '/ssl-enforcement', '/storage/buckets'].map(
          (p) => `/v1/projects/${REF_28}${p}`,
        ),
        `/v1/organizations/${ORG}/entitlements`,
      ].sort(),
    );
    expect(sent.every((r) => r.method === 'GET' && r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(facts.requestsSent).toBe(8);
  });

  it('drops the PostgREST jwt_secret on arrival: it is in no fact, and the redactor knows it', async () => {
    const facts = await collect(REF_28);
    expect(fixture.answers.some((a) => JSON.stringify(a.body ?? '').includes(FIXTURE_JWT_SECRET))).toBe(true);
    expect(JSON.stringify(facts)).not.toContain(FIXTURE_JWT_SECRET);
    expect(errorMessage(new Error(`leaked ${FIXTURE_JWT_SECRET}`))).toBe('leaked [redacted]');
  });

  it('takes the exposed schemas from config when set, without asking the API', async () => {
    const start = fixture.requests.length;
    const facts = await collect(REF_28, { extra: { exposedSchemas: ['public', 'api'] } });
    expect(facts.exposedSchemas).toEqual({ ok: true, source: 'config datastores[].exposedSchemas', value: ['public', 'api'] });
    expect(requestsSince(start).some((r) => r.path.endsWith('/postgrest'))).toBe(false);
  });

  it('reads the restorable window apart from the add-on: 9 days on a 28-day add-on', async () => {
    const facts = await collect(REF_NINE);
    expect(facts.pitrAddon).toMatchObject({ ok: true, value: { retentionDays: 28 } });
    const window = facts.backups.ok ? facts.backups.value.physicalWindow : undefined;
    const days = (Date.parse(window!.latest!) - Date.parse(window!.earliest!)) / 86_400_000;
    expect(Math.round(days)).toBe(9);
  });

  it('reads a project without PITR (an empty physical_backup_data) and without SSL enforcement', async () => {
    const facts = await collect(REF_NO_PITR);
    expect(facts.backups).toMatchObject({ ok: true, value: { pitrEnabled: false, physicalWindow: { earliest: null, latest: null } } });
    expect(facts.pitrAddon).toMatchObject({ ok: true, value: { variant: null, retentionDays: null } });
    expect(facts.sslEnforcement).toMatchObject({ ok: true, value: { database: false } });
  });

  it('waits out a documented 429 (X-RateLimit-Reset: 45) within the deadline, then succeeds', async () => {
    fixture.script(`/v1/projects/${REF_28}/database/backups`, rateLimited(45));
    const clock = virtualClock();
    const facts = await collect(REF_28, { clock });
    expect(facts.backups.ok).toBe(true);
    // The whole project scope is blocked for the rest of the window: every request still to go waits for the reset.
    expect(clock.waits[0]).toBe(45_000);
    expect(clock.waits.every((w) => w <= 45_000)).toBe(true);
    expect(facts.retries).toBe(1);
  });

  it('waits for the later of Retry-After and X-RateLimit-Reset', async () => {
    const inThirtySeconds = new Date(Date.now() + 30_000).toUTCString();
    fixture.script(
      `/v1/projects/${REF_28}/ssl-enforcement`,
      rateLimited(5, { 'retry-after': '12' }),
      rateLimited(2, { 'retry-after': inThirtySeconds }),
    );
    const clock = virtualClock();
    const start = clock.now();
    const facts = await collect(REF_28, { clock });
    expect(facts.sslEnforcement.ok).toBe(true);
    expect(clock.waits[0]).toBe(12_000);
    // Then until the HTTP date (whole seconds), not the 2 s of the reset: the clock has moved about 30 s.
    expect(clock.now() - start).toBeGreaterThan(28_000);
    expect(Math.max(...clock.waits)).toBeLessThanOrEqual(30_000);
  });

  it('says "rate-limited by Supabase" when the reset falls after the datastore deadline, without waiting', async () => {
    fixture.script(`/v1/projects/${REF_28}/network-restrictions`, rateLimited(45));
    const clock = virtualClock();
    const facts = await collect(REF_28, { clock, deadlineMs: 30_000 });
    expect(facts.networkRestrictions).toMatchObject({
      ok: false,
      reason: "rate-limited by Supabase (HTTP 429 after 1 attempt): the limit resets in 45 s, after this datastore's deadline (30 s left)",
    });
    expect(facts.networkRestrictions.ok ? '' : facts.networkRestrictions.hint).toContain('120 requests a minute');
    expect(clock.waits).toEqual([]);
  });

  it('waits before the next request when an answer used the window up (X-RateLimit-Remaining: 0)', async () => {
    const project = fixtureProject({ ref: REF_28, pitrDays: 28, latestBackupAt: NOW, now: NOW }).project;
    fixture.script(`/v1/projects/${REF_28}`, {
      status: 200,
      headers: { 'x-ratelimit-limit': '120', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '20' },
      body: project,
    });
    const clock = virtualClock();
    const facts = await collect(REF_28, { clock });
    expect(facts.backups.ok).toBe(true);
    expect(clock.waits[0]).toBe(20_000);
    expect(facts.retries).toBe(0);
  });

  it('does not send a request that the window would refuse past the deadline', async () => {
    const project = fixtureProject({ ref: REF_28, pitrDays: 28, latestBackupAt: NOW, now: NOW }).project;
    fixture.script(`/v1/projects/${REF_28}`, {
      status: 200,
      headers: { 'x-ratelimit-limit': '120', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '50' },
      body: project,
    });
    const start = fixture.requests.length;
    const facts = await collect(REF_28, { deadlineMs: 30_000 });
    expect(facts.backups).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^rate-limited by Supabase \(no request left in the window\): the limit resets in 50 s, after this datastore's deadline/),
    });
    // Only the project was asked; the organization's scope is counted apart, so its entitlements were read.
    expect(requestsSince(start).map((r) => r.path)).toEqual([`/v1/projects/${REF_28}`, `/v1/organizations/${ORG}/entitlements`]);
  });

  it('gives up after a bounded number of 429s with a clear unavailable fact', async () => {
    const path = `/v1/projects/${REF_28}/ssl-enforcement`;
    fixture.script(path, rateLimited(1), rateLimited(1), rateLimited(1), rateLimited(1));
    const facts = await collect(REF_28);
    expect(facts.sslEnforcement).toMatchObject({ ok: false, reason: 'rate-limited by Supabase (HTTP 429) after 4 attempts: Too many requests' });
    expect(facts.backups.ok).toBe(true);
  });

  it('backs off exponentially on a server error without Retry-After', async () => {
    fixture.script(`/v1/projects/${REF_NO_PITR}/billing/addons`, { status: 503, body: { message: 'unavailable' } }, { status: 502 });
    const clock = virtualClock();
    const facts = await collect(REF_NO_PITR, { clock });
    expect(facts.pitrAddon.ok).toBe(true);
    expect(clock.waits).toEqual([1000, 2000]);
  });

  it('turns 401 into unavailable facts and stops after the first call', async () => {
    const start = fixture.requests.length;
    const wrong = 'sbp_wrong_token_wrong_token_wrong_token_00';
    const facts = await collect(REF_28, { token: wrong });
    expect(facts.project).toMatchObject({ ok: false, reason: 'the access token was rejected (HTTP 401 Unauthorized): Unauthorized' });
    expect(facts.project.ok ? undefined : facts.project.hint).toContain('account/tokens');
    for (const fact of [facts.backups, facts.pitrAddon, facts.sslEnforcement, facts.networkRestrictions, facts.storageBuckets, facts.exposedSchemas, facts.backupRetention]) {
      expect(fact.ok).toBe(false);
      expect(fact.ok ? '' : fact.reason).toContain('not requested');
    }
    expect(requestsSince(start)).toHaveLength(1);
    expect(JSON.stringify(facts)).not.toContain(wrong);
  });

  it('turns 404 into unavailable facts naming the likely cause', async () => {
    const facts = await collect(UNKNOWN_REF);
    expect(facts.project.ok ? '' : facts.project.reason).toMatch(/not found \(HTTP 404\).*Project not found/);
    expect(facts.backups.ok).toBe(false);
  });

  it('keeps other facts when one endpoint answers 403, naming the permission the token lacks', async () => {
    fixture.script(`/v1/projects/${REF_28}/billing/addons`, { status: 403, body: { message: 'Forbidden resource' } });
    fixture.script(`/v1/organizations/${ORG}/entitlements`, { status: 403, body: { message: 'Forbidden resource' } });
    const facts = await collect(REF_28);
    expect(facts.pitrAddon).toMatchObject({ ok: false, reason: 'the access token may not read this (HTTP 403 Forbidden): Forbidden resource' });
    expect(facts.pitrAddon.ok ? '' : facts.pitrAddon.hint).toContain('infra_add_ons_read');
    expect(facts.backupRetention.ok ? '' : facts.backupRetention.hint).toContain('organization_admin_read');
    expect(facts.backups.ok).toBe(true);
    expect(facts.sslEnforcement.ok).toBe(true);
  });

  it('reports an answer of the wrong shape instead of guessing', async () => {
    fixture.script(`/v1/projects/${REF_28}/ssl-enforcement`, { status: 200, body: { currentConfig: {} } });
    const facts = await collect(REF_28);
    expect(facts.sslEnforcement.ok ? '' : facts.sslEnforcement.reason).toContain('unexpected answer: currentConfig.database');
  });

  it('rejects a backup time that is not a date, rather than letting its age compare as recent', async () => {
    fixture.script(`/v1/projects/${REF_28}/database/backups`, {
      status: 200,
      body: { pitr_enabled: false, walg_enabled: true, backups: [{ status: 'COMPLETED', inserted_at: 'yesterday', is_physical_backup: true }] },
    });
    const facts = await collect(REF_28);
    expect(facts.backups.ok ? '' : facts.backups.reason).toContain('unexpected answer: backups.0.inserted_at: not a date-time');
  });

  it('reports a connection failure as an unavailable fact', async () => {
    const closed = SupabaseProjectDatastoreSchema.parse({ name: 'x', type: 'supabase-project', projectRef: REF_28, apiUrl: 'http://127.0.0.1:1' });
    const clock = virtualClock();
    const facts = await collectSupabase(closed, TOKEN, { signal: new AbortController().signal, sleep: clock.sleep, now: clock.now, deadline: clock.now() + 60_000, shared: createScanCache() });
    expect(facts.project.ok ? '' : facts.project.reason).toContain('request failed');
  });
});

describe('rate-limit scopes', () => {
  it('counts per project, per organization, and the rest per account, as Supabase documents', () => {
    expect(rateLimitScope(`/v1/projects/${REF_28}/database/backups`)).toBe(`project:${REF_28}`);
    expect(rateLimitScope(`/v1/organizations/${ORG}/entitlements`)).toBe(`organization:${ORG}`);
    expect(rateLimitScope('/v1/projects')).toBe('account');
  });
});

describe('Supabase discovery', () => {
  it('lists every project the token sees and the buckets of the registered ones, sharing the bucket read with the datastore collector', async () => {
    process.env.CONTINUITY_TEST_DISCOVERY_TOKEN = TOKEN;
    try {
      const config = ConfigSchema.parse({
        supabase: { discovery: true },
        services: [
          {
            name: 'agentops',
            datastores: [{ name: 'app-db', type: 'supabase-project', projectRef: REF_28, apiUrl: fixture.url, accessTokenEnv: 'CONTINUITY_TEST_DISCOVERY_TOKEN' }],
          },
        ],
      });
      const shared = createScanCache();
      const clock = virtualClock();
      const ds = config.services[0]!.datastores[0]!;
      await createSupabaseCollector({ sleep: clock.sleep }).collect({
        config,
        service: config.services[0]!,
        datastore: ds as never,
        policy: resolvePolicy(config, 'production'),
        signal: new AbortController().signal,
        log: silentLogger,
        shared,
      });
      const start = fixture.requests.length;
      const facts = await discoverSupabase({ config, signal: new AbortController().signal, log: silentLogger, shared }, clock.sleep, clock.now);
      expect(requestsSince(start).map((r) => r.path)).toEqual(['/v1/projects']);
      const [scope] = facts.scopes;
      expect(scope?.projects.ok ? scope.projects.value.map((p) => p.ref) : []).toEqual([REF_28, REF_NINE, REF_NO_PITR, 'legacyprojectrefabcd']);
      expect(scope?.buckets[REF_28]).toMatchObject({ ok: true, value: [{ name: 'invoices' }, { name: 'avatars' }] });
    } finally {
      delete process.env.CONTINUITY_TEST_DISCOVERY_TOKEN;
    }
  });
});

describe('Supabase collector in the engine', () => {
  const config = { scan: { datastoreTimeoutSeconds: 120 } } as unknown as Config;
  const withTokenEnv = (accessTokenEnv: string) =>
    SupabaseProjectDatastoreSchema.parse({ name: 'x', type: 'supabase-project', projectRef: REF_28, apiUrl: fixture.url, accessTokenEnv });
  /** Run the collector as the engine would, with the token variable set to `value` (unset when undefined). */
  async function collectWithTokenEnv(accessTokenEnv: string, value: string | undefined) {
    const ds = withTokenEnv(accessTokenEnv);
    if (value !== undefined) process.env[accessTokenEnv] = value;
    try {
      return await createSupabaseCollector({ sleep: virtualClock().sleep }).collect({
        config,
        service: { name: 's', environment: 'production', datastores: [ds] } as never,
        datastore: ds,
        policy: resolvePolicy({ policy: {} }, 'production'),
        signal: new AbortController().signal,
        log: silentLogger,
        shared: createScanCache(),
      });
    } finally {
      delete process.env[accessTokenEnv];
    }
  }

  it('fails clearly when the token variable is not set', async () => {
    await expect(collectWithTokenEnv('CONTINUITY_TEST_UNSET_TOKEN', undefined)).rejects.toThrow(
      'environment variable CONTINUITY_TEST_UNSET_TOKEN is not set',
    );
  });

  it('reads the token from the environment and registers it as a secret', async () => {
    const token = 'sbp_env_token_for_the_engine_test_0000001';
    const facts = await collectWithTokenEnv('CONTINUITY_TEST_SUPABASE_TOKEN', token);
    // The fixture accepts only TOKEN, so this token is refused: what matters is that it was sent and is now redacted.
    expect(facts.project.ok).toBe(false);
    expect(errorMessage(new Error(`failed with ${token}`))).toBe('failed with [redacted]');
  });

  it('accepts a token with a trailing newline (as pasted from a file)', async () => {
    const facts = await collectWithTokenEnv('CONTINUITY_TEST_SUPABASE_TOKEN_NL', `${TOKEN}\n`);
    expect(facts.project.ok).toBe(true);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-06-15T12:00:00Z');
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs('Sun, 15 Jun 2025 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Sun, 15 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('supabase-project config', () => {
  it('refuses a plain-http API URL that is not on this machine (the token would travel in clear)', () => {
    const parsed = SupabaseProjectDatastoreSchema.safeParse({ name: 'x', type: 'supabase-project', projectRef: REF_28, apiUrl: 'http://api.example.com' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['apiUrl']);
  });

  it('defaults the token variable and API URL, and leaves the exposed schemas to the API', () => {
    const parsed = SupabaseProjectDatastoreSchema.parse({ name: 'x', type: 'supabase-project', projectRef: REF_28 });
    expect(parsed).toMatchObject({ accessTokenEnv: 'SUPABASE_ACCESS_TOKEN', apiUrl: 'https://api.supabase.com' });
    expect(parsed.exposedSchemas).toBeUndefined();
  });

  it('validates the project ref as the API defines it: 20 lower-case letters, no digits', () => {
    for (const projectRef of ['https://abc.supabase.co', 'abcdefghijklmnopqrs1', 'ABCDEFGHIJKLMNOPQRST', 'abcdefghijklmnopqrs']) {
      const parsed = SupabaseProjectDatastoreSchema.safeParse({ name: 'x', type: 'supabase-project', projectRef });
      expect(parsed.error?.issues[0]?.path, projectRef).toEqual(['projectRef']);
      expect(parsed.error?.issues[0]?.message).toContain('20 lower-case letters');
    }
  });

  it('names a bucket listed twice in storageBuckets', () => {
    const parsed = SupabaseProjectDatastoreSchema.safeParse({
      name: 'x',
      type: 'supabase-project',
      projectRef: REF_28,
      storageBuckets: [{ name: 'invoices' }, { name: 'invoices', backupPolicy: 'https://wiki.acme.io/b' }],
    });
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['storageBuckets', 1, 'name'], message: 'bucket "invoices" is listed twice' });
  });

  it('splits db_schema as PostgREST does', () => {
    expect(splitSchemas('public, graphql_public,api ')).toEqual(['public', 'graphql_public', 'api']);
  });
});
