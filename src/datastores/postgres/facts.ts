import type { FindingDraft, Observed } from '../../engine/types';
import { STATISTICS_SINCE_FIELD, type Evidence } from '../../model';
import { qualifiedName } from './identifiers';
import type { StatementFacts } from './statement-facts';
import { MINUTE_MS, DAY_MS } from '../../util';

export interface PgSetting {
  name: string;
  setting: string;
  unit: string | null;
  source: string;
}

/** A pg_hba.conf rule as pg_hba_file_rules shows it. */
export interface HbaRule {
  /** Order in which the server tries the rule (rule_number on 16+, else line order). */
  order: number;
  file: string | null;
  line: number;
  type: string;
  databases: string[];
  users: string[];
  address: string | null;
  netmask: string | null;
  authMethod: string | null;
  error: string | null;
}

export interface PgTable {
  oid: number;
  schema: string;
  name: string;
  kind: 'table' | 'partitioned table';
  /** The partitioned table this one is a partition of (pg_inherits), or null. */
  partitionOf: number | null;
  hasPrimaryKey: boolean;
  /** pg_stat_user_tables.n_live_tup; null when no statistics exist (partitioned parents). */
  liveRows: number | null;
  seqScans: number | null;
  indexScans: number | null;
}

export interface PgForeignKey {
  name: string;
  tableOid: number;
  /** Attribute numbers of the referencing columns, in constraint order. */
  columns: number[];
  referencedTable: string;
}

export interface PgIndex {
  oid: number;
  tableOid: number;
  schema: string;
  name: string;
  method: string;
  /** Key columns only (INCLUDE columns excluded); 0 marks an expression. */
  keyColumns: number[];
  /** INCLUDE columns. */
  includeColumns: number[];
  expressions: string | null;
  predicate: string | null;
  /** Operator classes of the key columns, as oids (pg_index.indclass). */
  operatorClasses: number[];
  /** Collations of the key columns, as oids; 0 where the column is not collatable (pg_index.indcollation). */
  collations: number[];
  /** Per-column sort options of the key columns: bit 1 DESC, bit 2 NULLS FIRST (pg_index.indoption). */
  sortOptions: number[];
  isUnique: boolean;
  /** A unique index with NULLS NOT DISTINCT (PostgreSQL 15+). */
  nullsNotDistinct: boolean;
  isPrimary: boolean;
  isValid: boolean;
  /** Backs a primary key, unique or exclusion constraint. */
  backsConstraint: boolean;
  /** An index on a partitioned table: no storage and no statistics of its own, its partitions' indexes have them. */
  partitioned: boolean;
  /** The partitioned index this index is attached to as a partition (pg_inherits), or null. */
  attachedTo: number | null;
  /** pg_get_indexdef(), read only for an invalid partitioned index (to rebuild what its partitions lack). */
  definition: string | null;
  sizeBytes: number;
  scans: number | null;
}

export interface PgColumn {
  tableOid: number;
  number: number;
  name: string;
  type: string;
  comment: string | null;
}

/** A per-role or per-database setting (ALTER ROLE / ALTER DATABASE ... SET), as pg_db_role_setting holds it. */
export interface PgRoleSetting {
  /** null: every role (ALTER DATABASE ... SET). */
  role: string | null;
  /** null: every database (ALTER ROLE ... SET). */
  database: string | null;
  name: string;
  value: string;
}

/** pg_stat_archiver and where WAL is being written, read on the server's clock. */
export interface PgArchiver {
  /** The server's clock when read (transaction start): ages are measured against it. */
  readAt: string;
  /** A standby (pg_is_in_recovery()): with archive_mode = on only its primary archives. */
  inRecovery: boolean;
  archivedCount: number;
  lastArchivedWal: string | null;
  lastArchivedTime: string | null;
  failedCount: number;
  lastFailedWal: string | null;
  lastFailedTime: string | null;
  /** The WAL segment being written now; null on a standby. */
  currentWal: string | null;
}

/** Since when cumulative statistics accumulate, and which column says so. */
export interface StatsSince {
  since: string;
  basis: 'stats_reset' | 'server start';
  source: string;
}

export interface PgRole {
  name: string;
  superuser: boolean;
  canLogin: boolean;
}

/** Whether the Data API roles can read a table, and whether row level security guards it. */
export interface ApiRoleTableAccess {
  tableOid: number;
  rowSecurity: boolean;
  /** The API roles (anon, authenticated) that hold SELECT on the table or on some of its columns. */
  readableBy: string[];
}

export interface PostgresFacts {
  endpoint: { host: string; port: number; database: string; user: string; unixSocket: boolean };
  serverVersion: string;
  serverVersionNum: number;
  /** How the scanner's own session is protected. */
  scannerSession: { tls: boolean; readOnly: boolean };
  privileges: { superuser: boolean; readAllSettings: boolean; readAllStats: boolean };
  settings: Observed<Record<string, PgSetting>>;
  /** ALTER ROLE / ALTER DATABASE settings of the names in settings that apply in this database. */
  roleSettings: Observed<PgRoleSetting[]>;
  /** WAL archiving: pg_stat_archiver. */
  archiver: Observed<PgArchiver>;
  /** WAL segments waiting to be archived (.ready files in pg_wal/archive_status). */
  archiveBacklog: Observed<number>;
  hbaRules: Observed<HbaRule[]>;
  connectionTls: Observed<{ tls: number; plaintext: number }>;
  plaintextProbe: Observed<{ accepted: boolean; detail: string }>;
  certificate: Observed<{ offered: boolean; notAfter?: string; subject?: string; issuer?: string }>;
  tables: Observed<PgTable[]>;
  foreignKeys: Observed<PgForeignKey[]>;
  indexes: Observed<PgIndex[]>;
  columns: Observed<PgColumn[]>;
  roles: Observed<PgRole[]>;
  /**
   * Since when table and index usage statistics have been accumulating: the later of the
   * database's reset time and the shared statistics' reset times (all set again after a
   * crash restart, when PostgreSQL discards every counter), else the server's start.
   */
  statsSince: Observed<StatsSince>;
  /** Present only where the Data API roles (anon, authenticated) exist, i.e. on Supabase databases. */
  apiRoleAccess?: Observed<ApiRoleTableAccess[]>;
  /** The schemas the Data API exposes, where the datastore has one (PostgresTarget.dataApiSchemas). */
  dataApiSchemas?: Observed<string[]>;
  /** The top statements (pg_stat_statements) and what their generic plans say: statement-facts.ts. */
  statements: Observed<StatementFacts>;
  /** Queries sent to the server for this collection (for benchmarks and the fixed-query-count contract). */
  queriesSent: number;
}

/**
 * Usage statistics mean nothing when the server does not collect them
 * (track_counts = off: every counter stays 0). Checks built on them say so
 * instead of passing on zeros.
 */
export function statisticsOff(resource: string, facts: Pick<PostgresFacts, 'settings'>): FindingDraft | undefined {
  if (!facts.settings.ok || facts.settings.value.track_counts?.setting !== 'off') return undefined;
  return {
    resource,
    status: 'unknown',
    message: 'the server collects no usage statistics (track_counts = off), so table and index usage cannot be judged',
    evidence: [{ source: 'pg_settings', field: 'track_counts', value: 'off' }],
  };
}

/** "12 minutes", "5 hours", "3 days": how long ago, in the unit a person would use. */
function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / MINUTE_MS));
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} hours`;
  return `${Math.floor(minutes / (24 * 60))} days`;
}

/**
 * The window cumulative statistics cover. A check built on them judges only once the
 * window reaches the policy's minimum age: after pg_stat_reset(), a crash restart or a
 * failover every counter starts again from zero, and zeros would pass. The evidence
 * field is what drift reads to report the reset itself.
 */
export function statisticsWindow(
  resource: string,
  statsSince: Extract<PostgresFacts['statsSince'], { ok: true }>,
  minAgeDays: number,
  now: Date,
): { ageDays: number; evidence: Evidence; tooYoung?: FindingDraft } {
  const { since, basis, source } = statsSince.value;
  const ageMs = now.getTime() - Date.parse(since);
  const evidence: Evidence = { source, field: STATISTICS_SINCE_FIELD, value: since };
  const ageDays = ageMs / DAY_MS;
  if (ageDays >= minAgeDays) return { ageDays, evidence };
  const what = basis === 'stats_reset' ? `statistics reset ${duration(ageMs)} ago` : `statistics cover only ${duration(ageMs)} since the server started`;
  return {
    ageDays,
    evidence,
    tooYoung: {
      resource,
      status: 'unknown',
      message: `${what} (at ${since}); at least ${minAgeDays} day${minAgeDays === 1 ? '' : 's'} of statistics are needed to judge`,
      evidence: [evidence, { source: 'policy', field: 'minimum statistics age (days)', value: minAgeDays }],
    },
  };
}

/** Qualified name of a table as SQL writes it, for messages and remediations. */
export function tableName(table: Pick<PgTable, 'schema' | 'name'>): string {
  return qualifiedName(table.schema, table.name);
}
