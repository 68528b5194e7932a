// Datastore type `supabase-project`: a Supabase project, read through the
// Management API, and its database through the PostgreSQL checks.
import { z } from 'zod';
import { isHttpsOrLoopback } from '../../config/fields';
import type { Collector } from '../../engine/types';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';
import { PostgresTlsSchema } from '../postgres';
import type { SupabaseFacts } from './facts';
import type { Sleep } from './management-api';
import { API_ROLES, SUPABASE_MANAGED_SCHEMAS } from './schemas';

export const SupabaseProjectDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('supabase-project'),
  projectRef: z
    .string()
    .regex(/^[a-z0-9]{20}$/, 'a Supabase project ref is 20 lower-case letters and digits (Project Settings > General)')
    .describe('The project reference id, as in https://<ref>.supabase.co.'),
  accessTokenEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .default('SUPABASE_ACCESS_TOKEN')
    .describe('Environment variable holding a Management API access token (read at scan time, never printed).'),
  apiUrl: z
    .url()
    .refine((u) => isHttpsOrLoopback(u), 'the Management API URL must use https (plain http is allowed only for 127.0.0.1/localhost)')
    .default('https://api.supabase.com')
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
    .array(z.string())
    .default(['public'])
    .describe('Schemas exposed through the Data API (Project Settings > Data API > Exposed schemas).'),
  requestTimeoutMs: z.number().int().positive().default(10000).describe('Timeout of each Management API request.'),
});
export type SupabaseDatastore = z.infer<typeof SupabaseProjectDatastoreSchema>;

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

export const supabaseProjectModule = defineDatastoreModule({
  type: 'supabase-project',
  title: 'Supabase project',
  docs: 'docs/supabase.md',
  schema: SupabaseProjectDatastoreSchema,
  collectors: [createSupabaseCollector()],
  offers: {
    // Supabase's own schemas are left out: the project cannot change them.
    postgres: (datastore) =>
      datastore.url
        ? { url: datastore.url, ...(datastore.tls ? { tls: datastore.tls } : {}), excludeSchemas: SUPABASE_MANAGED_SCHEMAS, dataApiRoles: API_ROLES }
        : undefined,
  },
  describeRecovery(facts) {
    const supabase = facts.supabase;
    if (!supabase?.ok || !supabase.facts.backups.ok) return undefined;
    const { backups, pitrAddon } = supabase.facts;
    const { pitrEnabled, physicalWindow } = backups.value;
    if (!pitrEnabled) return 'PITR off (daily backups only)';
    const retention =
      pitrAddon.ok && pitrAddon.value.retentionDays !== null
        ? `${pitrAddon.value.retentionDays} days (add-on ${pitrAddon.value.variant})`
        : 'retention not shown by the API';
    const window =
      physicalWindow.earliest && physicalWindow.latest ? `; restorable ${physicalWindow.earliest} to ${physicalWindow.latest}` : '';
    return `PITR on, ${retention}${window}`;
  },
});
