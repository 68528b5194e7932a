// The ClickHouse collector: system tables read through the official @clickhouse/client over the
// HTTP interface, every statement read-only (readonly=1, or the login profile's readonly) with a
// per-query timeout, plus the Cloud and clickhouse-backup APIs and the plaintext-port probes.
// Loaded only when a scan collects from a ClickHouse datastore.
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { observed, unavailable, type CollectContext, type Observed } from '../../engine/types';
import { errorMessage, registerSecret } from '../../secrets';
import { readClickHouseBackupApi, readCloudBackups } from './apis';
import {
  CLICKHOUSE_SYSTEM_DATABASES,
  mutationKind,
  type BackupSource,
  type ClickHouseBackup,
  type ClickHouseColumn,
  type ClickHouseDeleteQuery,
  type ClickHouseFacts,
  type ClickHouseMutation,
  type ClickHouseSession,
  type ClickHouseSkippingIndex,
  type ClickHouseTable,
  type ClickHouseUser,
} from './facts';
import type { ClickHouseDatastore } from './index';
import { probePlaintextPort } from './probe';

/** The most rows any one list read returns: enough for any real estate, bounded for a huge one. */
const ROW_LIMIT = 10_000;
const SYSTEM_DATABASES = CLICKHOUSE_SYSTEM_DATABASES.map((d) => `'${d}'`).join(', ');
const DEFAULT_PORTS = { http_port: 8123, tcp_port: 9000 } as const;
const GRANT_HINT = 'GRANT SELECT ON system.* TO <scanner user> (see docs/clickhouse.md)';

/** The value of an environment variable the config names, or an error naming the variable and the key. */
function envValue(name: string, what: string, configKey: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`environment variable ${name} (config ${configKey}) is not set: it must hold ${what}`);
  return value;
}

/** An error as the scan shows it: the server's exception name and code first. */
function describeError(error: unknown): string {
  if (error instanceof ClickHouseError) return errorMessage(`${error.type ?? 'error'} (${error.code}): ${error.message.split('\n')[0]}`);
  return errorMessage(error);
}

const isServerError = (error: unknown, type: string) => error instanceof ClickHouseError && error.type === type;

interface Reader {
  rows<T>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  sent: number;
  session: ClickHouseSession;
}

/**
 * Finds the settings this login may send. readonly=1 and max_execution_time go with every query;
 * a settings profile with readonly=1 refuses any change of a setting (max_execution_time then
 * falls back to the client's request timeout), one with readonly=2 refuses a change of readonly
 * itself (the session is read-only through the profile). Either way nothing can be written.
 */
async function openReader(client: ClickHouseClient, timeoutSeconds: number, signal: AbortSignal): Promise<{ reader: Reader; server: { version: string; hostName: string; uptime: number } }> {
  const candidates: { settings: Record<string, string | number>; session: ClickHouseSession }[] = [
    { settings: { readonly: '1', max_execution_time: timeoutSeconds }, session: { readonly: 'query setting', serverTimeout: true } },
    { settings: { readonly: '1' }, session: { readonly: 'profile readonly=1', serverTimeout: false } },
    { settings: { max_execution_time: timeoutSeconds }, session: { readonly: 'profile readonly=2', serverTimeout: true } },
  ];
  let sent = 0;
  const run = async <T>(settings: Record<string, string | number>, sql: string, params?: Record<string, unknown>): Promise<T[]> => {
    sent++;
    const result = await client.query({
      query: sql,
      format: 'JSONEachRow',
      clickhouse_settings: settings as never,
      ...(params ? { query_params: params } : {}),
      abort_signal: signal,
    });
    return result.json<T>();
  };
  const probe = 'SELECT version() AS version, hostName() AS host, uptime() AS uptime';
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      const [row] = await run<{ version: string; host: string; uptime: number }>(candidate.settings, probe);
      const reader: Reader = {
        session: candidate.session,
        get sent() {
          return sent;
        },
        rows: (sql, params) => run(candidate.settings, sql, params),
      };
      return { reader, server: { version: row?.version ?? '', hostName: row?.host ?? '', uptime: Number(row?.uptime ?? 0) } };
    } catch (error) {
      lastError = error;
      // Only a settings refusal by the profile is worth another combination.
      if (!isServerError(error, 'READONLY')) break;
    }
  }
  throw new Error(`could not query ClickHouse: ${describeError(lastError)}`);
}

/** A read that may fail on its own (a grant missing, a table this version lacks) without failing the others. */
async function read<T>(source: string, load: () => Promise<T>, hint = GRANT_HINT): Promise<Observed<T>> {
  try {
    return observed(source, await load());
  } catch (error) {
    if (isServerError(error, 'UNKNOWN_TABLE')) return unavailable(source, `${source} does not exist on this server`);
    return unavailable(source, describeError(error), isServerError(error, 'ACCESS_DENIED') ? hint : undefined);
  }
}

const iso = (text: string) => new Date(`${text.replace(' ', 'T')}Z`).toISOString();
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const BACKUP_OUTCOMES = "status IN ('BACKUP_CREATED', 'BACKUP_FAILED', 'BACKUP_CANCELLED')";

interface BackupRow {
  id: string;
  status: string;
  error: string;
  end_time: string;
  total_size: string;
}

function nativeBackup(row: BackupRow): ClickHouseBackup {
  const ok = row.status === 'BACKUP_CREATED';
  return { at: iso(row.end_time), ok, sizeBytes: num(row.total_size), ...(ok ? {} : { error: row.error ? row.error.slice(0, 300) : row.status }) };
}

/** Native BACKUP: system.backup_log over the window, with system.backups (operations since the last restart) merged in. */
async function readNativeBackups(reader: Reader, days: number, uptimeSeconds: number): Promise<Observed<BackupSource>> {
  const columns = 'id, status, error, end_time, total_size';
  const [log, recent] = await Promise.all([
    read('system.backup_log', () =>
      reader.rows<BackupRow>(
        `SELECT ${columns} FROM system.backup_log WHERE ${BACKUP_OUTCOMES} AND event_time >= now() - INTERVAL {days:UInt32} DAY ORDER BY event_time DESC LIMIT ${ROW_LIMIT}`,
        { days },
      ),
    ),
    read('system.backups', () => reader.rows<BackupRow>(`SELECT ${columns} FROM system.backups WHERE ${BACKUP_OUTCOMES} ORDER BY end_time DESC LIMIT ${ROW_LIMIT}`)),
  ]);
  if (!log.ok && !recent.ok) return unavailable('system.backup_log, system.backups', `${log.reason}; ${recent.reason}`, log.hint ?? recent.hint);
  const byId = new Map<string, BackupRow>();
  for (const row of [...(log.ok ? log.value : []), ...(recent.ok ? recent.value : [])]) byId.set(row.id, row);
  const restart = `system.backups holds only operations since the server started ${Math.round(uptimeSeconds / 3600)} h ago`;
  return observed(log.ok ? (recent.ok ? 'system.backup_log, system.backups' : 'system.backup_log') : 'system.backups', {
    kind: 'native',
    source: log.ok ? 'system.backup_log' : 'system.backups',
    backups: [...byId.values()].map(nativeBackup),
    listsRetained: false,
    retentionNote: log.ok
      ? 'system.backup_log records the backups made, not which still exist'
      : `system.backup_log is not readable (${log.reason}); ${restart}`,
  });
}

interface BackupListRow {
  name: string;
  created: string;
  size: string;
  location: string;
  desc: string;
}

/** Altinity clickhouse-backup through its integration table system.backup_list; undefined where it is not installed. */
async function readBackupListTable(reader: Reader): Promise<Observed<BackupSource> | undefined> {
  const rows = await read('system.backup_list', () => reader.rows<BackupListRow>(`SELECT name, created, size, location, \`desc\` FROM system.backup_list LIMIT ${ROW_LIMIT}`));
  if (!rows.ok && rows.reason.endsWith('does not exist on this server')) return undefined;
  if (!rows.ok) return rows as Observed<never>;
  return observed('system.backup_list', {
    kind: 'clickhouse-backup',
    source: 'system.backup_list (clickhouse-backup)',
    backups: rows.value.map((r) => ({
      at: iso(r.created),
      // clickhouse-backup marks a backup it cannot use as "broken" in desc.
      ok: !/^broken/i.test(r.desc),
      sizeBytes: num(r.size),
      location: r.location,
    })),
    listsRetained: true,
  });
}

interface MutationRow {
  database: string;
  table: string;
  mutation_id: string;
  command: string;
  create_time: string;
  is_done: number;
}

interface DeleteRow {
  query_id: string;
  user: string;
  event_time: string;
  tables: string[];
  query: string;
}

interface UserRow {
  name: string;
  auth_type: string | string[];
  host_ip: string[];
  host_names: string[];
  host_names_regexp: string[];
  host_names_like: string[];
}

async function serverPort(reader: Reader, name: string): Promise<Observed<number | null>> {
  const source = `getServerPort('${name}')`;
  try {
    const [row] = await reader.rows<{ port: number }>(`SELECT getServerPort('${name}') AS port`);
    return observed(source, Number(row?.port));
  } catch (error) {
    // BAD_GET: the server has no such port configured.
    if (isServerError(error, 'BAD_GET')) return observed(source, null);
    return unavailable(source, describeError(error));
  }
}

/** The client for one datastore: credentials from the environment, never in the URL. */
async function clientFor(datastore: ClickHouseDatastore, timeoutMs: number): Promise<ClickHouseClient> {
  const username = envValue(datastore.userEnv, 'the ClickHouse user the scanner logs in as', `datastores[${datastore.name}].userEnv`);
  const password = envValue(datastore.passwordEnv, "that user's password", `datastores[${datastore.name}].passwordEnv`);
  registerSecret(password);
  const ca = datastore.tls?.caFile ? await readFile(datastore.tls.caFile) : undefined;
  return createClient({
    url: datastore.url,
    username,
    password,
    application: 'continuity',
    request_timeout: timeoutMs,
    max_open_connections: 4,
    log: { level: ClickHouseLogLevel.OFF },
    ...(ca ? { tls: { ca_cert: ca } } : {}),
  });
}

export async function collectClickHouse(ctx: CollectContext<ClickHouseDatastore>): Promise<ClickHouseFacts> {
  const datastore = ctx.datastore;
  const timeoutSeconds = datastore.queryTimeoutSeconds;
  // The client's own timeout is a little longer, so the server's TIMEOUT_EXCEEDED arrives first where it can.
  const client = await clientFor(datastore, timeoutSeconds * 1000 + 2000);
  // One listener per statement in flight on the scan's signal: a signal of our own carries them,
  // and its one listener on the scan's signal goes when this datastore is done.
  const local = new AbortController();
  setMaxListeners(32, local.signal);
  const follow = () => local.abort(ctx.signal.reason);
  if (ctx.signal.aborted) follow();
  else ctx.signal.addEventListener('abort', follow, { once: true });
  try {
    const { reader, server } = await openReader(client, timeoutSeconds, local.signal);
    const window = datastore.dataChangeWindowDays;
    const backupDays = Math.max(ctx.policy.pitrMinRetentionDays, window) * 2;
    const [native, backupListTable, https, tcpSecure, httpPort, tcpPort, mutations, lightweightDeletes, users, columns, tables, skippingIndexes] = await Promise.all([
      readNativeBackups(reader, backupDays, server.uptime),
      readBackupListTable(reader),
      serverPort(reader, 'https_port'),
      serverPort(reader, 'tcp_port_secure'),
      serverPort(reader, 'http_port'),
      serverPort(reader, 'tcp_port'),
      read('system.mutations', async () =>
        (
          await reader.rows<MutationRow>(
            `SELECT database, table, mutation_id, normalizeQuery(command) AS command, create_time, is_done FROM system.mutations WHERE create_time >= now() - INTERVAL {days:UInt32} DAY ORDER BY create_time DESC LIMIT ${ROW_LIMIT}`,
            { days: window },
          )
        ).map(
          (r): ClickHouseMutation => ({
            database: r.database,
            table: r.table,
            mutationId: r.mutation_id,
            kind: mutationKind(r.command),
            command: r.command,
            createdAt: iso(r.create_time),
            done: Number(r.is_done) === 1,
          }),
        ),
      ),
      read('system.query_log', async () =>
        (
          await reader.rows<DeleteRow>(
            `SELECT query_id, user, event_time, tables, normalizeQuery(query) AS query FROM system.query_log WHERE type = 'QueryFinish' AND query_kind = 'Delete' AND event_time >= now() - INTERVAL {days:UInt32} DAY ORDER BY event_time DESC LIMIT ${ROW_LIMIT}`,
            { days: window },
          )
        ).map((r): ClickHouseDeleteQuery => ({ queryId: r.query_id, user: r.user, at: iso(r.event_time), tables: r.tables, query: r.query })),
      ),
      read('system.users', async () =>
        (await reader.rows<UserRow>('SELECT name, auth_type, host_ip, host_names, host_names_regexp, host_names_like FROM system.users ORDER BY name')).map(
          (r): ClickHouseUser => ({
            name: r.name,
            // An array since multiple authentication methods (24.9); one value before.
            authTypes: Array.isArray(r.auth_type) ? r.auth_type : [r.auth_type],
            hostIp: r.host_ip,
            hostNames: r.host_names,
            hostNamesRegexp: r.host_names_regexp,
            hostNamesLike: r.host_names_like,
          }),
        ),
      ),
      read('system.columns', () =>
        reader.rows<ClickHouseColumn>(
          `SELECT database, table, name, type, comment FROM system.columns WHERE database NOT IN (${SYSTEM_DATABASES}) ORDER BY database, table, position LIMIT ${ROW_LIMIT * 10}`,
        ),
      ),
      read('system.tables', async () =>
        (
          await reader.rows<{ database: string; name: string; engine: string; sorting_key: string; primary_key: string }>(
            `SELECT database, name, engine, sorting_key, primary_key FROM system.tables WHERE database NOT IN (${SYSTEM_DATABASES}) AND is_temporary = 0 ORDER BY database, name LIMIT ${ROW_LIMIT}`,
          )
        ).map((r): ClickHouseTable => ({ database: r.database, name: r.name, engine: r.engine, sortingKey: r.sorting_key, primaryKey: r.primary_key })),
      ),
      read('system.data_skipping_indices', () =>
        reader.rows<ClickHouseSkippingIndex>(
          `SELECT database, table, name, type FROM system.data_skipping_indices WHERE database NOT IN (${SYSTEM_DATABASES}) ORDER BY database, table, name LIMIT ${ROW_LIMIT}`,
        ),
      ),
    ]);

    const host = new URL(datastore.url).hostname.replace(/^\[|\]$/g, '');
    const probeTimeoutMs = Math.min(timeoutSeconds * 1000, 5000);
    const plaintextProbes = datastore.plaintextProbe
      ? await Promise.all(
          (['http_port', 'tcp_port'] as const).map((name) => {
            const registered = name === 'http_port' ? httpPort : tcpPort;
            if (!registered.ok) return probePlaintextPort(host, name, DEFAULT_PORTS[name], 'unread', probeTimeoutMs);
            if (registered.value === null) return probePlaintextPort(host, name, DEFAULT_PORTS[name], 'default', probeTimeoutMs);
            return probePlaintextPort(host, name, registered.value, 'getServerPort', probeTimeoutMs);
          }),
        )
      : [];

    const clickhouseBackup = datastore.clickhouseBackup ? await readClickHouseBackupApi(datastore.clickhouseBackup, timeoutSeconds * 1000, ctx.signal) : backupListTable;
    const cloud = datastore.cloud ? await readCloudBackups(datastore.cloud, timeoutSeconds * 1000, ctx.signal) : undefined;

    return {
      server: { version: server.version, hostName: server.hostName, uptimeSeconds: server.uptime, endpoint: new URL(datastore.url).origin },
      session: reader.session,
      queriesSent: reader.sent,
      backups: { native, ...(clickhouseBackup ? { clickhouseBackup } : {}), ...(cloud ? { cloud } : {}) },
      ports: { https, tcpSecure },
      plaintextProbes,
      dataChangeWindowDays: window,
      mutations,
      lightweightDeletes,
      users,
      columns,
      tables,
      skippingIndexes,
    };
  } finally {
    ctx.signal.removeEventListener('abort', follow);
    await client.close();
  }
}
