import type { Config, PolicyOverrides } from './schema';

/** The policy a check sees: every threshold resolved for one environment. */
export interface Policy {
  environment: string;
  protectionRequired: boolean;
  pitrMinRetentionDays: number;
  certificateExpiryWarnDays: number;
  maxNonSslConnectionShare: number;
  sequentialScan: { minLiveRows: number; minIndexScanShare: number; minStatsAgeDays: number };
  unusedIndex: { minSizeBytes: number; minStatsAgeDays: number };
  queryIndexUse: { topStatements: number; minStatsAgeHours: number; minCalls: number; minCostSaving: number };
  adminRoles: string[];
  backupPolicyLink: { checkReachability: boolean; timeoutMs: number };
  skipChecks: string[];
  migrations: { compatibilityWindow: number; minRollbackShare: number };
  maxBackupAgeHours: number;
  pitrMaxRestoreLagMinutes: number;
  pitrIncludeReadReplicas: boolean;
  /** null: required in the production environment only. */
  multiAzRequired: boolean | null;
}

export const DEFAULT_POLICY: Omit<Policy, 'environment'> = {
  protectionRequired: true,
  pitrMinRetentionDays: 30,
  certificateExpiryWarnDays: 30,
  maxNonSslConnectionShare: 0,
  sequentialScan: { minLiveRows: 10_000, minIndexScanShare: 0.95, minStatsAgeDays: 1 },
  unusedIndex: { minSizeBytes: 1024 * 1024, minStatsAgeDays: 7 },
  // A day of statistics covers the daily cycle; HypoPG must show the suggested index at least halving the cost.
  queryIndexUse: { topStatements: 50, minStatsAgeHours: 24, minCalls: 1000, minCostSaving: 0.5 },
  // Roles that managed platforms reserve for their own administration.
  adminRoles: ['postgres', 'rdsadmin', 'rds_superuser', 'supabase_admin', 'cloudsqladmin', 'azure_superuser'],
  backupPolicyLink: { checkReachability: false, timeoutMs: 5000 },
  skipChecks: [],
  migrations: { compatibilityWindow: 20, minRollbackShare: 1 },
  // A daily backup plus a couple of hours' slack for the backup window.
  maxBackupAgeHours: 26,
  pitrMaxRestoreLagMinutes: 15,
  pitrIncludeReadReplicas: false,
  multiAzRequired: null,
};

/** Built-in environment layers: seed 001 says a dev database "has no protection". */
export const DEFAULT_ENVIRONMENT_OVERRIDES: Record<string, PolicyOverrides> = {
  dev: { protectionRequired: false },
  development: { protectionRequired: false },
  test: { protectionRequired: false },
};

function apply(base: Omit<Policy, 'environment'>, layer: PolicyOverrides | undefined): Omit<Policy, 'environment'> {
  if (!layer) return base;
  return {
    protectionRequired: layer.protectionRequired ?? base.protectionRequired,
    pitrMinRetentionDays: layer.pitrMinRetentionDays ?? base.pitrMinRetentionDays,
    certificateExpiryWarnDays: layer.certificateExpiryWarnDays ?? base.certificateExpiryWarnDays,
    maxNonSslConnectionShare: layer.maxNonSslConnectionShare ?? base.maxNonSslConnectionShare,
    sequentialScan: { ...base.sequentialScan, ...definedOnly(layer.sequentialScan) },
    unusedIndex: { ...base.unusedIndex, ...definedOnly(layer.unusedIndex) },
    queryIndexUse: { ...base.queryIndexUse, ...definedOnly(layer.queryIndexUse) },
    adminRoles: layer.adminRoles ?? base.adminRoles,
    backupPolicyLink: { ...base.backupPolicyLink, ...definedOnly(layer.backupPolicyLink) },
    skipChecks: layer.skipChecks ?? base.skipChecks,
    migrations: { ...base.migrations, ...definedOnly(layer.migrations) },
    maxBackupAgeHours: layer.maxBackupAgeHours ?? base.maxBackupAgeHours,
    pitrMaxRestoreLagMinutes: layer.pitrMaxRestoreLagMinutes ?? base.pitrMaxRestoreLagMinutes,
    pitrIncludeReadReplicas: layer.pitrIncludeReadReplicas ?? base.pitrIncludeReadReplicas,
    multiAzRequired: layer.multiAzRequired ?? base.multiAzRequired,
  };
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Defaults, then the config's policy, then the built-in and configured layers for the environment. */
export function resolvePolicy(config: Pick<Config, 'policy'>, environment: string): Policy {
  const { environments, ...top } = config.policy;
  let policy = apply(DEFAULT_POLICY, DEFAULT_ENVIRONMENT_OVERRIDES[environment]);
  policy = apply(policy, top);
  policy = apply(policy, environments?.[environment]);
  return { environment, ...policy };
}
