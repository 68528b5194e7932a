// Collects a Supabase project's continuity posture from the Management API:
// project details, backups and PITR, the PITR add-on, SSL enforcement and
// network restrictions. Read-only GETs; the token is never logged or shown.
import pLimit from 'p-limit';
import { z } from 'zod';
import { observed, unavailable, type CollectContext, type Observed } from '../../engine/types';
import { errorMessage, registerSecret } from '../../secrets';
import type {
  SupabaseBackups,
  SupabaseFacts,
  SupabaseNetworkRestrictions,
  SupabasePitrAddon,
  SupabaseProject,
  SupabaseSslEnforcement,
} from './facts';
import { ManagementApi, ManagementApiError, realSleep, type Sleep } from './management-api';

import type { SupabaseDatastore } from '.';

/** Requests in flight at once per API and token: the Management API rate-limits per token. */
const MAX_CONCURRENT_REQUESTS = 4;

// Response shapes from the Management API reference (api.supabase.com/api/v1-json);
// unknown fields are ignored so that additions on Supabase's side do not break a scan.
const ProjectResponse = z.object({
  region: z.string(),
  status: z.string(),
  database: z.object({ version: z.string().nullish() }).nullish(),
});

const BackupsResponse = z.object({
  pitr_enabled: z.boolean(),
  walg_enabled: z.boolean(),
  // A time that does not parse would make a backup's age NaN, which compares as "recent".
  backups: z.array(
    z.object({
      status: z.string(),
      inserted_at: z.string().refine((v) => Number.isFinite(Date.parse(v)), 'not a date-time'),
      is_physical_backup: z.boolean().nullish(),
    }),
  ),
  physical_backup_data: z
    .object({
      earliest_physical_backup_date_unix: z.number().nullish(),
      latest_physical_backup_date_unix: z.number().nullish(),
    })
    .nullish(),
});

const AddonsResponse = z.object({
  selected_addons: z.array(z.object({ type: z.string(), variant: z.object({ id: z.string() }) })),
});

const SslEnforcementResponse = z.object({
  currentConfig: z.object({ database: z.boolean() }),
  appliedSuccessfully: z.boolean(),
});

const Cidrs = z.object({ dbAllowedCidrs: z.array(z.string()).nullish(), dbAllowedCidrsV6: z.array(z.string()).nullish() });
const NetworkRestrictionsResponse = z.object({
  entitlement: z.string(),
  status: z.string(),
  config: Cidrs,
  old_config: Cidrs.nullish(),
});

const unixToIso = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined || seconds <= 0 ? null : new Date(seconds * 1000).toISOString();

const cidrs = (c: z.infer<typeof Cidrs>) => ({ dbAllowedCidrs: c.dbAllowedCidrs ?? null, dbAllowedCidrsV6: c.dbAllowedCidrsV6 ?? null });

/** `pitr_28` -> 28. */
function pitrVariantDays(variant: string): number | null {
  const match = /^pitr_(\d+)$/.exec(variant);
  return match ? Number(match[1]) : null;
}

/** One GET as a fact, with the HTTP status of a failure (null when there was no answer or it succeeded). */
async function read<S extends z.ZodType, T>(
  api: ManagementApi,
  path: string,
  shape: S,
  convert: (body: z.infer<S>) => T,
): Promise<{ fact: Observed<T>; failedStatus: number | null }> {
  const source = `GET ${path}`;
  try {
    const parsed = shape.safeParse(await api.get<unknown>(path));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const reason = `unexpected answer: ${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`;
      return { fact: unavailable(source, reason), failedStatus: null };
    }
    return { fact: observed(source, convert(parsed.data)), failedStatus: null };
  } catch (error) {
    if (error instanceof ManagementApiError) return { fact: unavailable(source, error.reason, error.hint), failedStatus: error.status };
    return { fact: unavailable(source, errorMessage(error)), failedStatus: null };
  }
}

export async function collectSupabase(
  datastore: SupabaseDatastore,
  token: string,
  options: { signal: AbortSignal; sleep: Sleep; schedule?: <T>(run: () => Promise<T>) => Promise<T> },
): Promise<SupabaseFacts> {
  const api = new ManagementApi({
    apiUrl: datastore.apiUrl,
    token,
    requestTimeoutMs: datastore.requestTimeoutMs,
    signal: options.signal,
    sleep: options.sleep,
    ...(options.schedule ? { schedule: options.schedule } : {}),
  });
  const base = `/v1/projects/${encodeURIComponent(datastore.projectRef)}`;

  const { fact: project, failedStatus } = await read(api, base, ProjectResponse, (p): SupabaseProject => ({
    region: p.region,
    status: p.status,
    postgresVersion: p.database?.version ?? null,
  }));
  // A rejected token or an unknown project fails every other call the same way: do not spend the rate limit on them.
  const fatal = !project.ok && (failedStatus === 401 || failedStatus === 404) ? project : undefined;
  const orFatal = async <T>(path: string, load: () => Promise<{ fact: Observed<T> }>): Promise<Observed<T>> =>
    fatal ? unavailable<T>(`GET ${path}`, `not requested: ${fatal.source} failed: ${fatal.reason}`, fatal.hint) : (await load()).fact;

  const backupsPath = `${base}/database/backups`;
  const addonsPath = `${base}/billing/addons`;
  const sslPath = `${base}/ssl-enforcement`;
  const networkPath = `${base}/network-restrictions`;
  const [backups, pitrAddon, sslEnforcement, networkRestrictions] = await Promise.all([
    orFatal(backupsPath, () =>
      read(api, backupsPath, BackupsResponse, (b): SupabaseBackups => ({
        pitrEnabled: b.pitr_enabled,
        walgEnabled: b.walg_enabled,
        backups: b.backups.map((x) => ({ status: x.status, insertedAt: x.inserted_at, physical: Boolean(x.is_physical_backup) })),
        physicalWindow: {
          earliest: unixToIso(b.physical_backup_data?.earliest_physical_backup_date_unix),
          latest: unixToIso(b.physical_backup_data?.latest_physical_backup_date_unix),
        },
      })),
    ),
    orFatal(addonsPath, () =>
      read(api, addonsPath, AddonsResponse, (a): SupabasePitrAddon => {
        const pitr = a.selected_addons.find((addon) => addon.type === 'pitr');
        return { variant: pitr?.variant.id ?? null, retentionDays: pitr ? pitrVariantDays(pitr.variant.id) : null };
      }),
    ),
    orFatal(sslPath, () =>
      read(api, sslPath, SslEnforcementResponse, (s): SupabaseSslEnforcement => ({
        database: s.currentConfig.database,
        appliedSuccessfully: s.appliedSuccessfully,
      })),
    ),
    orFatal(networkPath, () =>
      read(api, networkPath, NetworkRestrictionsResponse, (n): SupabaseNetworkRestrictions => ({
        entitlement: n.entitlement,
        status: n.status,
        config: cidrs(n.config),
        oldConfig: n.old_config ? cidrs(n.old_config) : null,
      })),
    ),
  ]);

  return {
    projectRef: datastore.projectRef,
    project,
    backups,
    pitrAddon,
    sslEnforcement,
    networkRestrictions,
    requestsSent: api.requestsSent,
    retries: api.retries,
  };
}

/** The Management API facts of one supabase-project datastore; requests share one limit per API and token. */
export async function collectSupabaseProject(ctx: CollectContext<SupabaseDatastore>, sleep: Sleep = realSleep): Promise<SupabaseFacts> {
  const { datastore } = ctx;
  // A token pasted from a file often ends with a newline, which is not a valid header value.
  const token = process.env[datastore.accessTokenEnv]?.trim();
  if (!token) {
    throw new Error(`environment variable ${datastore.accessTokenEnv} is not set: it must hold a Supabase Management API access token`);
  }
  registerSecret(token);
  const limit = await ctx.shared.once(`supabase-management-api:${datastore.apiUrl}:${datastore.accessTokenEnv}`, async () =>
    pLimit(MAX_CONCURRENT_REQUESTS),
  );
  return collectSupabase(datastore, token, { signal: ctx.signal, sleep, schedule: limit });
}
