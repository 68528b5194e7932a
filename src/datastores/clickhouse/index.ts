// Datastore type `clickhouse`: a ClickHouse server read through its HTTP interface with the
// official client, system tables only and read-only, plus (optionally) the ClickHouse Cloud API
// or Altinity clickhouse-backup's REST API for the backups.
import { z } from 'zod';
import { hasNoUserinfo, isHttpsOrLoopback } from '../../config/fields';
import type { Collector } from '../../engine/types';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';
import { describeBackupSpan, type ClickHouseFacts } from './facts';

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const httpsOrLoopback = (what: string) =>
  z
    .url()
    .refine((u) => isHttpsOrLoopback(u), `${what} must use https (plain http is allowed only for 127.0.0.1/localhost)`)
    .refine(hasNoUserinfo, `${what} must not carry a user or password: they come from environment variables`);

export const ClickHouseCloudSchema = z.strictObject({
  organizationId: z.string().min(1).describe('The Cloud organization id.'),
  serviceId: z.string().min(1).describe('The Cloud service id.'),
  apiUrl: httpsOrLoopback('the Cloud API URL').default('https://api.clickhouse.cloud').describe('ClickHouse Cloud API base URL.'),
  keyIdEnv: EnvName.default('CLICKHOUSE_CLOUD_KEY_ID').describe('Environment variable holding the API key id.'),
  keySecretEnv: EnvName.default('CLICKHOUSE_CLOUD_KEY_SECRET').describe('Environment variable holding the API key secret (never printed).'),
});
export type ClickHouseCloudConfig = z.infer<typeof ClickHouseCloudSchema>;

export const ClickHouseBackupApiSchema = z.strictObject({
  url: httpsOrLoopback('the clickhouse-backup API URL').describe('Base URL of `clickhouse-backup server` (its REST API, e.g. https://backup-host:7171).'),
  usernameEnv: EnvName.optional().describe('Environment variable holding api.username, when the API asks for one.'),
  passwordEnv: EnvName.optional().describe('Environment variable holding api.password (never printed).'),
});
export type ClickHouseBackupApiConfig = z.infer<typeof ClickHouseBackupApiSchema>;

/** A URL without a scheme is https. */
const withScheme = (value: unknown) => (typeof value === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? `https://${value}` : value);

export const ClickHouseDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('clickhouse'),
  url: z
    .preprocess(withScheme, httpsOrLoopback('the ClickHouse URL'))
    .describe('The HTTP interface, e.g. https://clickhouse.internal:8443 (https when no scheme is given).'),
  userEnv: EnvName.default('CLICKHOUSE_USER').describe('Environment variable holding the user the scanner logs in as.'),
  passwordEnv: EnvName.default('CLICKHOUSE_PASSWORD').describe("Environment variable holding that user's password (never printed)."),
  tls: z
    .strictObject({ caFile: z.string().min(1).optional().describe('CA bundle used to verify the server certificate.') })
    .optional(),
  queryTimeoutSeconds: z.number().int().positive().max(600).default(10).describe('max_execution_time of each query (and the client timeout).'),
  plaintextProbe: z
    .boolean()
    .default(true)
    .describe('Probe the plaintext HTTP and native ports (no credentials sent) for clickhouse.tls.'),
  dataChangeRunbook: z
    .string()
    .min(1)
    .optional()
    .describe('Link to where every production data change (mutation, DELETE) is recorded with its intent and steps.'),
  dataChangeWindowDays: z.number().int().positive().max(365).default(30).describe('How far back mutations and DELETEs are read.'),
  clickhouseBackup: ClickHouseBackupApiSchema.optional().describe(
    "Altinity clickhouse-backup's REST API; without it, its system.backup_list integration table is read where it exists.",
  ),
  cloud: ClickHouseCloudSchema.optional().describe('A ClickHouse Cloud service: its backup configuration and backups are read from the Cloud API.'),
});
export type ClickHouseDatastore = z.infer<typeof ClickHouseDatastoreSchema>;

export const clickhouseCollector: Collector<'clickhouse', ClickHouseFacts, ClickHouseDatastore> = {
  kind: 'clickhouse',
  async collect(ctx) {
    const { collectClickHouse } = await import('./collector');
    return collectClickHouse(ctx);
  },
};

export const clickhouseModule = defineDatastoreModule({
  type: 'clickhouse',
  title: 'ClickHouse',
  docs: 'docs/clickhouse.md',
  schema: ClickHouseDatastoreSchema,
  collectors: [clickhouseCollector],
  describeRecovery(facts) {
    const clickhouse = facts.clickhouse;
    if (!clickhouse?.ok) return undefined;
    return describeBackupSpan(clickhouse.facts, new Date());
  },
});
