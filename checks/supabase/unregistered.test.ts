import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './unregistered';
import { ConfigSchema } from '../../src/config/schema';
import { resolvePolicy } from '../../src/config/policy';
import { observed, unavailable } from '../../src/engine/types';
import type { SupabaseDiscoveryFacts } from '../../src/datastores/supabase-project/facts';

const REF = 'agentopsprodrefabcde';
const config = ConfigSchema.parse({
  supabase: { discovery: true },
  services: [
    {
      name: 'agentops',
      datastores: [
        { name: 'app-db', type: 'supabase-project', projectRef: REF, storageBuckets: [{ name: 'invoices', backupPolicy: 'https://wiki.acme.io/b' }] },
      ],
    },
  ],
});

const project = (ref: string, name: string) => ({ ref, name, organizationSlug: 'acme', status: 'ACTIVE_HEALTHY' });
const bucket = (name: string, isPublic = false) => ({ id: name, name, public: isPublic, createdAt: '2025-01-10T00:00:00.000Z' });

function facts(extra: { projects?: ReturnType<typeof project>[]; buckets?: ReturnType<typeof bucket>[] } = {}): SupabaseDiscoveryFacts {
  return {
    scopes: [
      {
        apiUrl: 'https://api.supabase.com',
        accessTokenEnv: 'SUPABASE_ACCESS_TOKEN',
        projects: observed('GET /v1/projects', [project(REF, 'agentops'), ...(extra.projects ?? [])]),
        buckets: { [REF]: observed(`GET /v1/projects/${REF}/storage/buckets`, [bucket('invoices'), ...(extra.buckets ?? [])]) },
      },
    ],
  };
}

const input = (f: SupabaseDiscoveryFacts) => ({ config, facts: f, policy: resolvePolicy(config, 'production'), now: new Date() });

describe('supabase.unregistered', () => {
  it('passes when every discovered project and bucket is registered', () => {
    const [f] = runCheck(check, input(facts()));
    expect(f?.status).toBe('pass');
    expect(f?.message).toBe('all 2 discovered Supabase projects and buckets are registered');
  });

  it('fails each project no service registers, and each bucket of a registered project that storageBuckets does not list', () => {
    const findings = runCheck(check, input(facts({ projects: [project('legacyprojectrefabcd', 'legacy')], buckets: [bucket('exports', true)] })));
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['supabase-project:legacyprojectrefabcd', 'fail'],
      [`supabase-bucket:${REF}/exports`, 'fail'],
    ]);
    expect(findings[0]?.message).toContain('is not registered: no owner, no backup policy link');
    expect(findings[1]?.message).toBe(
      `Storage bucket exports (public) of project ${REF} (datastore app-db of service agentops) is not registered in storageBuckets: no backup decision`,
    );
  });

  it('is unknown, never a pass, when a listing could not be read', () => {
    const f = facts();
    f.scopes[0]!.projects = unavailable('GET /v1/projects', 'the access token may not read this (HTTP 403 Forbidden)');
    f.scopes[0]!.buckets[REF] = unavailable(`GET /v1/projects/${REF}/storage/buckets`, 'HTTP 500 after 4 attempts');
    expect(runCheck(check, input(f)).map((x) => [x.resource, x.status])).toEqual([
      ['supabase:SUPABASE_ACCESS_TOKEN', 'unknown'],
      [`supabase-project:${REF}/buckets`, 'unknown'],
    ]);
  });
});
