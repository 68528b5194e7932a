// Datastore type `supabase-project`: a Supabase project, read through the
// Management API, and its database through the PostgreSQL checks.
import { z } from 'zod';
import { isHttpsOrLoopback } from '../../config/fields';
import type { Collector, EstateCollector } from '../../engine/types';
import type { DatastorePart } from '../../model';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';
import { PostgresTlsSchema } from '../postgres';
import { formatDays, restorableDays, type SupabaseDiscoveryFacts, type SupabaseFacts } from './facts';
import type { Sleep } from './management-api';
import { API_ROLES, DEFAULT_ACCESS_TOKEN_ENV, DEFAULT_API_URL, SUPABASE_MANAGED_SCHEMAS } from './schemas';

/** A project ref as the Management API defines it: 20 lower-case letters. */
export const PROJECT_REF = /^[a-z]{20}$/;

export const StorageBucketConfigSchema = z.strictObject({
  name: z.string().min(1).describe('The bucket name, as in Storage > Buckets.'),
  backupPolicy: z
    .string()
    .optional()
    .describe("Link to how this bucket's objects are backed up and restored: Supabase's database backups and PITR do not include Storage."),
});

export const SupabaseProjectDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('supabase-project'),
  projectRef: z
    .string()
    .regex(PROJECT_REF, 'a Supabase project ref is 20 lower-case letters (Project Settings > General > Project ID)')
    .describe('The project reference id, as in https://<ref>.supabase.co.'),
  accessTokenEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .default(DEFAULT_ACCESS_TOKEN_ENV)
    .describe('Environment variable holding a Management API access token (read at scan time, never printed).'),
  apiUrl: z
    .url()
    .refine((u) => isHttpsOrLoopback(u), 'the Management API URL must use https (plain http is allowed only for 127.0.0.1/localhost)')
    .default(DEFAULT_API_URL)
    .describe('Supabase Management API base URL.'),
  url: z
    .string()
    .optional()
    .describe('postgres:// URL of the project database; when set, the PostgreSQL checks and the RLS exposure check run on it.'),
  tls: PostgresTlsSchema,
  pitrAddon: z
    .strictObject({ retentionDays: z.union([z.literal(7), z.literal(14), z.literal(28)]) })
    .optional()
    .describe("The PITR add-on bought for the project; used only when the Management API does not show the add-on's retention."),
  exposedSchemas: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'Schemas exposed through the Data API (Project Settings > Data API > Exposed schemas); when unset, read from the Management API (GET /v1/projects/{ref}/postgrest, db_schema).',
    ),
  storageBuckets: z
    .array(StorageBucketConfigSchema)
    .optional()
    .superRefine((buckets, ctx) => {
      const seen = new Set<string>();
      buckets?.forEach((bucket, index) => {
        if (seen.has(bucket.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `bucket "${bucket.name}" is listed twice` });
        seen.add(bucket.name);
      });
    })
    .describe("The project's Storage buckets this service owns, each with the link to its own backup (backupPolicy)."),
  requestTimeoutMs: z.number().int().positive().default(10000).describe('Timeout of each Management API request.'),
});
export type SupabaseDatastore = z.infer<typeof SupabaseProjectDatastoreSchema>;

/** Estate-wide Supabase settings (config `supabase:`). */
export const SupabaseSettingsSchema = z.strictObject({
  discovery: z
    .boolean()
    .default(false)
    .describe(
      'List every project the access tokens of the supabase-project datastores can see, and the Storage buckets of the registered ones, and report those no service registers.',
    ),
});

/** The Management API collector; tests give it a recording sleep to see the waits between retries. */
export function createSupabaseCollector(options: { sleep?: Sleep } = {}): Collector<'supabase', SupabaseFacts, SupabaseDatastore> {
  return {
    kind: 'supabase',
    async collect(ctx) {
      const { collectSupabaseProject } = await import('./collector');
      return collectSupabaseProject(ctx, options.sleep);
    },
  };
}

/** Every Supabase project and bucket the configured tokens can see (config `supabase.discovery`). */
export const supabaseDiscoveryCollector: EstateCollector<'supabaseDiscovery', SupabaseDiscoveryFacts> = {
  kind: 'supabaseDiscovery',
  appliesTo: (config) => config.supabase?.discovery === true,
  async collect(ctx) {
    const { discoverSupabase } = await import('./discovery');
    return discoverSupabase(ctx);
  },
};

const NOT_IN_DATABASE_BACKUPS = 'not covered by database backups';

export const supabaseProjectModule = defineDatastoreModule({
  type: 'supabase-project',
  title: 'Supabase project',
  docs: 'docs/supabase.md',
  schema: SupabaseProjectDatastoreSchema,
  collectors: [createSupabaseCollector()],
  discovery: [supabaseDiscoveryCollector],
  offers: {
    // Supabase's own schemas are left out: the project cannot change them.
    postgres: (datastore) =>
      datastore.url
        ? {
            url: datastore.url,
            ...(datastore.tls ? { tls: datastore.tls } : {}),
            excludeSchemas: SUPABASE_MANAGED_SCHEMAS,
            dataApiRoles: API_ROLES,
            dataApiSchemas: async (ctx) => (await import('./collector')).exposedSchemasFor(ctx, datastore),
          }
        : undefined,
  },
  describeRecovery(facts) {
    const supabase = facts.supabase;
    if (!supabase?.ok) return undefined;
    if (!supabase.facts.backups.ok) return `not read: ${supabase.facts.backups.reason}`;
    const { backups, pitrAddon, backupRetention } = supabase.facts;
    const { pitrEnabled, physicalWindow } = backups.value;
    if (!pitrEnabled) {
      if (!backupRetention.ok) return 'PITR off: daily backups only';
      const { days } = backupRetention.value;
      return days === null ? 'PITR off; the plan includes no daily backups' : `PITR off: daily backups only, kept ${days} days by the plan`;
    }
    const ceiling = pitrAddon.ok && pitrAddon.value.retentionDays !== null ? ` (add-on up to ${pitrAddon.value.retentionDays})` : '';
    const days = restorableDays(physicalWindow);
    if (days === null) return `PITR on${ceiling}; no restorable window reported yet`;
    return `PITR on, ${formatDays(days)} days restorable${ceiling}: ${physicalWindow.earliest} to ${physicalWindow.latest}`;
  },
  describeParts(facts, datastore) {
    const supabase = facts.supabase;
    if (!supabase?.ok) return undefined;
    const buckets = supabase.facts.storageBuckets;
    if (!buckets.ok) return [{ kind: 'storage', name: 'buckets', recovery: `Storage buckets not read: ${buckets.reason}` }];
    const declared = new Map((datastore.storageBuckets ?? []).map((b) => [b.name, b]));
    return buckets.value.map((bucket): DatastorePart => {
      const backupPolicy = declared.get(bucket.name)?.backupPolicy;
      const visibility = bucket.public ? 'public bucket; ' : '';
      return {
        kind: 'storage bucket',
        name: bucket.name,
        recovery: `${visibility}${backupPolicy ? `own backup declared (${NOT_IN_DATABASE_BACKUPS})` : NOT_IN_DATABASE_BACKUPS}`,
        ...(backupPolicy ? { backupPolicy } : {}),
      };
    });
  },
});
