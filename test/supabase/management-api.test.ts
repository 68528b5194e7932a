import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSupabase } from '../../src/datastores/supabase-project/collector';
import { createSupabaseCollector } from '../../src/datastores/supabase-project';
import { type Sleep } from '../../src/datastores/supabase-project/management-api';
import { retryAfterMs } from '../../src/util';
import type { Config } from '../../src/config/schema';
import { SupabaseProjectDatastoreSchema } from '../../src/datastores/supabase-project';
import { resolvePolicy } from '../../src/config/policy';
import { createScanCache } from '../../src/engine/scan';
import { silentLogger } from '../../src/log';
import { errorMessage } from '../../src/secrets';
import { fixtureProject, startSupabaseFixture, type SupabaseFixture } from '../support/supabase-fixture-server';

const TOKEN = 'sbp_0123456789abcdef0123456789abcdef01234567';
const NOW = new Date();
const REF_28 = 'pitrtwentyeightdays0';
const REF_NO_PITR = 'nopitrprojectaaaaaaa';
const UNKNOWN_REF = 'unknownprojectaaaaaa';

let fixture: SupabaseFixture;

beforeAll(async () => {
  fixture = await startSupabaseFixture({
    token: TOKEN,
    projects: {
      [REF_28]: fixtureProject({ ref: REF_28, pitrDays: 28, latestBackupAt: NOW, now: NOW, dbAllowedCidrs: ['10.0.0.0/8'], dbAllowedCidrsV6: [] }),
      [REF_NO_PITR]: fixtureProject({ ref: REF_NO_PITR, pitrDays: false, latestBackupAt: NOW, now: NOW, sslEnforced: false }),
    },
  });
});

afterAll(async () => {
  await fixture.close();
});

function datastore(projectRef: string) {
  return SupabaseProjectDatastoreSchema.parse({ name: 'app-db', type: 'supabase-project', projectRef, apiUrl: fixture.url });
}

/** A controllable sleep: records the waits, never waits in real time. */
function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

function collect(projectRef: string, token = TOKEN, sleep: Sleep = recordingSleep().sleep) {
  return collectSupabase(datastore(projectRef), token, { signal: new AbortController().signal, sleep });
}

function requestsSince(start: number) {
  return fixture.requests.slice(start);
}

describe('Supabase Management API collector', () => {
  it('reads a project with a 28-day PITR add-on through GET requests only, with the bearer token', async () => {
    const start = fixture.requests.length;
    const facts = await collect(REF_28);
    expect(facts.project).toMatchObject({ ok: true, value: { region: 'eu-west-1', status: 'ACTIVE_HEALTHY', postgresVersion: '15.8.1.085' } });
    expect(facts.backups).toMatchObject({ ok: true, source: `GET /v1/projects/${REF_28}/database/backups`, value: { pitrEnabled: true } });
    expect(facts.pitrAddon).toMatchObject({ ok: true, value: { variant: 'pitr_28', retentionDays: 28 } });
    expect(facts.sslEnforcement).toMatchObject({ ok: true, value: { database: true, appliedSuccessfully: true } });
    expect(facts.networkRestrictions).toMatchObject({ ok: true, value: { config: { dbAllowedCidrs: ['10.0.0.0/8'], dbAllowedCidrsV6: [] } } });
    const sent = requestsSince(start);
    expect(sent.map((r) => r.path).sort()).toEqual(
      ['', '/billing/addons', '/database/backups', '/network-restrictions', '/ssl-enforcement'].map((p) => `/v1/projects/${REF_28}${p}`),
    );
    expect(sent.every((r) => r.method === 'GET' && r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(facts.requestsSent).toBe(5);
  });

  it('reads a project without PITR and without SSL enforcement', async () => {
    const facts = await collect(REF_NO_PITR);
    expect(facts.backups).toMatchObject({ ok: true, value: { pitrEnabled: false, physicalWindow: { earliest: null, latest: null } } });
    expect(facts.pitrAddon).toMatchObject({ ok: true, value: { variant: null, retentionDays: null } });
    expect(facts.sslEnforcement).toMatchObject({ ok: true, value: { database: false } });
  });

  it('waits out 429 answers as Retry-After says, then succeeds', async () => {
    const path = `/v1/projects/${REF_28}/database/backups`;
    const inThirtySeconds = new Date(Date.now() + 30_000).toUTCString();
    fixture.script(
      path,
      { status: 429, headers: { 'retry-after': '7' }, body: { message: 'Too many requests' } },
      { status: 429, headers: { 'retry-after': inThirtySeconds }, body: { message: 'Too many requests' } },
    );
    const { sleep, waits } = recordingSleep();
    const facts = await collect(REF_28, TOKEN, sleep);
    expect(facts.backups.ok).toBe(true);
    expect(waits[0]).toBe(7000);
    // An HTTP date has whole seconds: the wait is what is left of the 30 s.
    expect(waits[1]).toBeGreaterThan(20_000);
    expect(waits[1]).toBeLessThanOrEqual(30_000);
    expect(facts.retries).toBe(2);
    expect(facts.requestsSent).toBe(7);
  });

  it('gives up after a bounded number of 429s with a clear unavailable fact', async () => {
    const path = `/v1/projects/${REF_28}/ssl-enforcement`;
    const throttled = { status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too many requests' } };
    fixture.script(path, throttled, throttled, throttled, throttled);
    const { sleep, waits } = recordingSleep();
    const facts = await collect(REF_28, TOKEN, sleep);
    expect(facts.sslEnforcement).toMatchObject({ ok: false, reason: 'rate limited (HTTP 429) after 4 attempts: Too many requests' });
    expect(waits).toEqual([1000, 1000, 1000]);
    expect(facts.backups.ok).toBe(true);
  });

  it('does not wait out a Retry-After longer than the bound', async () => {
    fixture.script(`/v1/projects/${REF_28}/network-restrictions`, { status: 429, headers: { 'retry-after': '3600' } });
    const { sleep, waits } = recordingSleep();
    const facts = await collect(REF_28, TOKEN, sleep);
    expect(facts.networkRestrictions).toMatchObject({ ok: false, reason: 'rate limited (HTTP 429) after 1 attempt' });
    expect(waits).toEqual([]);
  });

  it('backs off exponentially on a server error without Retry-After', async () => {
    fixture.script(`/v1/projects/${REF_28}/billing/addons`, { status: 503, body: { message: 'unavailable' } }, { status: 502 });
    const { sleep, waits } = recordingSleep();
    const facts = await collect(REF_28, TOKEN, sleep);
    expect(facts.pitrAddon.ok).toBe(true);
    expect(waits).toEqual([1000, 2000]);
  });

  it('turns 401 into unavailable facts and stops after the first call', async () => {
    const start = fixture.requests.length;
    const wrong = 'sbp_wrong_token_wrong_token_wrong_token_00';
    const facts = await collect(REF_28, wrong);
    expect(facts.project).toMatchObject({ ok: false, reason: 'the access token was rejected (HTTP 401 Unauthorized): Unauthorized' });
    expect(facts.project.ok ? undefined : facts.project.hint).toContain('account/tokens');
    for (const fact of [facts.backups, facts.pitrAddon, facts.sslEnforcement, facts.networkRestrictions]) {
      expect(fact.ok).toBe(false);
      expect(fact.ok ? '' : fact.reason).toContain('not requested');
    }
    expect(requestsSince(start)).toHaveLength(1);
    expect(JSON.stringify(facts)).not.toContain(wrong);
  });

  it('turns 404 into unavailable facts naming the likely cause', async () => {
    const facts = await collect(UNKNOWN_REF);
    expect(facts.project).toMatchObject({ ok: false });
    expect(facts.project.ok ? '' : facts.project.reason).toMatch(/not found \(HTTP 404\).*Project not found/);
    expect(facts.backups.ok).toBe(false);
  });

  it('keeps other facts when one endpoint answers 403', async () => {
    fixture.script(`/v1/projects/${REF_28}/billing/addons`, { status: 403, body: { message: 'Forbidden resource' } });
    const facts = await collect(REF_28);
    expect(facts.pitrAddon).toMatchObject({ ok: false, reason: 'the access token may not read this (HTTP 403 Forbidden): Forbidden resource' });
    expect(facts.backups.ok).toBe(true);
    expect(facts.sslEnforcement.ok).toBe(true);
  });

  it('reports an answer of the wrong shape instead of guessing', async () => {
    fixture.script(`/v1/projects/${REF_28}/ssl-enforcement`, { status: 200, body: { currentConfig: {} } });
    const facts = await collect(REF_28);
    expect(facts.sslEnforcement).toMatchObject({ ok: false });
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
    const facts = await collectSupabase(closed, TOKEN, { signal: new AbortController().signal, sleep: recordingSleep().sleep });
    expect(facts.project.ok ? '' : facts.project.reason).toContain('request failed');
  });
});

describe('Supabase collector in the engine', () => {
  const config = { scan: {} } as unknown as Config;
  const withTokenEnv = (accessTokenEnv: string) =>
    SupabaseProjectDatastoreSchema.parse({ name: 'x', type: 'supabase-project', projectRef: REF_28, apiUrl: fixture.url, accessTokenEnv });
  /** Run the collector as the engine would, with the token variable set to `value` (unset when undefined). */
  async function collectWithTokenEnv(accessTokenEnv: string, value: string | undefined) {
    const ds = withTokenEnv(accessTokenEnv);
    if (value !== undefined) process.env[accessTokenEnv] = value;
    try {
      return await createSupabaseCollector({ sleep: recordingSleep().sleep }).collect({
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

  it('defaults the token variable, API URL and exposed schemas', () => {
    const parsed = SupabaseProjectDatastoreSchema.parse({ name: 'x', type: 'supabase-project', projectRef: REF_28 });
    expect(parsed).toMatchObject({ accessTokenEnv: 'SUPABASE_ACCESS_TOKEN', apiUrl: 'https://api.supabase.com', exposedSchemas: ['public'] });
  });

  it('names the key of a malformed project ref', () => {
    const parsed = SupabaseProjectDatastoreSchema.safeParse({ name: 'x', type: 'supabase-project', projectRef: 'https://abc.supabase.co' });
    expect(parsed.error?.issues[0]?.path).toEqual(['projectRef']);
  });
});
