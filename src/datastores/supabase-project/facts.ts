import type { Observed } from '../../engine/types';
import { DAY_MS, tenths } from '../../util';

/** The longest retention Supabase sells as a PITR add-on (variants pitr_7, pitr_14, pitr_28). */
export const SUPABASE_PITR_MAX_RETENTION_DAYS = 28;

/** The days between the earliest and latest restore point, or null when the API reports no window. */
export function restorableDays(window: { earliest: string | null; latest: string | null }): number | null {
  if (!window.earliest || !window.latest) return null;
  return Math.max(0, (Date.parse(window.latest) - Date.parse(window.earliest)) / DAY_MS);
}

/** 8.998 -> "9", 9.46 -> "9.5". */
export const formatDays = (days: number) => String(tenths(days));

export interface SupabaseProject {
  name: string;
  region: string;
  /** e.g. ACTIVE_HEALTHY, INACTIVE (paused). */
  status: string;
  postgresVersion: string | null;
  /** The organization the project belongs to (its entitlements are read by this slug). */
  organizationSlug: string | null;
}

export interface SupabaseBackup {
  /** COMPLETED, FAILED, PENDING, REMOVED, ARCHIVED, CANCELLED. */
  status: string;
  insertedAt: string;
  physical: boolean;
}

export interface SupabaseBackups {
  pitrEnabled: boolean;
  walgEnabled: boolean;
  backups: SupabaseBackup[];
  /** The restorable window of physical backups, when the API reports one (ISO times); both null when `physical_backup_data` is empty. */
  physicalWindow: { earliest: string | null; latest: string | null };
}

/** The PITR add-on selected in billing; variant null when none is selected. */
export interface SupabasePitrAddon {
  variant: string | null;
  /** The days the add-on keeps: `variant.meta.backup_duration_days` where the API gives it, else the variant id's number. */
  retentionDays: number | null;
}

export interface SupabaseSslEnforcement {
  database: boolean;
  appliedSuccessfully: boolean;
}

export interface SupabaseNetworkRestrictions {
  /** `disallowed` when the plan does not offer network restrictions. */
  entitlement: string;
  /** `applied`, or `stored` while a change is not yet in effect. */
  status: string;
  /** The requested configuration; a list is null when not set (no restriction). */
  config: { dbAllowedCidrs: string[] | null; dbAllowedCidrsV6: string[] | null };
  /** The configuration still in effect while `config` is only stored; null when none was ever applied. */
  oldConfig: { dbAllowedCidrs: string[] | null; dbAllowedCidrsV6: string[] | null } | null;
}

/** A Storage bucket: its objects live outside the database, so database backups and PITR do not cover them. */
export interface SupabaseBucket {
  id: string;
  name: string;
  /** Objects readable by anyone who has (or guesses) their URL. */
  public: boolean;
  createdAt: string;
}

/** The organization plan's daily-backup retention (entitlement `backup.retention_days`). */
export interface SupabaseBackupRetention {
  organizationSlug: string;
  /** null when the plan has no access to the entitlement (Free plan). */
  days: number | null;
}

export interface SupabaseFacts {
  projectRef: string;
  project: Observed<SupabaseProject>;
  backups: Observed<SupabaseBackups>;
  pitrAddon: Observed<SupabasePitrAddon>;
  sslEnforcement: Observed<SupabaseSslEnforcement>;
  networkRestrictions: Observed<SupabaseNetworkRestrictions>;
  storageBuckets: Observed<SupabaseBucket[]>;
  /** The schemas the Data API exposes: from config when set, else `db_schema` of GET /postgrest (its jwt_secret is never kept). */
  exposedSchemas: Observed<string[]>;
  backupRetention: Observed<SupabaseBackupRetention>;
  /** HTTP requests sent, retries included, and how many were retries (shown in tests of the rate-limit handling). */
  requestsSent: number;
  retries: number;
}

/** A project as discovery lists it. */
export interface DiscoveredSupabaseProject {
  ref: string;
  name: string;
  organizationSlug: string | null;
  status: string;
}

/** What one token (API URL and token variable) can see. */
export interface SupabaseDiscoveryScope {
  apiUrl: string;
  accessTokenEnv: string;
  projects: Observed<DiscoveredSupabaseProject[]>;
  /** The buckets of the projects that some service registers, by project ref. */
  buckets: Record<string, Observed<SupabaseBucket[]>>;
}

export interface SupabaseDiscoveryFacts {
  scopes: SupabaseDiscoveryScope[];
}
