// Fixture fidelity: every answer the Supabase fixture gives is validated against
// the response schemas of Supabase's official Management API OpenAPI document
// (vendored in test/fixtures/, with its source and date), so the collector is
// tested against bodies shaped as the real API shapes them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_REF } from '../../src/datastores/supabase-project';
import { PERMISSIONS } from '../../src/datastores/supabase-project/collector';
import {
  fixtureEntitlements,
  fixtureProject,
  rateLimited,
  RATE_LIMIT,
  startSupabaseFixture,
  type SupabaseFixture,
} from '../support/supabase-fixture-server';

const DOCUMENT = path.join(import.meta.dirname, '../fixtures/supabase-management-api.openapi.yaml');
const TOKEN = 'sbp_fidelity_0123456789abcdef0123456789ab';
const NOW = new Date();
const ORG = 'acmeorgslugabcdefghi';
const REFS = { pitr: 'fidelitypitrprojecta', nopitr: 'fidelitynopitrprojec', filling: 'fidelityfillingproje', empty: 'fidelityemptywindowp' };

/**
 * The document's oneOf branches overlap where none forbids extra properties (an
 * entitlement's numeric config also matches the boolean branch), so a strict
 * oneOf would refuse every real answer; code generators read them as anyOf.
 */
function oneOfAsAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(oneOfAsAnyOf);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key === 'oneOf' ? 'anyOf' : key, oneOfAsAnyOf(value)]));
}

const document = parse(readFileSync(DOCUMENT, 'utf8')) as {
  paths: Record<string, { get: { responses: Record<string, unknown>; security: { fga_permissions?: string[] }[] } }>;
};
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(oneOfAsAnyOf({ ...document, id: 'supabase-management-api' }) as object, 'supabase-management-api');

const pointer = (template: string) =>
  `supabase-management-api#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema`;

/** The document's path template that a request path matches. */
function templateOf(requestPath: string): string | undefined {
  return Object.keys(document.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(requestPath),
  );
}

let fixture: SupabaseFixture;

beforeAll(async () => {
  const shape = { latestBackupAt: NOW, now: NOW };
  fixture = await startSupabaseFixture({
    token: TOKEN,
    projects: {
      [REFS.pitr]: fixtureProject({ ...shape, ref: REFS.pitr, pitrDays: 28, buckets: [{ name: 'invoices' }, { name: 'avatars', public: true }] }),
      [REFS.nopitr]: fixtureProject({ ...shape, ref: REFS.nopitr, pitrDays: false, dbAllowedCidrs: null, dbAllowedCidrsV6: null }),
      [REFS.filling]: fixtureProject({ ...shape, ref: REFS.filling, pitrDays: 14, restorableDays: 3, dbSchema: 'public, api' }),
      [REFS.empty]: fixtureProject({ ...shape, ref: REFS.empty, pitrDays: 7, restorableDays: null }),
    },
    organizations: { [ORG]: fixtureEntitlements(7), freeorgslugabcdefghi: fixtureEntitlements(null) },
  });
});

afterAll(async () => {
  await fixture.close();
});

const get = (p: string) => fetch(new URL(p, fixture.url), { headers: { authorization: `Bearer ${TOKEN}` } });

describe('Supabase fixture against the official OpenAPI document', () => {
  it('vendors the document with its source and date', () => {
    const head = readFileSync(DOCUMENT, 'utf8').split('\n').slice(0, 10).join('\n');
    expect(head).toMatch(/Source: .*supabase\/supabase/);
    expect(head).toMatch(/apps\/docs\/spec\/api_v1_openapi\.json at commit [0-9a-f]{40}/);
    expect(head).toMatch(/Vendored: \d{4}-\d{2}-\d{2}/);
  });

  it('answers every endpoint continuity reads with a body the document validates', async () => {
    const paths = [
      '/v1/projects',
      ...Object.values(REFS).flatMap((ref) =>
        ['', '/database/backups', '/billing/addons', '/ssl-enforcement', '/network-restrictions', '/storage/buckets', '/postgrest'].map(
          (p) => `/v1/projects/${ref}${p}`,
        ),
      ),
      `/v1/organizations/${ORG}/entitlements`,
      '/v1/organizations/freeorgslugabcdefghi/entitlements',
    ];
    const covered = new Set<string>();
    for (const requestPath of paths) {
      const response = await get(requestPath);
      expect(response.status, requestPath).toBe(200);
      const template = templateOf(requestPath);
      expect(template, requestPath).toBeDefined();
      covered.add(template!);
      const validate = ajv.getSchema(pointer(template!));
      const body: unknown = await response.json();
      expect(validate!(body), `${requestPath}: ${JSON.stringify(validate!.errors)}`).toBe(true);
    }
    // Every GET of the vendored document is exercised.
    expect([...covered].sort()).toEqual(Object.keys(document.paths).sort());
  });

  it("names, in 403 hints and docs, the permission the document requires for each endpoint", () => {
    const byPath: Record<string, string> = {
      '/v1/projects': PERMISSIONS.projects,
      '/v1/projects/{ref}': PERMISSIONS.project,
      '/v1/projects/{ref}/database/backups': PERMISSIONS.backups,
      '/v1/projects/{ref}/billing/addons': PERMISSIONS.addons,
      '/v1/projects/{ref}/ssl-enforcement': PERMISSIONS.ssl,
      '/v1/projects/{ref}/network-restrictions': PERMISSIONS.network,
      '/v1/projects/{ref}/postgrest': PERMISSIONS.postgrest,
      '/v1/projects/{ref}/storage/buckets': PERMISSIONS.buckets,
      '/v1/organizations/{slug}/entitlements': PERMISSIONS.entitlements,
    };
    for (const [template, operation] of Object.entries(document.paths)) {
      const required = operation.get.security.flatMap((s) => s.fga_permissions ?? []);
      expect(required, template).toEqual([byPath[template]]);
      expect(readFileSync(path.join(import.meta.dirname, '../../docs/supabase.md'), 'utf8')).toContain(`| \`${byPath[template]}\` |`);
    }
  });

  it('validates for real: a body missing a required field, or of the wrong type, is refused', () => {
    const backups = ajv.getSchema(pointer('/v1/projects/{ref}/database/backups'))!;
    const body = fixtureProject({ ref: REFS.pitr, pitrDays: 28, latestBackupAt: NOW, now: NOW }).backups as Record<string, unknown>;
    expect(backups(body)).toBe(true);
    const { physical_backup_data: _dropped, ...withoutWindow } = body;
    expect(backups(withoutWindow)).toBe(false);
    expect(backups({ ...body, pitr_enabled: 'yes' })).toBe(false);
    const buckets = ajv.getSchema(pointer('/v1/projects/{ref}/storage/buckets'))!;
    expect(buckets([{ id: 'a', name: 'a', created_at: 'x', updated_at: 'x', owner: '' }])).toBe(false);
  });

  it("gives project refs the document's shape, as the config validates them", () => {
    const project = ajv.getSchema(pointer('/v1/projects/{ref}'))!;
    for (const ref of Object.values(REFS)) expect(PROJECT_REF.test(ref), ref).toBe(true);
    const body = fixtureProject({ ref: 'abcdefghijklmnopqrs1', pitrDays: false, latestBackupAt: NOW, now: NOW }).project;
    expect(project(body)).toBe(false);
    expect(PROJECT_REF.test('abcdefghijklmnopqrs1')).toBe(false);
  });

  it('puts the documented rate-limit headers on every answer, and answers 429 as documented', async () => {
    const response = await get(`/v1/projects/${REFS.pitr}/database/backups`);
    expect(Number(response.headers.get('x-ratelimit-limit'))).toBe(RATE_LIMIT);
    expect(Number(response.headers.get('x-ratelimit-remaining'))).toBeLessThan(RATE_LIMIT);
    expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    await response.body?.cancel();

    fixture.script(`/v1/projects/${REFS.pitr}/postgrest`, rateLimited(45));
    const limited = await get(`/v1/projects/${REFS.pitr}/postgrest`);
    expect(limited.status).toBe(429);
    expect([limited.headers.get('x-ratelimit-limit'), limited.headers.get('x-ratelimit-remaining'), limited.headers.get('x-ratelimit-reset')]).toEqual([
      '120',
      '0',
      '45',
    ]);
    expect(await limited.json()).toEqual({ message: 'Too many requests' });
  });

  it('refuses the 121st request of a minute in one project scope with a 429 until the window resets', async () => {
    const ref = REFS.nopitr;
    let status = 200;
    let reset: string | null = null;
    for (let i = 0; i < RATE_LIMIT + 1 && status === 200; i++) {
      const response = await get(`/v1/projects/${ref}/ssl-enforcement`);
      status = response.status;
      reset = response.headers.get('x-ratelimit-reset');
      await response.body?.cancel();
    }
    expect(status).toBe(429);
    expect(Number(reset)).toBeGreaterThan(0);
    // Another project's scope is counted apart.
    const other = await get(`/v1/projects/${REFS.filling}/ssl-enforcement`);
    expect(other.status).toBe(200);
    await other.body?.cancel();
  });
});
