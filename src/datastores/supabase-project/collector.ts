// Collects a Supabase project's continuity posture from the Management API:
// project details, backups and PITR, the PITR add-on, SSL enforcement, network
// restrictions, Storage buckets, the Data API's exposed schemas and the
// organization's backup entitlement. Read-only GETs; the token is never logged
// or shown, and the jwt_secret of the PostgREST config is dropped on arrival.
import pLimit from 'p-limit';
import { z } from 'zod';
import { observed, unavailable, type CollectContext, type Observed, type ScanCache } from '../../engine/types';
import { errorMessage, registerSecret } from '../../secrets';
import type {
  SupabaseBackupRetention,
  SupabaseBackups,
  SupabaseBucket,
  SupabaseFacts,
  SupabaseNetworkRestrictions,
  SupabasePitrAddon,
  SupabaseProject,
  SupabaseSslEnforcement,
} from './facts';
import { ManagementApi, ManagementApiError, realSleep, type RateLimitWindows, type Sleep } from './management-api';

import type { SupabaseDatastore } from '.';

/** Requests in flight at once per API and token: a considerate client of an API that rate-limits each user per project and organization. */
const MAX_CONCURRENT_REQUESTS = 4;

// Response shapes from the Management API's OpenAPI document (vendored in
// test/fixtures/supabase-management-api.openapi.yaml); unknown fields are
// dropped, so that additions on Supabase's side do not break a scan and a
// field continuity does not read (jwt_secret, a bucket's owner) is not kept.
const ProjectResponse = z.object({
  name: z.string(),
  region: z.string(),
  status: z.string(),
  organization_slug: z.string().nullish(),
  database: z.object({ version: z.string().nullish() }).nullish(),
});

/** A time that does not parse would make an age NaN, which compares as "recent". */
const DateTime = z.string().refine((v) => Number.isFinite(Date.parse(v)), 'not a date-time');

const BackupsResponse = z.object({
  pitr_enabled: z.boolean(),
  walg_enabled: z.boolean(),
  backups: z.array(z.object({ status: z.string(), inserted_at: DateTime, is_physical_backup: z.boolean().nullish() })),
  physical_backup_data: z
    .object({
      earliest_physical_backup_date_unix: z.number().nullish(),
      latest_physical_backup_date_unix: z.number().nullish(),
    })
    .nullish(),
});

const AddonsResponse = z.object({
  selected_addons: z.array(z.object({ type: z.string(), variant: z.object({ id: z.string(), meta: z.unknown().optional() }) })),
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

const BucketsResponse = z.array(z.object({ id: z.string(), name: z.string(), public: z.boolean(), created_at: z.string() }));

/**
 * Only db_schema is kept. The body's jwt_secret signs every Data API token: it is
 * dropped here, on arrival, and registered as a secret so that nothing could print it.
 */
const PostgrestResponse = z.preprocess((body) => {
  if (typeof body !== 'object' || body === null || !('jwt_secret' in body)) return body;
  const { jwt_secret: jwtSecret, ...rest } = body as Record<string, unknown>;
  if (typeof jwtSecret === 'string' && jwtSecret.length > 0) registerSecret(jwtSecret);
  return rest;
}, z.object({ db_schema: z.string() }));

const EntitlementsResponse = z.object({
  entitlements: z.array(
    z.object({
      feature: z.object({ key: z.string() }),
      hasAccess: z.boolean(),
      config: z.object({ value: z.number().optional() }).passthrough(),
    }),
  ),
});

const unixToIso = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined || seconds <= 0 ? null : new Date(seconds * 1000).toISOString();

const cidrs = (c: z.infer<typeof Cidrs>) => ({ dbAllowedCidrs: c.dbAllowedCidrs ?? null, dbAllowedCidrsV6: c.dbAllowedCidrsV6 ?? null });

/** The days a PITR add-on keeps: Supabase states them in `variant.meta.backup_duration_days`; else the id's number (`pitr_28`). */
function pitrAddonDays(variant: { id: string; meta?: unknown }): number | null {
  const meta = variant.meta as { backup_duration_days?: unknown } | null | undefined;
  const stated = meta && typeof meta === 'object' ? meta.backup_duration_days : undefined;
  if (typeof stated === 'number' && Number.isFinite(stated) && stated > 0) return stated;
  const match = /^pitr_(\d+)$/.exec(variant.id);
  return match ? Number(match[1]) : null;
}

/** `public, graphql_public` -> ['public', 'graphql_public']. */
export const splitSchemas = (dbSchema: string) =>
  dbSchema
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** The permission a scoped access token needs for each endpoint (the document's fga_permissions). */
export const PERMISSIONS = {
  project: 'project_admin_read',
  backups: 'backups_read',
  addons: 'infra_add_ons_read',
  ssl: 'database_ssl_config_read',
  network: 'database_network_restrictions_read',
  buckets: 'storage_read',
  postgrest: 'data_api_config_read',
  entitlements: 'organization_admin_read',
  projects: 'projects_read',
} as const;

/** One GET as a fact, with the HTTP status of a failure (null when there was no answer or it succeeded). */
export async function read<S extends z.ZodType, T>(
  api: ManagementApi,
  path: string,
  permission: string,
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
    if (error instanceof ManagementApiError) {
      const hint =
        error.status === 403
          ? `give the access token the ${permission} permission (a scoped token: Account > Access Tokens), or use a token of an organisation member who may read it`
          : error.hint;
      return { fact: unavailable(source, error.reason, hint), failedStatus: error.status };
    }
    return { fact: unavailable(source, errorMessage(error)), failedStatus: null };
  }
}

/** What the clients of one API URL and token share in a scan: the concurrency limit and the rate-limit windows. */
export interface SupabaseConnection {
  apiUrl: string;
  accessTokenEnv: string;
  token: string;
  shared: ScanCache;
  signal: AbortSignal;
  sleep: Sleep;
  now: () => number;
  deadline: number;
  requestTimeoutMs: number;
}

export async function managementApi(connection: SupabaseConnection): Promise<ManagementApi> {
  const key = `${connection.apiUrl}:${connection.accessTokenEnv}`;
  const [schedule, rateLimits] = await Promise.all([
    connection.shared.once(`supabase-management-api:${key}`, async () => pLimit(MAX_CONCURRENT_REQUESTS)),
    connection.shared.once<RateLimitWindows>(`supabase-rate-limits:${key}`, async () => new Map()),
  ]);
  return new ManagementApi({
    apiUrl: connection.apiUrl,
    token: connection.token,
    requestTimeoutMs: connection.requestTimeoutMs,
    signal: connection.signal,
    sleep: connection.sleep,
    now: connection.now,
    deadline: connection.deadline,
    rateLimits,
    schedule,
  });
}

const projectPath = (ref: string) => `/v1/projects/${encodeURIComponent(ref)}`;

/** A project's Storage buckets, read once per scan and shared with discovery. */
export function bucketsOf(api: ManagementApi, connection: SupabaseConnection, ref: string): Promise<Observed<SupabaseBucket[]>> {
  const path = `${projectPath(ref)}/storage/buckets`;
  return connection.shared.once(`supabase-buckets:${connection.apiUrl}:${connection.accessTokenEnv}:${ref}`, async () =>
    (
      await read(api, path, PERMISSIONS.buckets, BucketsResponse, (buckets) =>
        buckets.map((b): SupabaseBucket => ({ id: b.id, name: b.name, public: b.public, createdAt: b.created_at })),
      )
    ).fact,
  );
}

/** The Data API's exposed schemas (`db_schema` of GET /postgrest), read once per scan: the RLS check of the database needs them too. */
export function postgrestSchemasOf(api: ManagementApi, connection: SupabaseConnection, ref: string): Promise<Observed<string[]>> {
  const path = `${projectPath(ref)}/postgrest`;
  return connection.shared.once(`supabase-postgrest:${connection.apiUrl}:${connection.accessTokenEnv}:${ref}`, async () => {
    const { fact } = await read(api, path, PERMISSIONS.postgrest, PostgrestResponse, (p) => splitSchemas(p.db_schema));
    return fact;
  });
}

/** An organization's daily-backup retention, read once per scan for all its projects. */
function backupRetentionOf(api: ManagementApi, connection: SupabaseConnection, slug: string): Promise<Observed<SupabaseBackupRetention>> {
  const path = `/v1/organizations/${encodeURIComponent(slug)}/entitlements`;
  return connection.shared.once(`supabase-entitlements:${connection.apiUrl}:${connection.accessTokenEnv}:${slug}`, async () => {
    const { fact } = await read(api, path, PERMISSIONS.entitlements, EntitlementsResponse, (e) =>
      e.entitlements.find((x) => x.feature.key === 'backup.retention_days'),
    );
    if (!fact.ok) return fact;
    const entitlement = fact.value;
    if (!entitlement) return unavailable<SupabaseBackupRetention>(fact.source, 'the organization lists no backup.retention_days entitlement');
    const days = entitlement.hasAccess && typeof entitlement.config.value === 'number' ? entitlement.config.value : null;
    return observed(fact.source, { organizationSlug: slug, days });
  });
}

const CONFIG_SCHEMAS_SOURCE = 'config datastores[].exposedSchemas';

export interface CollectOptions {
  signal: AbortSignal;
  sleep: Sleep;
  shared: ScanCache;
  /** Epoch ms by which the collection must end. */
  deadline: number;
  now?: () => number;
}

export async function collectSupabase(datastore: SupabaseDatastore, token: string, options: CollectOptions): Promise<SupabaseFacts> {
  const connection: SupabaseConnection = {
    apiUrl: datastore.apiUrl,
    accessTokenEnv: datastore.accessTokenEnv,
    token,
    shared: options.shared,
    signal: options.signal,
    sleep: options.sleep,
    now: options.now ?? Date.now,
    deadline: options.deadline,
    requestTimeoutMs: datastore.requestTimeoutMs,
  };
  const api = await managementApi(connection);
  const base = projectPath(datastore.projectRef);

  const { fact: project, failedStatus } = await read(api, base, PERMISSIONS.project, ProjectResponse, (p): SupabaseProject => ({
    name: p.name,
    region: p.region,
    status: p.status,
    postgresVersion: p.database?.version ?? null,
    organizationSlug: p.organization_slug ?? null,
  }));
  // A rejected token or an unknown project fails every other call the same way: do not spend the rate limit on them.
  const fatal = !project.ok && (failedStatus === 401 || failedStatus === 404) ? project : undefined;
  const notRequested = <T>(path: string): Observed<T> =>
    unavailable<T>(`GET ${path}`, `not requested: ${fatal!.source} failed: ${fatal!.reason}`, fatal!.hint);
  const orFatal = async <T>(path: string, load: () => Promise<Observed<T>>): Promise<Observed<T>> =>
    fatal ? notRequested<T>(path) : load();
  const readFact = <S extends z.ZodType, T>(path: string, permission: string, shape: S, convert: (body: z.infer<S>) => T) =>
    orFatal(path, async () => (await read(api, path, permission, shape, convert)).fact);

  const configuredSchemas = datastore.exposedSchemas;
  const organizationSlug = project.ok ? project.value.organizationSlug : null;
  const [backups, pitrAddon, sslEnforcement, networkRestrictions, storageBuckets, exposedSchemas, backupRetention] = await Promise.all([
    readFact(`${base}/database/backups`, PERMISSIONS.backups, BackupsResponse, (b): SupabaseBackups => ({
      pitrEnabled: b.pitr_enabled,
      walgEnabled: b.walg_enabled,
      backups: b.backups.map((x) => ({ status: x.status, insertedAt: x.inserted_at, physical: Boolean(x.is_physical_backup) })),
      physicalWindow: {
        earliest: unixToIso(b.physical_backup_data?.earliest_physical_backup_date_unix),
        latest: unixToIso(b.physical_backup_data?.latest_physical_backup_date_unix),
      },
    })),
    readFact(`${base}/billing/addons`, PERMISSIONS.addons, AddonsResponse, (a): SupabasePitrAddon => {
      const pitr = a.selected_addons.find((addon) => addon.type === 'pitr');
      return { variant: pitr?.variant.id ?? null, retentionDays: pitr ? pitrAddonDays(pitr.variant) : null };
    }),
    readFact(`${base}/ssl-enforcement`, PERMISSIONS.ssl, SslEnforcementResponse, (s): SupabaseSslEnforcement => ({
      database: s.currentConfig.database,
      appliedSuccessfully: s.appliedSuccessfully,
    })),
    readFact(`${base}/network-restrictions`, PERMISSIONS.network, NetworkRestrictionsResponse, (n): SupabaseNetworkRestrictions => ({
      entitlement: n.entitlement,
      status: n.status,
      config: cidrs(n.config),
      oldConfig: n.old_config ? cidrs(n.old_config) : null,
    })),
    orFatal(`${base}/storage/buckets`, () => bucketsOf(api, connection, datastore.projectRef)),
    configuredSchemas
      ? Promise.resolve(observed(CONFIG_SCHEMAS_SOURCE, configuredSchemas))
      : orFatal(`${base}/postgrest`, () => postgrestSchemasOf(api, connection, datastore.projectRef)),
    organizationSlug
      ? backupRetentionOf(api, connection, organizationSlug)
      : Promise.resolve(
          fatal
            ? notRequested<SupabaseBackupRetention>('/v1/organizations/{slug}/entitlements')
            : unavailable<SupabaseBackupRetention>(
                'GET /v1/organizations/{slug}/entitlements',
                project.ok ? 'the project names no organization_slug' : `not requested: the project's organization is unknown (${project.reason})`,
              ),
        ),
  ]);

  return {
    projectRef: datastore.projectRef,
    project,
    backups,
    pitrAddon,
    sslEnforcement,
    networkRestrictions,
    storageBuckets,
    exposedSchemas,
    backupRetention,
    requestsSent: api.requestsSent,
    retries: api.retries,
  };
}

/** The token of a datastore's (or discovery's) token variable, registered as a secret. */
export function tokenFrom(accessTokenEnv: string): string {
  // A token pasted from a file often ends with a newline, which is not a valid header value.
  const token = process.env[accessTokenEnv]?.trim();
  if (!token) {
    throw new Error(`environment variable ${accessTokenEnv} is not set: it must hold a Supabase Management API access token`);
  }
  registerSecret(token);
  return token;
}

/** The deadline of a collection that starts now: the engine aborts it after scan.datastoreTimeoutSeconds. */
export const deadlineOf = (ctx: Pick<CollectContext, 'config'>, now: () => number) => now() + ctx.config.scan.datastoreTimeoutSeconds * 1000;

/** The Management API facts of one supabase-project datastore; requests share one limit per API and token. */
export async function collectSupabaseProject(
  ctx: CollectContext<SupabaseDatastore>,
  sleep: Sleep = realSleep,
  now: () => number = Date.now,
): Promise<SupabaseFacts> {
  const token = tokenFrom(ctx.datastore.accessTokenEnv);
  return collectSupabase(ctx.datastore, token, { signal: ctx.signal, sleep, shared: ctx.shared, deadline: deadlineOf(ctx, now), now });
}

/**
 * The exposed schemas for the database's RLS check (the PostgreSQL collector asks
 * through PostgresTarget.dataApiSchemas): config when set, else the Data API's
 * config, read once per scan with the Supabase collector.
 */
export async function exposedSchemasFor(
  ctx: Pick<CollectContext<unknown>, 'config' | 'signal' | 'shared'>,
  datastore: SupabaseDatastore, sleep: Sleep = realSleep): Promise<Observed<string[]>> {
  if (datastore.exposedSchemas) return observed(CONFIG_SCHEMAS_SOURCE, datastore.exposedSchemas);
  const path = `${projectPath(datastore.projectRef)}/postgrest`;
  let token: string;
  try {
    token = tokenFrom(datastore.accessTokenEnv);
  } catch (error) {
    return unavailable(`GET ${path}`, errorMessage(error), 'or list the exposed schemas in config (exposedSchemas)');
  }
  const connection: SupabaseConnection = {
    apiUrl: datastore.apiUrl,
    accessTokenEnv: datastore.accessTokenEnv,
    token,
    shared: ctx.shared,
    signal: ctx.signal,
    sleep,
    now: Date.now,
    deadline: deadlineOf(ctx, Date.now),
    requestTimeoutMs: datastore.requestTimeoutMs,
  };
  return postgrestSchemasOf(await managementApi(connection), connection, datastore.projectRef);
}
