// Builders of PostgreSQL facts for check tests: plain data, no server.
import { observed, unavailable, type DatastoreCheck } from '../../src/engine/types';
import type { HbaRule, PgColumn, PgForeignKey, PgIndex, PgTable, PostgresFacts } from '../../src/datastores/postgres/facts';
import type { ObservedStatement, PlanIssue, StatementFacts, StatementPlan } from '../../src/datastores/postgres/statement-facts';
import { resolvePolicy, type Policy } from '../../src/config/policy';
import type { DatastoreConfig, ServiceConfig } from '../../src/config/schema';
import type { Finding } from '../../src/model';
import { CHECK_NOW, runCheck } from './check-tester';

export { observed, unavailable };

export function table(oid: number, name: string, extra: Partial<PgTable> = {}): PgTable {
  return { oid, schema: 'public', name, kind: 'table', partitionOf: null, hasPrimaryKey: true, liveRows: 0, seqScans: 0, indexScans: 0, ...extra };
}

export function index(oid: number, tableOid: number, name: string, keyColumns: number[], extra: Partial<PgIndex> = {}): PgIndex {
  return {
    oid,
    tableOid,
    schema: 'public',
    name,
    method: 'btree',
    keyColumns,
    includeColumns: [],
    operatorClasses: keyColumns.map(() => 1978),
    collations: keyColumns.map(() => 0),
    sortOptions: keyColumns.map(() => 0),
    expressions: null,
    predicate: null,
    isUnique: false,
    nullsNotDistinct: false,
    isPrimary: false,
    isValid: true,
    backsConstraint: false,
    partitioned: false,
    attachedTo: null,
    definition: null,
    sizeBytes: 8192,
    scans: 10,
    ...extra,
  };
}

export function column(tableOid: number, number: number, name: string, type = 'text', comment: string | null = null): PgColumn {
  return { tableOid, number, name, type, comment };
}

export function foreignKey(tableOid: number, name: string, columns: number[]): PgForeignKey {
  return { name, tableOid, columns, referencedTable: 'referenced' };
}

export function hba(order: number, type: string, authMethod: string, address: string | null = 'all', netmask: string | null = null): HbaRule {
  return { order, file: '/etc/postgresql/pg_hba.conf', line: order, type, databases: ['all'], users: ['all'], address, netmask, authMethod, error: null };
}

export function postgresFacts(overrides: Partial<PostgresFacts> = {}): PostgresFacts {
  return {
    endpoint: { host: 'db.internal', port: 5432, database: 'app', user: 'continuity_scanner', unixSocket: false },
    serverVersion: '17.6',
    serverVersionNum: 170006,
    scannerSession: { tls: true, readOnly: true },
    privileges: { superuser: false, readAllSettings: true, readAllStats: true },
    settings: observed('pg_settings', {
      ssl: { name: 'ssl', setting: 'on', unit: null, source: 'configuration file' },
      ssl_min_protocol_version: { name: 'ssl_min_protocol_version', setting: 'TLSv1.2', unit: null, source: 'default' },
      log_statement: { name: 'log_statement', setting: 'none', unit: null, source: 'default' },
      shared_preload_libraries: { name: 'shared_preload_libraries', setting: '', unit: null, source: 'default' },
      archive_mode: { name: 'archive_mode', setting: 'on', unit: null, source: 'configuration file' },
      archive_command: { name: 'archive_command', setting: 'pgbackrest --stanza=main archive-push %p', unit: null, source: 'configuration file' },
      archive_timeout: { name: 'archive_timeout', setting: '60', unit: 's', source: 'configuration file' },
      wal_segment_size: { name: 'wal_segment_size', setting: '16777216', unit: 'B', source: 'default' },
    }),
    hbaRules: observed('pg_hba_file_rules', [hba(1, 'local', 'peer', null), hba(2, 'hostssl', 'scram-sha-256')]),
    connectionTls: observed('pg_stat_ssl', { tls: 4, plaintext: 0 }),
    plaintextProbe: observed('plaintext probe', { accepted: false, detail: 'refused: no pg_hba.conf entry' }),
    certificate: observed('TLS handshake', { offered: true, notAfter: '2027-06-01T00:00:00.000Z', subject: 'db', issuer: 'ca' }),
    tables: observed('pg_class', []),
    foreignKeys: observed('pg_constraint', []),
    indexes: observed('pg_index', []),
    columns: observed('pg_attribute', []),
    roles: observed('pg_roles', []),
    roleSettings: observed('pg_db_role_setting', []),
    archiver: observed('pg_stat_archiver', {
      readAt: '2026-11-21T12:00:00.000Z',
      inRecovery: false,
      archivedCount: 1200,
      lastArchivedWal: '0000000100000000000000A1',
      lastArchivedTime: '2026-11-21T11:58:00.000Z',
      failedCount: 0,
      lastFailedWal: null,
      lastFailedTime: null,
      currentWal: '0000000100000000000000A2',
    }),
    archiveBacklog: observed('pg_ls_archive_statusdir()', 0),
    statsSince: observed('pg_stat_database', { since: '2026-01-01T00:00:00.000Z', basis: 'stats_reset' as const, source: 'pg_stat_database.stats_reset' }),
    statements: unavailable('pg_stat_statements', 'the pg_stat_statements extension is not installed in this database'),
    queriesSent: 20,
    ...overrides,
  };
}

export { CHECK_NOW as NOW };

/** Run a PostgreSQL check on facts through the engine's pipeline. */
export function run(
  check: DatastoreCheck<'postgres'>,
  facts: PostgresFacts,
  options: { policy?: Policy; datastore?: Partial<DatastoreConfig>; now?: Date } = {},
): Finding[] {
  const service: ServiceConfig = { name: 'svc', environment: 'production', datastores: [] };
  const datastore = { name: 'db', type: 'postgres', url: 'postgres://h/db', ...options.datastore } as DatastoreConfig;
  return runCheck(check, {
    service,
    datastore,
    facts,
    policy: options.policy ?? resolvePolicy({ policy: {} }, 'production'),
    now: options.now ?? CHECK_NOW,
  });
}

/** A statement of pg_stat_statements with its plan's verdict. */
export function statement(queryId: string, text: string, plan: StatementPlan, extra: Partial<ObservedStatement> = {}): ObservedStatement {
  return { queryId, text, command: 'select', calls: 1200, totalTimeMs: 5400, meanTimeMs: 4.5, rows: 1200, plan, ...extra };
}

/** A plan that reads its tables through indexes. */
export function indexedPlan(...indexes: string[]): StatementPlan {
  return { status: 'planned', totalCost: 8.3, indexesUsed: indexes, relations: ['public.inventory'], issues: [] };
}

/** A plan that scans public.inventory in full for a selective filter on menu_id. */
export function scanIssue(extra: Partial<PlanIssue> = {}): PlanIssue {
  return {
    kind: 'sequential scan',
    relation: 'public.inventory',
    relationRows: 20_000,
    estimatedRows: 400,
    node: 'Seq Scan on public.inventory',
    condition: 'Filter: (inventory.menu_id = $1)',
    suggestion: { kind: 'new', columns: ['menu_id'], where: null, statement: 'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);' },
    ...extra,
  };
}

export function plannedWith(...issues: PlanIssue[]): StatementPlan {
  return { status: 'planned', totalCost: 378, indexesUsed: [], relations: ['public.inventory'], issues };
}

/** pg_stat_statements facts with a day and a half of statistics before NOW. */
export function statementFacts(statements: ObservedStatement[], extra: Partial<StatementFacts> = {}) {
  const facts: StatementFacts = {
    extension: { schema: 'public', version: '1.11' },
    method: 'EXPLAIN (GENERIC_PLAN)',
    statsReset: new Date(CHECK_NOW.getTime() - 36 * 3600 * 1000).toISOString(),
    totals: { statements: statements.length + 2, calls: 50_000, totalTimeMs: statements.reduce((n, s) => n + s.totalTimeMs, 0) / 0.94 },
    hidden: { statements: 0, totalTimeMs: 0 },
    requested: 50,
    minLiveRows: 10_000,
    hypopg: null,
    statements,
    roundTrips: statements.length + 3,
    ...extra,
  };
  return observed('pg_stat_statements, EXPLAIN (GENERIC_PLAN)', facts);
}
