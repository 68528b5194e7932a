// The `supabaseDiscovery` estate collector: every project the access tokens of
// the configured supabase-project datastores can see (GET /v1/projects), and the
// Storage buckets of the registered ones, through the same shared reads the
// datastore collectors use (a bucket list they already read costs no second call).
import { z } from 'zod';
import type { Config } from '../../config/schema';
import { unavailable, type EstateCollectContext } from '../../engine/types';
import { errorMessage } from '../../secrets';
import { bucketsOf, deadlineOf, managementApi, PERMISSIONS, read, tokenFrom, type SupabaseConnection } from './collector';
import type { DiscoveredSupabaseProject, SupabaseDiscoveryFacts, SupabaseDiscoveryScope } from './facts';
import { realSleep, type Sleep } from './management-api';
import { DEFAULT_ACCESS_TOKEN_ENV, DEFAULT_API_URL } from './schemas';

import type { SupabaseDatastore } from '.';

const ProjectsResponse = z.array(
  z.object({ ref: z.string(), name: z.string(), status: z.string(), organization_slug: z.string().nullish() }),
);

/** The supabase-project datastores of the config. */
export function supabaseDatastores(config: Config): SupabaseDatastore[] {
  return config.services.flatMap((s) => s.datastores.filter((d): d is SupabaseDatastore => d.type === 'supabase-project'));
}

/** One scope per API URL and token variable; the defaults when no datastore names one. */
function scopesOf(config: Config): { apiUrl: string; accessTokenEnv: string; refs: string[] }[] {
  const scopes = new Map<string, { apiUrl: string; accessTokenEnv: string; refs: string[] }>();
  for (const d of supabaseDatastores(config)) {
    const key = `${d.apiUrl} ${d.accessTokenEnv}`;
    const scope = scopes.get(key) ?? { apiUrl: d.apiUrl, accessTokenEnv: d.accessTokenEnv, refs: [] };
    if (!scope.refs.includes(d.projectRef)) scope.refs.push(d.projectRef);
    scopes.set(key, scope);
  }
  return scopes.size > 0 ? [...scopes.values()] : [{ apiUrl: DEFAULT_API_URL, accessTokenEnv: DEFAULT_ACCESS_TOKEN_ENV, refs: [] }];
}

export async function discoverSupabase(ctx: EstateCollectContext, sleep: Sleep = realSleep, now: () => number = Date.now): Promise<SupabaseDiscoveryFacts> {
  const requestTimeoutMs = Math.max(...supabaseDatastores(ctx.config).map((d) => d.requestTimeoutMs), 10_000);
  const scopes = await Promise.all(
    scopesOf(ctx.config).map(async ({ apiUrl, accessTokenEnv, refs }): Promise<SupabaseDiscoveryScope> => {
      let token: string;
      try {
        token = tokenFrom(accessTokenEnv);
      } catch (error) {
        return { apiUrl, accessTokenEnv, projects: unavailable('GET /v1/projects', errorMessage(error)), buckets: {} };
      }
      const connection: SupabaseConnection = {
        apiUrl,
        accessTokenEnv,
        token,
        shared: ctx.shared,
        signal: ctx.signal,
        sleep,
        now,
        deadline: deadlineOf(ctx, now),
        requestTimeoutMs,
      };
      const api = await managementApi(connection);
      const [{ fact: projects }, bucketLists] = await Promise.all([
        read(api, '/v1/projects', PERMISSIONS.projects, ProjectsResponse, (list) =>
          list.map((p): DiscoveredSupabaseProject => ({ ref: p.ref, name: p.name, status: p.status, organizationSlug: p.organization_slug ?? null })),
        ),
        Promise.all(refs.map(async (ref) => [ref, await bucketsOf(api, connection, ref)] as const)),
      ]);
      return { apiUrl, accessTokenEnv, projects, buckets: Object.fromEntries(bucketLists) };
    }),
  );
  return { scopes };
}
