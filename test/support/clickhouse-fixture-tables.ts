// The system tables the ClickHouse fixture answers, and how their values go on the wire.
//
// Where each detail comes from:
// - Column names and types: ClickHouse docs, docs/en/operations/system-tables/*.md and the
//   reference pages at clickhouse.com/docs/reference/system-tables/ (backup_log with
//   base_backup_name, query_id, DateTime64(6) start/end times and the eight-value status enum;
//   backups; mutations, whose is_killed exists only in ClickHouse Cloud; query_log; users, whose
//   auth_type/auth_params became arrays with multiple authentication methods, ClickHouse PR
//   #65277, 2024; columns; tables; data_skipping_indices; server_settings).
// - system.backup_list: created by Altinity clickhouse-backup's API server
//   (pkg/server/server.go, CreateIntegrationTables) as a URL-engine table over its /backup/list.
// - Output formats: docs/en/interfaces/formats/JSON/*.md (JSON with meta/data/rows/statistics,
//   JSONCompact, JSONEachRow, JSONStringsEachRow, JSONCompactEachRow[WithNames[AndTypes]]) and
//   TabSeparated escaping (docs/en/interfaces/formats/TabSeparated). 64-bit integers are quoted
//   in JSON output by default (setting output_format_json_quote_64bit_integers = 1).
// - Content-Type per format: JSONRowOutputFormat and JSONEachRowRowOutputFormat in ClickHouse's
//   src/Processors/Formats/Impl; TabSeparated as in the HTTP interface doc's examples.
// - DateTime text is 'YYYY-MM-DD hh:mm:ss' in the server time zone; the fixture's server runs in
//   UTC and says so in X-ClickHouse-Timezone.

export interface ColumnDef {
  name: string;
  type: string;
  /** Holds literals from statements (values from rows): must be read through normalizeQuery(). */
  literalBearing?: boolean;
  /** Only ClickHouse Cloud has this column. */
  cloudOnly?: boolean;
}

export type Row = Record<string, unknown>;

const BACKUP_STATUS =
  "Enum8('CREATING_BACKUP' = 0, 'BACKUP_CREATED' = 1, 'BACKUP_FAILED' = 2, 'RESTORING' = 3, 'RESTORED' = 4, 'RESTORE_FAILED' = 5, 'BACKUP_CANCELLED' = 6, 'RESTORE_CANCELLED' = 7)";
const QUERY_LOG_TYPE = "Enum8('QueryStart' = 1, 'QueryFinish' = 2, 'ExceptionBeforeStart' = 3, 'ExceptionWhileProcessing' = 4)";
const AUTH_TYPE =
  "Enum8('no_password' = 0, 'plaintext_password' = 1, 'sha256_password' = 2, 'double_sha1_password' = 3, 'ldap' = 4, 'kerberos' = 5, 'ssl_certificate' = 6, 'bcrypt_password' = 7, 'ssh_key' = 8, 'http' = 9, 'jwt' = 10, 'scram_sha256_password' = 11, 'no_authentication' = 12)";
const CHANGEABLE_WITHOUT_RESTART = "Enum8('No' = 0, 'IncreaseOnly' = 1, 'DecreaseOnly' = 2, 'Yes' = 3)";

const BACKUP_COLUMNS: ColumnDef[] = [
  { name: 'id', type: 'String' },
  { name: 'name', type: 'String' },
  { name: 'base_backup_name', type: 'String' },
  { name: 'query_id', type: 'String' },
  { name: 'status', type: BACKUP_STATUS },
  { name: 'error', type: 'String' },
  { name: 'start_time', type: 'DateTime64(6)' },
  { name: 'end_time', type: 'DateTime64(6)' },
  { name: 'num_files', type: 'UInt64' },
  { name: 'total_size', type: 'UInt64' },
  { name: 'num_entries', type: 'UInt64' },
  { name: 'uncompressed_size', type: 'UInt64' },
  { name: 'compressed_size', type: 'UInt64' },
  { name: 'files_read', type: 'UInt64' },
  { name: 'bytes_read', type: 'UInt64' },
];

const TABLES = {
  backup_log: [
    { name: 'hostname', type: 'LowCardinality(String)' },
    { name: 'event_date', type: 'Date' },
    { name: 'event_time', type: 'DateTime' },
    { name: 'event_time_microseconds', type: 'DateTime64(6)' },
    ...BACKUP_COLUMNS,
  ],
  backups: BACKUP_COLUMNS,
  mutations: [
    { name: 'database', type: 'String' },
    { name: 'table', type: 'String' },
    { name: 'mutation_id', type: 'String' },
    { name: 'command', type: 'String', literalBearing: true },
    { name: 'create_time', type: 'DateTime' },
    { name: 'block_numbers.partition_id', type: 'Array(String)' },
    { name: 'block_numbers.number', type: 'Array(Int64)' },
    { name: 'parts_to_do_names', type: 'Array(String)' },
    { name: 'parts_to_do', type: 'Int64' },
    { name: 'is_killed', type: 'UInt8', cloudOnly: true },
    { name: 'is_done', type: 'UInt8' },
    { name: 'latest_failed_part', type: 'String' },
    { name: 'latest_fail_time', type: 'DateTime' },
    // A failure message can quote a value from a row ("Cannot parse 'x'").
    { name: 'latest_fail_reason', type: 'String', literalBearing: true },
  ],
  query_log: [
    { name: 'hostname', type: 'LowCardinality(String)' },
    { name: 'type', type: QUERY_LOG_TYPE },
    { name: 'event_date', type: 'Date' },
    { name: 'event_time', type: 'DateTime' },
    { name: 'event_time_microseconds', type: 'DateTime64(6)' },
    { name: 'query_start_time', type: 'DateTime' },
    { name: 'query_duration_ms', type: 'UInt64' },
    { name: 'read_rows', type: 'UInt64' },
    { name: 'written_rows', type: 'UInt64' },
    { name: 'result_rows', type: 'UInt64' },
    { name: 'current_database', type: 'String' },
    { name: 'query', type: 'String', literalBearing: true },
    { name: 'formatted_query', type: 'String', literalBearing: true },
    { name: 'normalized_query_hash', type: 'UInt64' },
    { name: 'query_kind', type: 'LowCardinality(String)' },
    { name: 'databases', type: 'Array(LowCardinality(String))' },
    { name: 'tables', type: 'Array(LowCardinality(String))' },
    { name: 'exception_code', type: 'Int32' },
    { name: 'exception', type: 'String', literalBearing: true },
    { name: 'is_initial_query', type: 'UInt8' },
    { name: 'user', type: 'String' },
    { name: 'query_id', type: 'String' },
    { name: 'initial_user', type: 'String' },
    { name: 'client_hostname', type: 'String' },
    { name: 'http_user_agent', type: 'String' },
  ],
  users: [
    { name: 'name', type: 'String' },
    { name: 'id', type: 'UUID' },
    { name: 'storage', type: 'String' },
    { name: 'auth_type', type: `Array(${AUTH_TYPE})` },
    { name: 'auth_params', type: 'Array(String)' },
    { name: 'host_ip', type: 'Array(String)' },
    { name: 'host_names', type: 'Array(String)' },
    { name: 'host_names_regexp', type: 'Array(String)' },
    { name: 'host_names_like', type: 'Array(String)' },
    { name: 'default_roles_all', type: 'UInt8' },
    { name: 'default_roles_list', type: 'Array(String)' },
    { name: 'default_roles_except', type: 'Array(String)' },
    { name: 'grantees_any', type: 'UInt8' },
    { name: 'grantees_list', type: 'Array(String)' },
    { name: 'grantees_except', type: 'Array(String)' },
    { name: 'default_database', type: 'String' },
  ],
  columns: [
    { name: 'database', type: 'String' },
    { name: 'table', type: 'String' },
    { name: 'name', type: 'String' },
    { name: 'type', type: 'String' },
    { name: 'position', type: 'UInt64' },
    { name: 'default_kind', type: 'String' },
    { name: 'default_expression', type: 'String' },
    { name: 'comment', type: 'String' },
    { name: 'is_in_partition_key', type: 'UInt8' },
    { name: 'is_in_sorting_key', type: 'UInt8' },
    { name: 'is_in_primary_key', type: 'UInt8' },
    { name: 'is_in_sampling_key', type: 'UInt8' },
    { name: 'compression_codec', type: 'String' },
  ],
  tables: [
    { name: 'database', type: 'String' },
    { name: 'name', type: 'String' },
    { name: 'uuid', type: 'UUID' },
    { name: 'engine', type: 'String' },
    { name: 'is_temporary', type: 'UInt8' },
    { name: 'metadata_modification_time', type: 'DateTime' },
    { name: 'engine_full', type: 'String' },
    { name: 'partition_key', type: 'String' },
    { name: 'sorting_key', type: 'String' },
    { name: 'primary_key', type: 'String' },
    { name: 'sampling_key', type: 'String' },
    { name: 'storage_policy', type: 'String' },
    { name: 'total_rows', type: 'Nullable(UInt64)' },
    { name: 'total_bytes', type: 'Nullable(UInt64)' },
    { name: 'comment', type: 'String' },
  ],
  data_skipping_indices: [
    { name: 'database', type: 'String' },
    { name: 'table', type: 'String' },
    { name: 'name', type: 'String' },
    { name: 'type', type: 'String' },
    { name: 'type_full', type: 'String' },
    { name: 'expr', type: 'String' },
    { name: 'granularity', type: 'UInt64' },
    { name: 'data_compressed_bytes', type: 'UInt64' },
    { name: 'data_uncompressed_bytes', type: 'UInt64' },
    { name: 'marks', type: 'UInt64' },
  ],
  server_settings: [
    { name: 'name', type: 'String' },
    { name: 'value', type: 'String' },
    { name: 'default', type: 'String' },
    { name: 'changed', type: 'UInt8' },
    { name: 'description', type: 'String' },
    { name: 'type', type: 'String' },
    { name: 'changeable_without_restart', type: CHANGEABLE_WITHOUT_RESTART },
    { name: 'is_obsolete', type: 'UInt8' },
  ],
  backup_list: [
    { name: 'name', type: 'String' },
    { name: 'created', type: 'DateTime' },
    { name: 'size', type: 'UInt64' },
    { name: 'data_size', type: 'UInt64' },
    { name: 'object_disk_size', type: 'UInt64' },
    { name: 'metadata_size', type: 'UInt64' },
    { name: 'rbac_size', type: 'UInt64' },
    { name: 'config_size', type: 'UInt64' },
    { name: 'named_collection_size', type: 'UInt64' },
    { name: 'compressed_size', type: 'UInt64' },
    { name: 'location', type: 'String' },
    { name: 'required', type: 'String' },
    { name: 'desc', type: 'String' },
  ],
} satisfies Record<string, ColumnDef[]>;

export type SystemTableName = keyof typeof TABLES;
export const SYSTEM_TABLE_NAMES = Object.keys(TABLES) as SystemTableName[];

export function isSystemTableName(name: string): name is SystemTableName {
  return Object.hasOwn(TABLES, name);
}

export interface SchemaVariant {
  /** ClickHouse Cloud: adds Cloud-only columns. */
  cloud?: boolean;
  /** Before multiple authentication methods: users.auth_type is one Enum8, auth_params one String. */
  scalarUserAuth?: boolean;
}

export function tableColumns(table: SystemTableName, variant: SchemaVariant = {}): ColumnDef[] {
  return TABLES[table]
    .filter((c: ColumnDef) => variant.cloud || !c.cloudOnly)
    .map((c: ColumnDef) => {
      if (table !== 'users' || !variant.scalarUserAuth) return c;
      if (c.name === 'auth_type') return { ...c, type: AUTH_TYPE };
      if (c.name === 'auth_params') return { ...c, type: 'String' };
      return c;
    });
}

// ---- types -------------------------------------------------------------------------------

/** The type without Nullable(...) and LowCardinality(...) wrappers. */
export function baseType(type: string): string {
  const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return m ? baseType(m[1]!) : type;
}

export function isNullable(type: string): boolean {
  return /^(LowCardinality\()?Nullable\(/.test(type);
}

export function arrayElement(type: string): string | undefined {
  return /^Array\((.*)\)$/.exec(baseType(type))?.[1];
}

export function enumValues(type: string): string[] | undefined {
  const m = /^Enum(?:8|16)\((.*)\)$/.exec(baseType(type));
  if (!m) return undefined;
  return [...m[1]!.matchAll(/'((?:[^'\\]|\\.)*)'\s*=\s*-?\d+/g)].map((x) => x[1]!);
}

export type TypeCategory = 'string' | 'number' | 'date' | 'datetime' | 'array' | 'enum';

export function typeCategory(type: string): TypeCategory {
  const t = baseType(type);
  if (t.startsWith('Array(')) return 'array';
  if (t.startsWith('Enum')) return 'enum';
  if (t === 'Date' || t === 'Date32') return 'date';
  if (t.startsWith('DateTime')) return 'datetime';
  if (/^U?Int\d+$/.test(t) || /^Float\d+$/.test(t)) return 'number';
  return 'string';
}

function is64BitInteger(type: string): boolean {
  return /^U?Int(64|128|256)$/.test(baseType(type));
}

function defaultValue(type: string): unknown {
  if (isNullable(type)) return null;
  switch (typeCategory(type)) {
    case 'array':
      return [];
    case 'enum':
      return enumValues(type)![0];
    case 'number':
      return 0;
    case 'date':
    case 'datetime':
      return new Date(0);
    default:
      return type === 'UUID' ? '00000000-0000-0000-0000-000000000000' : '';
  }
}

/** A row with every column of the table, defaults where the test left a column out. */
export function completeRow(table: SystemTableName, row: Row, columns: ColumnDef[]): Row {
  const names = new Set(columns.map((c) => c.name));
  for (const key of Object.keys(row)) {
    // A typo in test data would silently become a default: refuse it.
    if (!names.has(key)) throw new Error(`ClickHouse fixture: system.${table} has no column ${key}`);
  }
  const out: Row = {};
  for (const c of columns) {
    const value = row[c.name] === undefined ? defaultValue(c.type) : row[c.name];
    checkValue(table, c, value);
    out[c.name] = value;
  }
  return out;
}

function checkValue(table: string, column: ColumnDef, value: unknown): void {
  const fail = (why: string) => {
    throw new Error(`ClickHouse fixture: system.${table}.${column.name} (${column.type}) ${why}: ${String(value)}`);
  };
  if (value === null) {
    if (!isNullable(column.type)) fail('is not Nullable');
    return;
  }
  const category = typeCategory(column.type);
  if (category === 'array') {
    if (!Array.isArray(value)) return fail('needs an array');
    const element = arrayElement(column.type)!;
    for (const v of value) checkValue(table, { ...column, type: element }, v);
  } else if (category === 'enum') {
    if (!enumValues(column.type)!.includes(value as string)) fail('is not a value of the enum');
  } else if (category === 'date' || category === 'datetime') {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) fail('needs a valid Date');
  } else if (category === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail('needs a finite number');
  } else if (typeof value !== 'string') {
    fail('needs a string');
  }
}

// ---- text and JSON representation ----------------------------------------------------------

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function formatDateTime(d: Date): string {
  return `${formatDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function formatDateTime64(d: Date, precision: number): string {
  if (precision === 0) return formatDateTime(d);
  const fraction = pad(d.getUTCMilliseconds(), 3).padEnd(6, '0').slice(0, precision);
  return `${formatDateTime(d)}.${fraction}`;
}

/** The value as ClickHouse writes it in text formats (and in JSON strings). */
export function textValue(type: string, value: unknown): string {
  if (value === null) return '\\N';
  const t = baseType(type);
  if (t.startsWith('Array(')) {
    const element = arrayElement(type)!;
    const quoted = typeCategory(element) !== 'number';
    return `[${(value as unknown[]).map((v) => (quoted ? `'${textValue(element, v).replace(/'/g, "\\'")}'` : textValue(element, v))).join(',')}]`;
  }
  if (t === 'Date' || t === 'Date32') return formatDate(value as Date);
  if (t === 'DateTime' || t.startsWith('DateTime(')) return formatDateTime(value as Date);
  const dt64 = /^DateTime64\((\d+)/.exec(t);
  if (dt64) return formatDateTime64(value as Date, Number(dt64[1]));
  return String(value);
}

/** The value as a JSON value in ClickHouse's JSON formats. */
export function jsonValue(type: string, value: unknown, quote64BitIntegers: boolean): unknown {
  if (value === null) return null;
  const category = typeCategory(type);
  if (category === 'array') {
    const element = arrayElement(type)!;
    return (value as unknown[]).map((v) => jsonValue(element, v, quote64BitIntegers));
  }
  if (category === 'number') {
    return is64BitInteger(type) && quote64BitIntegers ? String(value) : value;
  }
  return textValue(type, value);
}

function escapeTabSeparated(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

// ---- output formats ------------------------------------------------------------------------

export interface ResultColumn {
  name: string;
  type: string;
}

export interface RenderedResult {
  body: string;
  contentType: string;
}

export const OUTPUT_FORMATS = [
  'JSON',
  'JSONCompact',
  'JSONEachRow',
  'JSONStringsEachRow',
  'JSONCompactEachRow',
  'JSONCompactEachRowWithNames',
  'JSONCompactEachRowWithNamesAndTypes',
  'TabSeparated',
  'TSV',
  'TabSeparatedWithNames',
  'TSVWithNames',
] as const;

export function isOutputFormat(name: string): boolean {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

export function renderResult(
  format: string,
  columns: ResultColumn[],
  rows: unknown[][],
  options: { quote64BitIntegers: boolean; elapsedSeconds: number; rowsRead: number; bytesRead: number; limited: boolean },
): RenderedResult {
  const json = (row: unknown[]) => row.map((v, i) => jsonValue(columns[i]!.type, v, options.quote64BitIntegers));
  const object = (row: unknown[]) => Object.fromEntries(json(row).map((v, i) => [columns[i]!.name, v]));
  const lines = (items: unknown[]) => items.map((x) => `${JSON.stringify(x)}\n`).join('');
  // JSONRowOutputFormat declares application/json; the row-per-line formats keep the
  // IOutputFormat default (JSONEachRowRowOutputFormat.h has no override). The client ignores it.
  const ndjson = 'text/plain; charset=UTF-8';
  switch (format) {
    case 'JSON':
    case 'JSONCompact': {
      const document: Record<string, unknown> = {
        meta: columns.map((c) => ({ name: c.name, type: c.type })),
        data: format === 'JSON' ? rows.map(object) : rows.map(json),
        rows: rows.length,
        ...(options.limited ? { rows_before_limit_at_least: options.rowsRead } : {}),
        statistics: { elapsed: options.elapsedSeconds, rows_read: options.rowsRead, bytes_read: options.bytesRead },
      };
      return { body: `${JSON.stringify(document, null, '\t')}\n`, contentType: 'application/json; charset=UTF-8' };
    }
    case 'JSONEachRow':
      return { body: lines(rows.map(object)), contentType: ndjson };
    case 'JSONStringsEachRow':
      return {
        body: lines(rows.map((row) => Object.fromEntries(row.map((v, i) => [columns[i]!.name, textValue(columns[i]!.type, v)])))),
        contentType: ndjson,
      };
    case 'JSONCompactEachRow':
      return { body: lines(rows.map(json)), contentType: ndjson };
    case 'JSONCompactEachRowWithNames':
      return { body: lines([columns.map((c) => c.name), ...rows.map(json)]), contentType: ndjson };
    case 'JSONCompactEachRowWithNamesAndTypes':
      return { body: lines([columns.map((c) => c.name), columns.map((c) => c.type), ...rows.map(json)]), contentType: ndjson };
    default: {
      const withNames = format === 'TabSeparatedWithNames' || format === 'TSVWithNames';
      const tsv = [
        ...(withNames ? [columns.map((c) => escapeTabSeparated(c.name))] : []),
        ...rows.map((row) => row.map((v, i) => escapeTabSeparated(textValue(columns[i]!.type, v)))),
      ];
      return {
        body: tsv.map((cells) => `${cells.join('\t')}\n`).join(''),
        contentType: 'text/tab-separated-values; charset=UTF-8',
      };
    }
  }
}
