import type { Observed } from '../../engine/types';

/** The longest retention Supabase sells as a PITR add-on (variants pitr_7, pitr_14, pitr_28). */
export const SUPABASE_PITR_MAX_RETENTION_DAYS = 28;

export interface SupabaseProject {
  region: string;
  /** e.g. ACTIVE_HEALTHY, INACTIVE (paused). */
  status: string;
  postgresVersion: string | null;
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
  /** The restorable window of physical backups, when the API reports one (ISO times). */
  physicalWindow: { earliest: string | null; latest: string | null };
}

/** The PITR add-on selected in billing; variant null when none is selected. */
export interface SupabasePitrAddon {
  variant: string | null;
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
  /** The configuration still in effect while `config` is only stored. */
  oldConfig: { dbAllowedCidrs: string[] | null; dbAllowedCidrsV6: string[] | null } | null;
}

export interface SupabaseFacts {
  projectRef: string;
  project: Observed<SupabaseProject>;
  backups: Observed<SupabaseBackups>;
  pitrAddon: Observed<SupabasePitrAddon>;
  sslEnforcement: Observed<SupabaseSslEnforcement>;
  networkRestrictions: Observed<SupabaseNetworkRestrictions>;
  /** HTTP requests sent, retries included, and how many were retries (shown in tests of the rate-limit handling). */
  requestsSent: number;
  retries: number;
}
