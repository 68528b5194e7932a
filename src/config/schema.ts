// The configuration schema. Validation (config/load.ts) and the editor JSON
// Schema (config/continuity.schema.json, written by `npm run schema`) are both
// derived from these definitions, so they cannot disagree.
import { z } from 'zod';

const QUESTIONNAIRE_ANSWER_KEYS = ['migrations', 'rollbacks', 'compatibility', 'indexes', 'ssl', 'sensitivity'] as const;

/** Policy fields; every one optional here because a layer may override only some. */
export const PolicyOverridesSchema = z.strictObject({
  protectionRequired: z
    .boolean()
    .optional()
    .describe('Whether backup and recoverability checks apply. Seed 001: dev databases carry no protection requirement.'),
  pitrMinRetentionDays: z.number().int().min(0).optional().describe('Minimum point-in-time recovery window, in days.'),
  certificateExpiryWarnDays: z.number().int().min(0).optional().describe('Warn when the server certificate expires within this many days.'),
  maxNonSslConnectionShare: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Largest acceptable share of client connections without TLS (0 to 1).'),
  sequentialScan: z
    .strictObject({
      minLiveRows: z.number().int().min(0).optional(),
      minIndexScanShare: z.number().min(0).max(1).optional(),
    })
    .optional()
    .describe('Tables at least minLiveRows large whose share of index scans is under minIndexScanShare are reported.'),
  unusedIndex: z
    .strictObject({
      minSizeBytes: z.number().int().min(0).optional(),
      minStatsAgeDays: z.number().min(0).optional(),
    })
    .optional()
    .describe('Indexes never scanned are reported once above this size and once statistics are this old.'),
  adminRoles: z
    .array(z.string())
    .optional()
    .describe('Superuser login roles that are expected (platform administrators); others are reported.'),
  backupPolicyLink: z
    .strictObject({
      checkReachability: z.boolean().optional(),
      timeoutMs: z.number().int().positive().optional(),
    })
    .optional(),
  skipChecks: z.array(z.string()).optional().describe('Check ids not run for this layer (reported as skipped).'),
  pitrMaxRestoreLagMinutes: z
    .number()
    .min(0)
    .optional()
    .describe('Largest acceptable age of the latest restorable time (RDS LatestRestorableTime), in minutes.'),
  pitrIncludeReadReplicas: z
    .boolean()
    .optional()
    .describe('Judge RDS read replicas\' own backups too (by default they are skipped: their source is judged).'),
  multiAzRequired: z
    .boolean()
    .optional()
    .describe('Require RDS Multi-AZ; when unset, required in the production environment only.'),
});
export type PolicyOverrides = z.infer<typeof PolicyOverridesSchema>;

export const PolicyConfigSchema = PolicyOverridesSchema.extend({
  environments: z
    .record(z.string(), PolicyOverridesSchema)
    .optional()
    .describe('Per-environment overrides, applied over the policy above (e.g. production, staging, dev).'),
});

const Name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" (it names files and resources)');

const DatastoreCommon = {
  name: Name.describe('Unique within the service.'),
  environment: z.string().optional().describe("Overrides the service's environment for this datastore."),
  backupPolicy: z.string().optional().describe('Link to how backups and restores of this datastore are handled.'),
  sensitivity: z
    .enum(['none', 'internal', 'confidential', 'restricted'])
    .optional()
    .describe('Declared data sensitivity; compared with what the scan finds.'),
};

export const PostgresDatastoreSchema = z.strictObject({
  ...DatastoreCommon,
  type: z.literal('postgres'),
  url: z
    .string()
    .describe('postgres:// connection URL; put the password in an environment variable: ${PGPASSWORD_ORDERS}.'),
  tls: z
    .strictObject({
      caFile: z.string().optional().describe('CA bundle used to verify the server certificate.'),
      verify: z.boolean().optional().describe('Verify the server certificate (default true when caFile is set).'),
    })
    .optional(),
  schemas: z
    .strictObject({
      exclude: z.array(z.string()).optional().describe('Schemas left out of table and index checks.'),
    })
    .optional(),
});

const AwsAccountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
const AwsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1');
const AwsPlacement = {
  region: AwsRegion,
  account: AwsAccountId.optional().describe('One of aws.accounts[].id; may be left out when one account (or none) is configured.'),
};

export const RdsInstanceDatastoreSchema = z.strictObject({
  ...DatastoreCommon,
  type: z.literal('rds-instance'),
  identifier: z.string().min(1).describe('DBInstanceIdentifier.'),
  ...AwsPlacement,
});

export const RdsClusterDatastoreSchema = z.strictObject({
  ...DatastoreCommon,
  type: z.literal('rds-cluster'),
  identifier: z.string().min(1).describe('DBClusterIdentifier (Aurora or Multi-AZ DB cluster).'),
  ...AwsPlacement,
});

export const S3BucketDatastoreSchema = z.strictObject({
  ...DatastoreCommon,
  type: z.literal('s3-bucket'),
  bucket: z.string().min(3).describe('Bucket name.'),
  ...AwsPlacement,
});

/** Every datastore type; new types are added to this union. */
export const DatastoreSchema = z.discriminatedUnion('type', [
  PostgresDatastoreSchema,
  RdsInstanceDatastoreSchema,
  RdsClusterDatastoreSchema,
  S3BucketDatastoreSchema,
]);
export type DatastoreConfig = z.infer<typeof DatastoreSchema>;
export type DatastoreType = DatastoreConfig['type'];

export const ServiceSchema = z.strictObject({
  name: Name,
  owner: z.string().optional().describe('Team or person accountable; used for alert routing.'),
  environment: z.string().default('production'),
  repo: z.string().optional().describe('Path to the repository that migrates this service\'s databases.'),
  docs: z
    .strictObject({ saas: z.string().optional(), addon: z.string().optional() })
    .optional()
    .describe('Links shown in the report front matter.'),
  answers: z
    .partialRecord(z.enum(QUESTIONNAIRE_ANSWER_KEYS), z.string())
    .optional()
    .describe('Answers given by people; the report shows them beside the evidence.'),
  datastores: z.array(DatastoreSchema).default([]),
});
export type ServiceConfig = z.infer<typeof ServiceSchema>;

export const WaiverSchema = z.strictObject({
  check: z.string().describe('Check id, e.g. postgres.missing-primary-key.'),
  resource: z.string().describe('Finding resource; a trailing * matches a prefix.'),
  reason: z.string().min(1),
  approver: z.string().min(1),
  expires: z.iso.date().describe('YYYY-MM-DD; the waiver stops applying after this day (UTC).'),
});
export type Waiver = z.infer<typeof WaiverSchema>;

export const ScanSettingsSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(256).default(8).describe('Datastores collected at once.'),
  datastoreTimeoutSeconds: z.number().positive().default(120),
  statementTimeoutMs: z.number().int().positive().default(10000),
  lockTimeoutMs: z.number().int().positive().default(1000),
  connectTimeoutMs: z.number().int().positive().default(10000),
});

export const AwsAccountSchema = z.strictObject({
  id: AwsAccountId,
  roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN').optional().describe('Role assumed (STS AssumeRole) to scan this account.'),
  externalId: z.string().optional().describe('ExternalId for the AssumeRole call, if the role requires one.'),
  profile: z.string().optional().describe('Named profile (~/.aws/config) to use, or to assume roleArn from.'),
  regions: z.array(AwsRegion).optional().describe('Overrides aws.regions for this account.'),
});

export const AwsSettingsSchema = z.strictObject({
  accounts: z
    .array(AwsAccountSchema)
    .default([])
    .describe('Accounts to scan; without any, the default credential chain is used as one account.'),
  regions: z.array(AwsRegion).default([]).describe('Regions discovery lists (and the default for accounts).'),
  discovery: z.boolean().default(false).describe('List every RDS instance, cluster and bucket and report those not registered.'),
  callTimeoutMs: z.number().int().positive().default(10000).describe('Timeout of one AWS API call (each retry attempt).'),
  maxAttempts: z.number().int().min(1).max(20).default(6).describe('Attempts per API call, with adaptive retry on throttling.'),
});
export type AwsSettings = z.infer<typeof AwsSettingsSchema>;

export const ConfigSchema = z.strictObject({
  version: z.literal(1).default(1),
  policy: PolicyConfigSchema.default({}),
  scan: ScanSettingsSchema.default({
    concurrency: 8,
    datastoreTimeoutSeconds: 120,
    statementTimeoutMs: 10000,
    lockTimeoutMs: 1000,
    connectTimeoutMs: 10000,
  }),
  services: z.array(ServiceSchema).min(1),
  waivers: z.array(WaiverSchema).default([]),
  aws: AwsSettingsSchema.optional().describe('AWS accounts, regions and discovery for rds-instance, rds-cluster and s3-bucket datastores.'),
});
export type Config = z.infer<typeof ConfigSchema>;
