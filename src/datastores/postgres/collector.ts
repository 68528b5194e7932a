// The PostgreSQL collector's I/O: one read-only transaction of catalog queries
// and two wire-level probes. Loaded only when a scan collects from PostgreSQL.
import type pg from 'pg';
import { observed, unavailable, type CollectContext, type Observed } from '../../engine/types';
import { DEFAULT_POLICY } from '../../config/policy';
import { errorMessage } from '../../secrets';
import type { PostgresTarget } from '../module';
import { openSession, parsePostgresUrl, type PostgresEndpoint } from './connection';
import { GRANTS } from './grants';
import type {
  ApiRoleTableAccess,
  HbaRule,
  PgArchiver,
  PgColumn,
  PgForeignKey,
  PgIndex,
  PgRole,
  PgRoleSetting,
  PgSetting,
  PgTable,
  PostgresFacts,
  StatsSince,
} from './facts';
import * as sql from './queries';
import { QUERY_INDEX_USE } from './statement-evidence';
import { collectStatements, type StatementsOptions } from './statements';
import { probePlaintext, readServerCertificate } from './wire';

export interface PostgresScanOptions {
  verify?: boolean;
  excludeSchemas: string[];
  /** Data API roles (Supabase's anon, authenticated): which tables they can read, and whether RLS guards them, is read too. */
  dataApiRoles?: readonly string[];
  /** The top statements to explain (pg_stat_statements); false when no check needs them. Default: the policy defaults. */
  statements?: StatementsOptions | false;
}

/** Counts queries so the fixed-number-of-queries contract can be measured. */
class CountingSession {
  queriesSent = 0;
  private savepoints = 0;
  constructor(private readonly client: pg.Client) {}

  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    this.queriesSent++;
    return (await this.client.query<R>(text, values)).rows;
  }

  /** Several statements in one simple-query message: one round trip, one row list per statement. */
  async script(text: string): Promise<pg.QueryResultRow[][]> {
    this.queriesSent++;
    const results = (await this.client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
    return (Array.isArray(results) ? results : [results]).map((r) => r.rows);
  }

  /** Run one query in a savepoint so that a refusal does not abort the rest of the transaction. */
  async attempt<R extends pg.QueryResultRow>(
    source: string,
    text: string,
    values: unknown[] | undefined,
    hint?: string,
  ): Promise<Observed<R[]>> {
    const name = `continuity_${++this.savepoints}`;
    await this.query(`savepoint ${name}`);
    try {
      const rows = await this.query<R>(text, values);
      await this.query(`release savepoint ${name}`);
      return observed(source, rows);
    } catch (error) {
      await this.query(`rollback to savepoint ${name}`);
      const message = errorMessage(error);
      const denied = /permission denied/i.test(message);
      return unavailable(source, message, denied ? hint : undefined);
    }
  }
}

function map<T, U>(fact: Observed<T>, fn: (value: T) => U): Observed<U> {
  return fact.ok ? observed(fact.source, fn(fact.value)) : fact;
}

/** The policy defaults, and half of the default datastore timeout for planning statements. */
const DEFAULT_STATEMENTS: StatementsOptions = {
  top: DEFAULT_POLICY.queryIndexUse.topStatements,
  minLiveRows: DEFAULT_POLICY.sequentialScan.minLiveRows,
  budgetMs: 60_000,
};

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** A fixed order of names whatever the server or locale (code units). */
const nameOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);
const numbers = (v: unknown): number[] => (v as (number | string)[]).map(Number);

async function observe<T>(source: string, run: () => Promise<T>): Promise<Observed<T>> {
  try {
    return observed(source, await run());
  } catch (error) {
    return unavailable(source, errorMessage(error));
  }
}

export async function collectPostgres(
  endpoint: PostgresEndpoint,
  options: PostgresScanOptions,
  limits: { statementTimeoutMs: number; lockTimeoutMs: number; connectTimeoutMs: number },
  signal?: AbortSignal,
): Promise<PostgresFacts> {
  // The probes and the session at once: a server that does not answer costs one connect timeout, not two.
  const [networkProbes, { client, tls }] = await Promise.all([
    endpoint.unixSocket
      ? ([
          unavailable<{ accepted: boolean; detail: string }>('plaintext probe', 'connected over a Unix socket: TLS does not apply'),
          unavailable<{ offered: boolean }>('TLS handshake', 'connected over a Unix socket: TLS does not apply'),
        ] as const)
      : Promise.all([
          observe('plaintext probe (sslmode=disable startup, no credentials sent)', () =>
            probePlaintext(endpoint.host, endpoint.port, endpoint.user, endpoint.database, limits.connectTimeoutMs),
          ),
          observe('TLS handshake (SSLRequest)', () => readServerCertificate(endpoint.host, endpoint.port, limits.connectTimeoutMs)),
        ]),
    openSession(endpoint, limits, options.verify),
  ]);
  const abort = () => void client.end().catch(() => undefined);
  signal?.addEventListener('abort', abort, { once: true });
  client.on('error', () => undefined); // a dropped connection surfaces through the pending query
  const session = new CountingSession(client);
  try {
    await session.query('begin transaction isolation level repeatable read read only');
    const [privileges] = await session.query<{
      superuser: boolean;
      read_all_settings: boolean;
      read_all_stats: boolean;
      read_only: string;
      version_num: number;
    }>(sql.PRIVILEGES_SQL);
    const settingsRows = await session.attempt<PgSetting>('pg_settings', sql.SETTINGS_SQL, [sql.SETTING_NAMES]);
    const settings = map(settingsRows, (rows) => Object.fromEntries(rows.map((r) => [r.name, r])));
    const hbaRows = await session.attempt<Record<string, unknown>>('pg_hba_file_rules', sql.HBA_SQL, undefined, GRANTS.hba);
    const connectionTls = privileges?.read_all_stats
      ? map(
          await session.attempt<{ tls: string; plaintext: string }>('pg_stat_ssl', sql.CONNECTION_TLS_SQL, undefined, GRANTS.stats),
          (rows) => ({ tls: Number(rows[0]?.tls ?? 0), plaintext: Number(rows[0]?.plaintext ?? 0) }),
        )
      : unavailable<{ tls: number; plaintext: number }>(
          'pg_stat_ssl',
          'other sessions\' client addresses are hidden from the scanner role',
          GRANTS.stats,
        );
    const excluded = [options.excludeSchemas];
    const tables = map(await session.attempt<Record<string, unknown>>('pg_class, pg_stat_user_tables', sql.TABLES_SQL, excluded), (rows) =>
      rows.map(
        (r): PgTable => ({
          oid: Number(r.oid),
          schema: String(r.schema),
          name: String(r.name),
          kind: r.kind === 'p' ? 'partitioned table' : 'table',
          partitionOf: num(r.partition_of),
          hasPrimaryKey: Boolean(r.has_primary_key),
          liveRows: num(r.live_rows),
          seqScans: num(r.seq_scans),
          indexScans: num(r.index_scans),
        }),
      ),
    );
    const foreignKeys = map(await session.attempt<Record<string, unknown>>('pg_constraint', sql.FOREIGN_KEYS_SQL, excluded), (rows) =>
      rows.map(
        (r): PgForeignKey => ({
          name: String(r.name),
          tableOid: Number(r.table_oid),
          columns: (r.columns as number[]).map(Number),
          referencedTable: String(r.referenced_table),
        }),
      ),
    );
    const indexesSql = sql.indexesSql(Number(privileges?.version_num ?? 0));
    const indexes = map(await session.attempt<Record<string, unknown>>('pg_index, pg_stat_user_indexes', indexesSql, excluded), (rows) =>
      rows.map((r): PgIndex => {
        const keyCount = Number(r.key_count);
        const columns = numbers(r.columns);
        return {
          oid: Number(r.oid),
          tableOid: Number(r.table_oid),
          schema: String(r.schema),
          name: String(r.name),
          method: String(r.method),
          keyColumns: columns.slice(0, keyCount),
          includeColumns: columns.slice(keyCount),
          operatorClasses: numbers(r.operator_classes).slice(0, keyCount),
          collations: numbers(r.collations).slice(0, keyCount),
          sortOptions: numbers(r.sort_options).slice(0, keyCount),
          expressions: (r.expressions as string | null) ?? null,
          predicate: (r.predicate as string | null) ?? null,
          isUnique: Boolean(r.is_unique),
          nullsNotDistinct: Boolean(r.nulls_not_distinct),
          isPrimary: Boolean(r.is_primary),
          isValid: Boolean(r.is_valid),
          backsConstraint: Boolean(r.backs_constraint),
          partitioned: Boolean(r.partitioned),
          attachedTo: num(r.attached_to),
          definition: (r.definition as string | null) ?? null,
          sizeBytes: Number(r.size_bytes),
          scans: num(r.scans),
        };
      }).sort((a, b) => nameOrder(a.schema, b.schema) || nameOrder(a.name, b.name)),
    );
    const columns = map(await session.attempt<Record<string, unknown>>('pg_attribute, pg_description', sql.COLUMNS_SQL, excluded), (rows) =>
      rows.map(
        (r): PgColumn => ({
          tableOid: Number(r.table_oid),
          number: Number(r.number),
          name: String(r.name),
          type: String(r.type),
          comment: (r.comment as string | null) ?? null,
        }),
      ),
    );
    const roles = map(await session.attempt<Record<string, unknown>>('pg_roles', sql.ROLES_SQL, undefined), (rows) =>
      rows.map((r): PgRole => ({ name: String(r.name), superuser: Boolean(r.superuser), canLogin: Boolean(r.can_login) })),
    );
    // Where a Data API reads through its roles (Supabase's PostgREST) and they exist: which tables they can read, and whether RLS guards them.
    const apiRoles =
      options.dataApiRoles && roles.ok ? options.dataApiRoles.filter((r) => roles.value.some((role) => role.name === r)) : [];
    const apiRoleAccess =
      apiRoles.length > 0
        ? map(await session.attempt<Record<string, unknown>>('pg_class.relrowsecurity, has_any_column_privilege', sql.API_ROLE_ACCESS_SQL, [options.excludeSchemas, apiRoles]), (rows) =>
            rows.map(
              (r): ApiRoleTableAccess => ({
                tableOid: Number(r.table_oid),
                rowSecurity: Boolean(r.row_security),
                readableBy: r.readable_by as string[],
              }),
            ),
          )
        : undefined;
    const roleSettings = map(
      await session.attempt<Record<string, unknown>>('pg_db_role_setting', sql.ROLE_SETTINGS_SQL, [sql.ROLE_SETTING_NAMES]),
      (rows) =>
        rows.map(
          (r): PgRoleSetting => ({
            role: (r.role as string | null) ?? null,
            database: (r.database as string | null) ?? null,
            name: String(r.name),
            value: String(r.value),
          }),
        ),
    );
    const archiverRows = await session.attempt<Record<string, unknown>>('pg_stat_archiver', sql.ARCHIVER_SQL, undefined);
    const archiver = map(archiverRows, (rows): PgArchiver => {
      const r = rows[0] ?? {};
      return {
        readAt: iso(r.read_at) ?? new Date().toISOString(),
        inRecovery: Boolean(r.in_recovery),
        archivedCount: Number(r.archived_count ?? 0),
        lastArchivedWal: (r.last_archived_wal as string | null) ?? null,
        lastArchivedTime: iso(r.last_archived_time),
        failedCount: Number(r.failed_count ?? 0),
        lastFailedWal: (r.last_failed_wal as string | null) ?? null,
        lastFailedTime: iso(r.last_failed_time),
        currentWal: (r.current_wal as string | null) ?? null,
      };
    });
    const archiveBacklog = map(
      await session.attempt<{ ready: string }>('pg_ls_archive_statusdir()', sql.ARCHIVE_BACKLOG_SQL, undefined, GRANTS.monitor),
      (rows) => Number(rows[0]?.ready ?? 0),
    );
    const statsSince = map(
      await session.attempt<Record<string, Date | null>>('pg_stat_database', sql.STATS_SINCE_SQL, undefined),
      (rows) => statisticsSince(rows[0] ?? {}),
    );
    const statements = await collectStatements(session, options.statements ?? DEFAULT_STATEMENTS, options.excludeSchemas);
    await session.query('commit');

    const settingValue = (name: string) => (settings.ok ? settings.value[name]?.setting : undefined);
    const [plaintextProbe, certificate] = networkProbes;
    return {
      endpoint: {
        host: endpoint.host,
        port: endpoint.port,
        database: endpoint.database,
        user: endpoint.user,
        unixSocket: endpoint.unixSocket,
      },
      serverVersion: settingValue('server_version') ?? 'unknown',
      serverVersionNum: Number(settingValue('server_version_num') ?? 0),
      scannerSession: { tls, readOnly: privileges?.read_only === 'on' },
      privileges: {
        superuser: Boolean(privileges?.superuser),
        readAllSettings: Boolean(privileges?.read_all_settings),
        readAllStats: Boolean(privileges?.read_all_stats),
      },
      settings,
      roleSettings,
      archiver,
      archiveBacklog,
      hbaRules: map(hbaRows, (rows) => rows.map(toHbaRule).sort((a, b) => a.order - b.order)),
      connectionTls,
      plaintextProbe,
      certificate,
      tables,
      foreignKeys,
      indexes,
      columns,
      roles,
      statsSince,
      ...(apiRoleAccess ? { apiRoleAccess } : {}),
      statements,
      queriesSent: session.queriesSent,
    };
  } finally {
    signal?.removeEventListener('abort', abort);
    await client.end().catch(() => undefined);
  }
}

/**
 * Since when the table and index counters accumulate: the database's reset, or a crash
 * restart, when PostgreSQL discards every counter and resets all shared statistics at
 * once. The earlier of two shared reset times marks that restart, so that a monitoring
 * tool resetting one of them (pg_stat_reset_shared('bgwriter')) is not taken for one.
 * With neither, the server's start.
 */
function statisticsSince(row: Record<string, Date | null | undefined>): StatsSince {
  const at = (source: string, value: Date | null | undefined) => (value instanceof Date ? { source, at: value } : undefined);
  const archiver = at('pg_stat_archiver.stats_reset', row.archiver_reset);
  const bgwriter = at('pg_stat_bgwriter.stats_reset', row.bgwriter_reset);
  const restart = archiver && bgwriter ? (archiver.at < bgwriter.at ? archiver : bgwriter) : undefined;
  const database = at('pg_stat_database.stats_reset', row.database_reset);
  const latest = database && restart ? (database.at >= restart.at ? database : restart) : (database ?? restart);
  if (latest) return { since: latest.at.toISOString(), basis: 'stats_reset', source: latest.source };
  return { since: (row.server_start ?? new Date()).toISOString(), basis: 'server start', source: 'pg_postmaster_start_time()' };
}

function toHbaRule(row: Record<string, unknown>): HbaRule {
  const line = Number(row.line_number);
  return {
    order: row.rule_number !== undefined && row.rule_number !== null ? Number(row.rule_number) : line,
    file: (row.file_name as string | undefined) ?? null,
    line,
    type: String(row.type),
    databases: (row.database as string[] | null) ?? [],
    users: (row.user_name as string[] | null) ?? [],
    address: (row.address as string | null) ?? null,
    netmask: (row.netmask as string | null) ?? null,
    authMethod: (row.auth_method as string | null) ?? null,
    error: (row.error as string | null) ?? null,
  };
}

/**
 * A datastore's PostgreSQL facts, collected once per scan: the PostgreSQL
 * collector and a type's own collector that compares the database with its
 * platform's view (CloudNativePG's archiving condition) share one collection.
 */
export function collectDatastorePostgres(ctx: Pick<CollectContext, 'config' | 'signal' | 'policy' | 'shared' | 'service' | 'datastore' | 'postgres'>): Promise<PostgresFacts> {
  const target = ctx.postgres;
  if (!target) return Promise.reject(new Error('no PostgreSQL endpoint was resolved for this datastore'));
  return ctx.shared.once(`postgres:${ctx.service.name}/${ctx.datastore.name}`, () => collectPostgresTarget(target, ctx));
}

/** Collect from a datastore's PostgreSQL database, with the scan's timeouts. */
export function collectPostgresTarget(target: PostgresTarget, ctx: Pick<CollectContext, 'config' | 'signal' | 'policy'>): Promise<PostgresFacts> {
  const endpoint = parsePostgresUrl(target.url, { ...(target.tls?.caFile ? { caFile: target.tls.caFile } : {}) });
  const options: PostgresScanOptions = {
    excludeSchemas: target.excludeSchemas,
    ...(target.tls?.verify !== undefined ? { verify: target.tls.verify } : {}),
    ...(target.dataApiRoles ? { dataApiRoles: target.dataApiRoles } : {}),
    statements: ctx.policy.skipChecks.includes(QUERY_INDEX_USE)
      ? false
      : {
          top: ctx.policy.queryIndexUse.topStatements,
          minLiveRows: ctx.policy.sequentialScan.minLiveRows,
          budgetMs: ctx.config.scan.datastoreTimeoutSeconds * 500,
        },
  };
  return collectPostgres(endpoint, options, ctx.config.scan, ctx.signal);
}
