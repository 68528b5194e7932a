// Builders of Supabase datastores and facts for the check tests.
import { resolvePolicy, type Policy } from '../../src/config/policy';
import { ServiceSchema, type DatastoreConfig, type ServiceConfig } from '../../src/config/schema';
import { SupabaseProjectDatastoreSchema } from '../../src/datastores/supabase-project';
import { observed, unavailable } from '../../src/engine/types';
import type { SupabaseFacts } from '../../src/datastores/supabase-project/facts';

export const REF = 'abcdefghijklmnopqrst';
export const ORG = 'acmeorgslugabcdefghi';
export { CHECK_NOW as NOW } from '../support/check-tester';

export function supabaseDatastore(extra: Record<string, unknown> = {}): DatastoreConfig {
  return SupabaseProjectDatastoreSchema.parse({ name: 'app-db', type: 'supabase-project', projectRef: REF, ...extra });
}

export const service: ServiceConfig = ServiceSchema.parse({ name: 'agentops', datastores: [] });

export function policy(overrides: Record<string, unknown> = {}): Policy {
  return resolvePolicy({ policy: overrides }, 'production');
}

const api = (path: string) => `GET /v1/projects/${REF}${path}`;

export function supabaseFacts(overrides: Partial<SupabaseFacts> = {}): SupabaseFacts {
  return {
    projectRef: REF,
    project: observed(api(''), {
      name: 'agentops',
      region: 'us-east-1',
      status: 'ACTIVE_HEALTHY',
      postgresVersion: '15.8.1.085',
      organizationSlug: ORG,
    }),
    backups: observed(api('/database/backups'), {
      pitrEnabled: true,
      walgEnabled: true,
      backups: [],
      physicalWindow: { earliest: '2026-10-24T12:00:00.000Z', latest: '2026-11-21T11:58:00.000Z' },
    }),
    pitrAddon: observed(api('/billing/addons'), { variant: 'pitr_28', retentionDays: 28 }),
    sslEnforcement: observed(api('/ssl-enforcement'), { database: true, appliedSuccessfully: true }),
    networkRestrictions: observed(api('/network-restrictions'), {
      entitlement: 'allowed',
      status: 'applied',
      config: { dbAllowedCidrs: ['10.0.0.0/8'], dbAllowedCidrsV6: [] },
      oldConfig: null,
    }),
    storageBuckets: observed(api('/storage/buckets'), []),
    exposedSchemas: observed(api('/postgrest'), ['public', 'graphql_public']),
    backupRetention: observed(`GET /v1/organizations/${ORG}/entitlements`, { organizationSlug: ORG, days: 7 }),
    requestsSent: 8,
    retries: 0,
    ...overrides,
  };
}

export const forbidden = <T>(path: string) =>
  unavailable<T>(api(path), 'the access token may not read this (HTTP 403 Forbidden)', 'use a token with read access');
