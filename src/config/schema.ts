// The configuration schema. Validation (config/load.ts) and the editor JSON
// Schema (config/continuity.schema.json, written by `npm run schema`) are both
// derived from these definitions, so they cannot disagree.
import { createRequire } from 'node:module';
import { z } from 'zod';
import { DatastoreSchema } from '../datastores';
import { AwsSettingsSchema } from '../datastores/aws/placement';
import { SupabaseSettingsSchema } from '../datastores/supabase-project';
import { KubernetesSettingsSchema } from '../datastores/kubernetes/settings';
import { DEFAULT_FRAMEWORK, framework, unknownFrameworkError } from '../frameworks';
import { hasNoUserinfo, linkProblem, postgresUrlProblem, refineWith, ResourceName as Name, sinkUrlProblem } from './fields';
import { FORMAT_NAMES } from '../report/format-names';
import { DAY_MS } from '../util';

// Durations are bounded at DAY_MS: a larger number overflows Node timers (about 24.8 days) and fires at once.

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
      minStatsAgeDays: z.number().min(0).optional(),
    })
    .optional()
    .describe(
      'Tables at least minLiveRows large whose share of index scans is under minIndexScanShare are reported, once statistics are minStatsAgeDays old (default 1).',
    ),
  unusedIndex: z
    .strictObject({
      minSizeBytes: z.number().int().min(0).optional(),
      minStatsAgeDays: z.number().min(0).optional(),
    })
    .optional()
    .describe('Indexes never scanned are reported once above this size and once statistics are this old.'),
  queryIndexUse: z
    .strictObject({
      topStatements: z.number().int().min(1).max(10_000).optional(),
      minStatsAgeHours: z.number().min(0).optional(),
      minCalls: z.number().int().min(0).optional(),
      minCostSaving: z.number().min(0).max(1).optional(),
    })
    .optional()
    .describe(
      'postgres.query-index-use: how many of the top pg_stat_statements statements (by total time) are explained (default 50); statistics younger than minStatsAgeHours (24) or with fewer than minCalls calls (1000) cannot give a pass; a HypoPG-verified index must cut the estimated cost by minCostSaving (0.5).',
    ),
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
  migrations: z
    .strictObject({
      compatibilityWindow: z.number().int().min(1).optional(),
      minRollbackShare: z.number().min(0).max(1).optional(),
    })
    .optional()
    .describe(
      'compatibilityWindow: how many of the newest migrations the compatibility answer covers (default 20); minRollbackShare: the share of migrations that must have a real down/revert script (default 1).',
    ),
  maxBackupAgeHours: z
    .number()
    .positive()
    .optional()
    .describe('The latest completed backup (or PITR restore point) must be at most this old, in hours.'),
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

export { DatastoreSchema, type DatastoreConfig, type DatastoreType } from '../datastores';

export const ServiceSchema = z.strictObject({
  name: Name,
  owner: z.string().optional().describe('Team or person accountable; used for alert routing.'),
  environment: z.string().default('production'),
  repo: z.string().optional().describe('Path to the repository that migrates this service\'s databases.'),
  docs: z
    .strictObject({ saas: z.string().superRefine(refineWith(linkProblem)).optional(), addon: z.string().superRefine(refineWith(linkProblem)).optional() })
    .optional()
    .describe('Links shown in the report front matter.'),
  answers: z
    .partialRecord(z.enum(framework(DEFAULT_FRAMEWORK).controls.map((c) => c.id) as [string, ...string[]]), z.string())
    .optional()
    .describe('CONTINUITY-0003 answers given by people, by row; the report shows them beside the evidence.'),
  datastores: z.array(DatastoreSchema).default([]),
  schedule: z.lazy(() => ScheduleSchema).optional().describe('When `continuity serve` scans this service; serve.schedule when absent.'),
  zone: Name.refine((zone) => !zone.endsWith('-dead'), 'must not end with "-dead" (names the dead-letter queues)').optional().describe(
    'Network zone (queue mode; `default` when absent): only `continuity worker --zone <zone>` processes scan this service, from inside the network that reaches its datastores.',
  ),
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
  datastoreTimeoutSeconds: z.number().positive().max(DAY_MS / 1000).default(120),
  statementTimeoutMs: z.number().int().positive().max(DAY_MS).default(10000),
  lockTimeoutMs: z.number().int().positive().max(DAY_MS).default(1000),
  connectTimeoutMs: z.number().int().positive().max(DAY_MS).default(10000),
});

// ---- history, alerts and the scheduled service (docs/service.md) ----

const SEVERITY_NAMES = ['critical', 'high', 'medium', 'low', 'info'] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** node-cron (its CommonJS build), loaded when a schedule is validated: a configuration without one does not pay for it. */
const nodeCron = (): typeof import('node-cron').default => createRequire(import.meta.url)('node-cron');

export const ScheduleSchema = z.strictObject({
  cron: z
    .string()
    // node-cron also takes a leading seconds field: "0 9 * * 1 *" would run every hour of January.
    .refine((expression) => expression.trim().split(/\s+/).length === 5, 'needs exactly 5 fields (minute hour day-of-month month day-of-week)')
    .refine((expression) => nodeCron().validate(expression), 'not a valid cron expression (minute hour day-of-month month day-of-week)')
    .describe('When to scan, as a cron expression: "0 9 * * 1" is Mondays at 09:00.'),
  timezone: z.string().refine(isTimeZone, 'not a known IANA time zone').default('UTC').describe('IANA time zone the cron expression is read in.'),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const HistorySchema = z.strictObject({
  dir: z.string().default('.continuity/history').describe('Directory of the embedded history store (scan JSON files and an index).'),
  url: z
    .string()
    .superRefine(refineWith(postgresUrlProblem))
    .optional()
    .describe('postgres:// URL of a shared history store; when set, it is used instead of dir. Put the password in an environment variable.'),
  keep: z.number().int().min(1).default(100).describe('Scans kept per service; older ones are deleted.'),
});

const SinkCommon = {
  name: Name.describe('Names the sink in logs, metrics and the outbox.'),
  owners: z.array(z.string()).optional().describe('Only services with one of these owners; all services when absent.'),
  services: z.array(z.string()).optional().describe('Only these services; all when absent.'),
  minSeverity: z.enum(SEVERITY_NAMES).default('info').describe('Only events and digest entries at or above this severity.'),
};

export const SinkSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...SinkCommon,
    type: z.literal('slack'),
    url: z.string().superRefine(refineWith(sinkUrlProblem)).describe('Slack incoming webhook URL (a secret: use ${SLACK_WEBHOOK_URL}).'),
  }),
  z.strictObject({
    ...SinkCommon,
    type: z.literal('webhook'),
    url: z.string().superRefine(refineWith(sinkUrlProblem)).describe('Receives a JSON POST per event.'),
    secret: z.string().min(16).describe('Shared secret of the HMAC-SHA256 signature header (use ${...}).'),
  }),
  z.strictObject({
    ...SinkCommon,
    type: z.literal('email'),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    smtp: z.strictObject({
      host: z.string(),
      port: z.number().int().min(1).max(65535).default(587),
      secure: z.boolean().default(false).describe('TLS from the first byte (port 465); otherwise STARTTLS.'),
      requireTLS: z.boolean().default(true).describe('Refuse to send (and to authenticate) without STARTTLS.'),
      user: z.string().optional(),
      password: z.string().optional().describe('Use ${SMTP_PASSWORD}.'),
    }),
  }),
]);
export type SinkConfig = z.infer<typeof SinkSchema>;

export const AlertsSchema = z.strictObject({
  sinks: z.array(SinkSchema).default([]),
  reportBaseUrl: z
    .string()
    .url()
    // Alerts quote the link in Slack, webhook and e-mail bodies: credentials would travel with it.
    .refine(hasNoUserinfo, 'must not contain a user or password: alerts quote this URL')
    .optional()
    .describe('Where `continuity serve` is reachable; alerts link to <base>/reports/<service>.'),
  digestIntervalDays: z.number().min(0).default(7).describe('Open violations are listed in a digest at most this often per service (0: after every scan).'),
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).default(4),
      initialDelayMs: z.number().int().min(0).default(1000),
      maxDelayMs: z.number().int().min(0).default(60_000),
      maxRetryAfterMs: z
        .number()
        .int()
        .min(0)
        .max(DAY_MS)
        .default(300_000)
        .describe("A receiver's Retry-After is waited for up to this long; a longer one leaves the item for the next run."),
    })
    .default({ attempts: 4, initialDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 })
    .describe('Retries within one run; what is still undelivered is retried on the next run.'),
  timeoutMs: z.number().int().positive().max(DAY_MS).default(10_000),
  deliveryBudgetSeconds: z
    .number()
    .positive()
    .max(DAY_MS / 1000)
    .default(60)
    .describe('A run (a scan, a scheduled tick) spends at most this long delivering; the rest stays queued for the next run.'),
  circuitBreaker: z
    .strictObject({
      failures: z.number().int().min(1).default(5).describe('Failed attempts in a row that open a sink\'s circuit.'),
      openSeconds: z.number().positive().max(DAY_MS / 1000).default(300).describe('How long an open circuit leaves the sink alone before one trial delivery.'),
    })
    .default({ failures: 5, openSeconds: 300 }),
});

export const ServeSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(9464),
  outDir: z.string().default('out').describe('Reports are written to <outDir>/<service>/.'),
  formats: z.array(z.enum(FORMAT_NAMES)).default(['md', 'json', 'html']),
  frameworks: z
    .array(z.string())
    .default([DEFAULT_FRAMEWORK])
    .refine((ids) => unknownFrameworkError(ids) === undefined, { error: (issue) => unknownFrameworkError(issue.input as string[]) })
    .describe('Frameworks the scheduled reports answer (frameworks/<id>.yaml): continuity-0003, soc2, iso27001.'),
  schedule: ScheduleSchema.default({ cron: '0 9 * * 1', timezone: 'UTC' }).describe('Default schedule of every service.'),
  shutdownGraceSeconds: z.number().min(0).default(30).describe('On SIGTERM, how long a running scan may take to finish before it is abandoned.'),
  scanOnStart: z
    .boolean()
    .default(true)
    .describe('Scan every service when serve starts, except a service whose latest scan is newer than its schedule period.'),
  auth: z
    .strictObject({
      tokenEnv: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
        .describe('The environment variable holding the bearer token that /api/* and /reports/* require.'),
      healthz: z.boolean().default(false).describe('Require the token for /healthz too (default: open, for probes).'),
      metrics: z.boolean().default(false).describe('Require the token for /metrics too (default: open, for Prometheus).'),
    })
    .optional()
    .describe('Bearer-token authentication of the HTTP endpoints; without it they are open (keep host 127.0.0.1).'),
});

export const QueueSchema = z.strictObject({
  url: z
    .string()
    .optional()
    .describe('postgres:// URL of the database holding the pg-boss queue (schema `schema`); history.url when absent.'),
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case PostgreSQL identifier')
    .default('pgboss')
    .describe('PostgreSQL schema pg-boss creates and owns.'),
  retry: z
    .strictObject({
      limit: z.number().int().min(0).default(3).describe('Retries of a failed scan job before it goes to the dead-letter queue.'),
      delaySeconds: z.number().int().min(0).default(60),
      backoff: z.boolean().default(true).describe('Double the delay at each retry (with jitter).'),
    })
    .default({ limit: 3, delaySeconds: 60, backoff: true }),
  expireSeconds: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'A scan job still running after this long is failed and retried (a worker killed mid-scan). Default per service: scan.datastoreTimeoutSeconds x ceil(datastores / scan.concurrency) + 300.',
    ),
  pollingIntervalSeconds: z.number().min(0.5).default(2).describe('How often an idle worker looks for jobs.'),
  maintenanceIntervalSeconds: z
    .number()
    .int()
    .min(1)
    .default(60)
    .describe('How often expired jobs are detected and retried (one process does it at a time).'),
});
export type QueueSettings = z.infer<typeof QueueSchema>;

export { AwsSettingsSchema, type AwsSettings } from '../datastores/aws/placement';

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
  history: HistorySchema.default({ dir: '.continuity/history', keep: 100 }),
  alerts: AlertsSchema.default({
    sinks: [],
    digestIntervalDays: 7,
    retry: { attempts: 4, initialDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 },
    timeoutMs: 10_000,
    deliveryBudgetSeconds: 60,
    circuitBreaker: { failures: 5, openSeconds: 300 },
  }),
  serve: ServeSchema.default({
    host: '127.0.0.1',
    port: 9464,
    outDir: 'out',
    formats: ['md', 'json', 'html'],
    frameworks: [DEFAULT_FRAMEWORK],
    schedule: { cron: '0 9 * * 1', timezone: 'UTC' },
    shutdownGraceSeconds: 30,
    scanOnStart: true,
  }),
  aws: AwsSettingsSchema.optional().describe('AWS accounts, regions and discovery for rds-instance, rds-cluster and s3-bucket datastores.'),
  supabase: SupabaseSettingsSchema.optional().describe('Discovery of Supabase projects and Storage buckets no service registers.'),
  kubernetes: KubernetesSettingsSchema.optional().describe(
    'Access (kubeconfig or in-cluster), namespaces and discovery for cnpg-cluster, crunchy-postgrescluster and k8s-pvc datastores.',
  ),
  queue: QueueSchema.optional().describe(
    'Queue mode (docs/scaling.md): `continuity serve` puts the schedules into pg-boss and `continuity worker` processes run the scans. Needs history.url.',
  ),
}).superRefine((config, ctx) => {
  if (config.queue && !config.history.url) {
    ctx.addIssue({
      code: 'custom',
      path: ['history', 'url'],
      message: 'queue mode needs the PostgreSQL history store (several workers record scans): set history.url',
    });
  }
});
export type Config = z.infer<typeof ConfigSchema>;
