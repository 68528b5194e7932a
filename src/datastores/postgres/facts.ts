import type { FindingDraft, Observed } from '../../engine/types';
import type { StatementFacts } from './statement-facts';

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
  expressions: string | null;
  predicate: string | null;
  /** Operator classes of the key columns, as oids. */
  operatorClasses: number[];
  isUnique: boolean;
  isPrimary: boolean;
  isValid: boolean;
  /** Backs a primary key, unique or exclusion constraint. */
  backsConstraint: boolean;
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
  hbaRules: Observed<HbaRule[]>;
  connectionTls: Observed<{ tls: number; plaintext: number }>;
  plaintextProbe: Observed<{ accepted: boolean; detail: string }>;
  certificate: Observed<{ offered: boolean; notAfter?: string; subject?: string; issuer?: string }>;
  tables: Observed<PgTable[]>;
  foreignKeys: Observed<PgForeignKey[]>;
  indexes: Observed<PgIndex[]>;
  columns: Observed<PgColumn[]>;
  roles: Observed<PgRole[]>;
  /** Since when index and table usage statistics have been accumulating (a lower bound). */
  statsSince: Observed<{ since: string; basis: 'stats_reset' | 'server start' }>;
  /** Present only where the Data API roles (anon, authenticated) exist, i.e. on Supabase databases. */
  apiRoleAccess?: Observed<ApiRoleTableAccess[]>;
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

/** Qualified name of a table, for resources and messages. */
export function tableName(table: Pick<PgTable, 'schema' | 'name'>): string {
  return `${table.schema}.${table.name}`;
}
