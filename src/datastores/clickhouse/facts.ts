// What the ClickHouse collector observes, and the pure summaries that the checks and the
// report's recovery column share. No row data is ever here: commands and queries arrive with
// every literal replaced by the server's normalizeQuery().
import type { Observed } from '../../engine/types';
import { DAY_MS, HOUR_MS } from '../../util';

/** One backup, whichever tool made it: native BACKUP, Altinity's clickhouse-backup, or ClickHouse Cloud. */
export interface ClickHouseBackup {
  /** ISO time the backup finished (or was created, for clickhouse-backup). */
  at: string;
  ok: boolean;
  /** Bytes, when the source reports a size. */
  sizeBytes: number | null;
  /** The error the server reported for a failed backup (native backups only). */
  error?: string;
  /** Where the backup is kept, for clickhouse-backup: local or remote. */
  location?: string;
}

export type BackupSourceKind = 'cloud' | 'clickhouse-backup' | 'native';

export interface BackupSource {
  kind: BackupSourceKind;
  /** Where the list was read, e.g. `system.backup_log`. */
  source: string;
  backups: ClickHouseBackup[];
  /** Cloud only: the configured period and retention (hours). */
  periodHours?: number;
  retentionHours?: number;
  /** Whether the list shows the backups that still exist (clickhouse-backup, Cloud) or only those made (backup_log). */
  listsRetained: boolean;
  /** Why the retention cannot be read from this source, when it cannot. */
  retentionNote?: string;
}

export type ProbeOutcome = 'refused' | 'closed' | 'timeout' | 'http-answered' | 'native-answered' | 'open-unidentified';

export interface PlaintextProbe {
  /** The server's name for the port: http_port or tcp_port. */
  name: 'http_port' | 'tcp_port';
  port: number;
  /** Where the port number came from: getServerPort(), ClickHouse's default when the server registers none, or the default guessed because getServerPort() could not be read. */
  portSource: 'getServerPort' | 'default' | 'unread';
  outcome: ProbeOutcome;
  detail: string;
}

export interface ClickHouseMutation {
  database: string;
  table: string;
  mutationId: string;
  /** UPDATE, DELETE, lightweight DELETE (`UPDATE _row_exists = 0`), or the first words of another command. */
  kind: string;
  /** The command as normalizeQuery() returned it: every literal is `?`. */
  command: string;
  createdAt: string;
  done: boolean;
}

export interface ClickHouseDeleteQuery {
  queryId: string;
  user: string;
  at: string;
  tables: string[];
  /** normalizeQuery(query): every literal is `?`. */
  query: string;
}

export interface ClickHouseUser {
  name: string;
  authTypes: string[];
  hostIp: string[];
  hostNames: string[];
  hostNamesRegexp: string[];
  hostNamesLike: string[];
}

export interface ClickHouseColumn {
  database: string;
  table: string;
  name: string;
  type: string;
  comment: string;
}

export interface ClickHouseTable {
  database: string;
  name: string;
  engine: string;
  sortingKey: string;
  primaryKey: string;
}

export interface ClickHouseSkippingIndex {
  database: string;
  table: string;
  name: string;
  type: string;
}

export interface ClickHouseSession {
  /** How readonly holds: sent as readonly=1 with every query, or set by the login's settings profile. */
  readonly: 'query setting' | 'profile readonly=1' | 'profile readonly=2';
  /** max_execution_time sent with every query, or only the client's request timeout (a readonly=1 profile refuses it). */
  serverTimeout: boolean;
}

export interface ClickHouseFacts {
  server: { version: string; hostName: string; uptimeSeconds: number; endpoint: string };
  session: ClickHouseSession;
  /** Statements sent to the server in this collection (constant per datastore, whatever its size). */
  queriesSent: number;
  backups: {
    native: Observed<BackupSource>;
    clickhouseBackup?: Observed<BackupSource>;
    cloud?: Observed<BackupSource>;
  };
  ports: {
    https: Observed<number | null>;
    tcpSecure: Observed<number | null>;
  };
  plaintextProbes: PlaintextProbe[];
  /** The window (days) over which mutations and deletes were read. */
  dataChangeWindowDays: number;
  mutations: Observed<ClickHouseMutation[]>;
  lightweightDeletes: Observed<ClickHouseDeleteQuery[]>;
  users: Observed<ClickHouseUser[]>;
  columns: Observed<ClickHouseColumn[]>;
  tables: Observed<ClickHouseTable[]>;
  skippingIndexes: Observed<ClickHouseSkippingIndex[]>;
}

/** The schemas ClickHouse itself owns: never the service's data. */
export const CLICKHOUSE_SYSTEM_DATABASES = ['system', 'INFORMATION_SCHEMA', 'information_schema'] as const;

/**
 * Why an empty system.tables / system.columns / system.mutations is not "nothing there": they list
 * only the tables the login may SHOW, and a login without that grant gets no rows, not an error.
 */
export const NOTHING_VISIBLE = 'no table of the service is visible to the scanner: system.tables, system.columns and system.mutations list only what the login may SHOW (GRANT SHOW ON *.* TO <scanner user>, see docs/clickhouse.md)';

/** What a mutation command does, from its normalized text: `UPDATE _row_exists = 0` is a lightweight DELETE. */
export function mutationKind(command: string): string {
  const text = command.trim();
  if (/^UPDATE\s+`?_row_exists`?\s*=/i.test(text)) return 'lightweight DELETE';
  const first = /^[A-Za-z_]+/.exec(text)?.[0]?.toUpperCase();
  if (first === 'UPDATE' || first === 'DELETE') return first;
  return /^[A-Za-z_]+(?:\s+[A-Za-z_]+)?/.exec(text)?.[0]?.toUpperCase() ?? 'unknown';
}

/** UPDATE and DELETE mutations change rows; others (MATERIALIZE INDEX, ...) change how data is stored. */
export function changesRows(mutation: Pick<ClickHouseMutation, 'kind'>): boolean {
  return mutation.kind === 'UPDATE' || mutation.kind === 'DELETE' || mutation.kind === 'lightweight DELETE';
}

/** The backup source the checks judge: Cloud, then clickhouse-backup, then native BACKUP, the first one read that lists any backup. */
export function judgedBackupSource(facts: ClickHouseFacts): { source: BackupSource | undefined; unread: { kind: BackupSourceKind; source: string; reason: string }[] } {
  const unread: { kind: BackupSourceKind; source: string; reason: string }[] = [];
  const candidates: [BackupSourceKind, Observed<BackupSource> | undefined][] = [
    ['cloud', facts.backups.cloud],
    ['clickhouse-backup', facts.backups.clickhouseBackup],
    ['native', facts.backups.native],
  ];
  let empty: BackupSource | undefined;
  for (const [kind, observed] of candidates) {
    if (!observed) continue;
    if (!observed.ok) {
      unread.push({ kind, source: observed.source, reason: observed.reason });
      continue;
    }
    if (observed.value.backups.length > 0 || observed.value.kind === 'cloud') return { source: observed.value, unread };
    empty ??= observed.value;
  }
  return { source: empty, unread };
}

export interface BackupSpan {
  newest: ClickHouseBackup | undefined;
  oldest: ClickHouseBackup | undefined;
  /** Successful backups newer than `oldest`, newest first. */
  successful: ClickHouseBackup[];
  /** Failed backups after the newest successful one. */
  failedSince: ClickHouseBackup[];
  /** Median hours between successive successful backups; null with fewer than two. */
  periodHours: number | null;
  /** Days from the oldest to now: retained (when the source lists what exists) or logged. */
  spanDays: number | null;
}

/** Backups kept on the server's own disk (clickhouse-backup `local`) do not survive its loss: where remote ones exist, only they count. */
export function countedBackups(source: BackupSource): ClickHouseBackup[] {
  const remote = source.backups.filter((b) => b.location !== 'local');
  return remote.length > 0 ? remote : source.backups;
}

export function backupSpan(source: BackupSource, now: Date): BackupSpan {
  const successful = countedBackups(source).filter((b) => b.ok).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const newest = successful[0];
  const oldest = successful.at(-1);
  const failedSince = source.backups.filter((b) => !b.ok && (!newest || Date.parse(b.at) > Date.parse(newest.at)));
  const gaps = successful.slice(1).map((b, i) => (Date.parse(successful[i]!.at) - Date.parse(b.at)) / HOUR_MS).sort((a, b) => a - b);
  const periodHours = source.periodHours ?? (gaps.length ? gaps[Math.floor(gaps.length / 2)]! : null);
  const spanDays =
    source.retentionHours !== undefined ? source.retentionHours / 24 : oldest ? (now.getTime() - Date.parse(oldest.at)) / DAY_MS : null;
  return { newest, oldest, successful, failedSince, periodHours, spanDays };
}

export function formatAge(hours: number): string {
  if (hours < 2) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}

export function formatPeriod(hours: number | null): string {
  if (hours === null) return 'backups';
  if (hours >= 20 && hours <= 28) return 'daily backups';
  if (hours >= 150 && hours <= 186) return 'weekly backups';
  return `backups every ${formatAge(hours)}`;
}

const SOURCE_TITLE: Record<BackupSourceKind, string> = {
  cloud: 'ClickHouse Cloud',
  'clickhouse-backup': 'clickhouse-backup',
  native: 'BACKUP',
};

/** The recovery column: ClickHouse has no point-in-time recovery, so the span of retained backups. */
export function describeBackupSpan(facts: ClickHouseFacts, now: Date): string | undefined {
  const { source, unread } = judgedBackupSource(facts);
  if (!source) return unread.length ? `backups not read: ${unread.map((u) => `${u.source}: ${u.reason}`).join('; ')}` : undefined;
  const span = backupSpan(source, now);
  const title = SOURCE_TITLE[source.kind];
  const notRead = unread.length ? `; not read: ${unread.map((u) => `${u.source}: ${u.reason}`).join('; ')}` : '';
  if (!span.newest) return `no point-in-time recovery; no successful backup listed (${title}, ${source.source})${notRead}`;
  const newest = `newest ${formatAge((now.getTime() - Date.parse(span.newest.at)) / HOUR_MS)} ago`;
  const days = span.spanDays === null ? null : Math.round(span.spanDays);
  const kept =
    days === null
      ? 'retention unknown'
      : source.listsRetained
        ? `${days} days retained`
        : `${days} days logged (retention not readable: ${source.source} records backups made, not which still exist)`;
  return `no point-in-time recovery: ${formatPeriod(span.periodHours)} (${title}), ${kept}, ${newest}${notRead}`;
}
