// Declared column types, reduced to what they can hold. The same families for
// PostgreSQL (format_type output) and ClickHouse (system.columns.type).

export type TypeFamily =
  | 'text'
  | 'binary'
  | 'json'
  | 'uuid'
  | 'boolean'
  /** 8 and 16 bit integers: flags and small counts, never a phone or card number. */
  | 'int-small'
  /** 32 bit integers: an SSN, a zip code, an IPv4 address, a yyyymmdd date. */
  | 'int'
  /** 64 bit and wider: a phone or card number. */
  | 'int-big'
  | 'decimal'
  | 'float'
  | 'date'
  | 'timestamp'
  | 'time'
  | 'interval'
  | 'ip'
  /** cidr, macaddr: network ranges and hardware addresses. */
  | 'network'
  /** A point: a position. */
  | 'geo-point'
  /** Lines, polygons, boxes: areas and routes, not a position. */
  | 'geo-area'
  | 'enum'
  | 'search'
  /** Anything else (a domain, a PostgreSQL enum, an extension's type): assumed able to hold anything. */
  | 'other';

const BY_NAME: Record<string, TypeFamily> = {
  text: 'text',
  'character varying': 'text',
  varchar: 'text',
  varchar2: 'text',
  nvarchar: 'text',
  character: 'text',
  char: 'text',
  nchar: 'text',
  bpchar: 'text',
  citext: 'text',
  name: 'text',
  string: 'text',
  fixedstring: 'text',
  clob: 'text',
  tinytext: 'text',
  mediumtext: 'text',
  longtext: 'text',
  bytea: 'binary',
  blob: 'binary',
  binary: 'binary',
  varbinary: 'binary',
  json: 'json',
  jsonb: 'json',
  xml: 'json',
  hstore: 'json',
  map: 'json',
  tuple: 'json',
  object: 'json',
  nested: 'json',
  variant: 'json',
  dynamic: 'json',
  uuid: 'uuid',
  boolean: 'boolean',
  bool: 'boolean',
  smallint: 'int-small',
  int2: 'int-small',
  tinyint: 'int-small',
  integer: 'int',
  int: 'int',
  int4: 'int',
  serial: 'int',
  bigint: 'int-big',
  int8: 'int-big',
  bigserial: 'int-big',
  numeric: 'decimal',
  decimal: 'decimal',
  decimal32: 'decimal',
  decimal64: 'decimal',
  decimal128: 'decimal',
  decimal256: 'decimal',
  money: 'decimal',
  real: 'float',
  'double precision': 'float',
  float4: 'float',
  float8: 'float',
  float: 'float',
  double: 'float',
  float32: 'float',
  float64: 'float',
  bfloat16: 'float',
  date: 'date',
  date32: 'date',
  datetime: 'timestamp',
  datetime64: 'timestamp',
  timestamptz: 'timestamp',
  interval: 'interval',
  inet: 'ip',
  ipv4: 'ip',
  ipv6: 'ip',
  cidr: 'network',
  macaddr: 'network',
  macaddr8: 'network',
  point: 'geo-point',
  line: 'geo-area',
  lseg: 'geo-area',
  box: 'geo-area',
  path: 'geo-area',
  polygon: 'geo-area',
  circle: 'geo-area',
  ring: 'geo-area',
  linestring: 'geo-area',
  multilinestring: 'geo-area',
  multipolygon: 'geo-area',
  tsvector: 'search',
  tsquery: 'search',
  enum8: 'enum',
  enum16: 'enum',
};

/** ClickHouse wrappers and arrays: what matters is the element. */
const WRAPPER = /^(?:Nullable|LowCardinality|Array)\((.*)\)$/;

/** ClickHouse integers are case-sensitive and sized in bits (Int8 is 8 bits, PostgreSQL's int8 is 64). */
const CLICKHOUSE_INT = /^U?Int(8|16|32|64|128|256)$/;

/** A schema declares few distinct types: each is read once (a bounded memo of a pure function). */
const FAMILIES = new Map<string, TypeFamily>();

/** The family of a declared type; undefined when no type was given. */
export function typeFamily(declared: string | null | undefined): TypeFamily | undefined {
  if (!declared?.trim()) return undefined;
  let family = FAMILIES.get(declared);
  if (!family) {
    if (FAMILIES.size >= 10_000) FAMILIES.clear();
    family = readFamily(declared.trim());
    FAMILIES.set(declared, family);
  }
  return family;
}

function readFamily(declared: string): TypeFamily {
  let type = declared;
  for (let inner = WRAPPER.exec(type)?.[1]; inner !== undefined; inner = WRAPPER.exec(type)?.[1]) type = inner.trim();
  type = type.replace(/(\[\d*\])+$/, '').replace(/^(?:"[^"]+"|[a-z_][\w$]*)\.(?=[^\s(])/i, '');
  const clickhouseInt = CLICKHOUSE_INT.exec(type)?.[1];
  if (clickhouseInt) return clickhouseInt === '8' || clickhouseInt === '16' ? 'int-small' : clickhouseInt === '32' ? 'int' : 'int-big';
  const geo = /^(?:geography|geometry)(?:\(\s*(\w+))?/i.exec(type);
  if (geo) return !geo[1] || /^(multi)?point/i.test(geo[1]) ? 'geo-point' : 'geo-area';
  const base = type.replace(/\(.*$/s, '').trim().toLowerCase();
  if (base.startsWith('timestamp')) return 'timestamp';
  if (base.startsWith('time')) return 'time';
  return BY_NAME[base] ?? 'other';
}
