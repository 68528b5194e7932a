// The SQL side of the ClickHouse fixture: ClickHouse's exceptions and their HTTP statuses, a
// lexer, ClickHouse's normalizeQuery(), and a parser + evaluator for the small, explicit set of
// statement shapes the continuity collector sends (RECOGNISED_STATEMENTS). It is not a SQL
// engine: anything outside those shapes is refused as unrecognised, loudly, and the collector
// and this file must agree; a collector that needs a new shape extends the grammar here, with a
// test in test/clickhouse/fixture.test.ts.
//
// Where each detail comes from (ClickHouse sources and docs, read through the search tools):
// - Error codes and names: src/Common/ErrorCodes.cpp. HTTP status of an exception:
//   src/Server/HTTP/exceptionCodeToHTTPStatus.cpp (transcribed in httpStatusForException).
// - Exception text: "Code: N. DB::Exception: <message>. (<NAME>) (version <v> (official build))",
//   as in the HTTP interface docs and server responses quoted in ClickHouse issues; the
//   @clickhouse/client parses it with the regex in dist/common/error/error.js.
// - Messages: "Table system.x does not exist", "Unknown function x", "There is no port named x"
//   (Context::getServerPort, BAD_GET), "Substitution `x` is not set" (query parameters),
//   "Timeout exceeded: elapsed N seconds, maximum: M" (ExecutionSpeedLimits), access denied
//   "Not enough privileges. To execute this query, it's necessary to have the grant ...".
// - Lexer tokens: src/Parsers/Lexer.cpp token kinds (bare words, numbers, string literals with
//   backslash escapes and doubled quotes, quoted identifiers, heredocs, comments).
// - normalizeQuery: docs (sql-reference/functions: "Replaces literals, sequences of literals and
//   complex aliases (containing whitespace, more than two digits or at least 36 bytes long such
//   as UUIDs) with placeholder ?", example normalizeQuery('[1, 2, 3, x]') = '[?.., x]') and the
//   algorithm of src/Parsers/queryNormalization.cpp (normalizeQueryToPODArray, keep_names=false).
// - Query parameters {name:Type} with values in URL parameters param_<name>, in ClickHouse's
//   escaped text format: HTTP interface docs ("Queries with Parameters"); the client formats a
//   Date as a unix timestamp (dist/common/data_formatter/format_query_params.js).
import {
  baseType,
  enumValues,
  isSystemTableName,
  typeCategory,
  type ColumnDef,
  type ResultColumn,
  type Row,
  type SystemTableName,
} from './clickhouse-fixture-tables';

// ---- exceptions ----------------------------------------------------------------------------

export const ERROR_CODES = {
  BAD_ARGUMENTS: 36,
  UNKNOWN_FUNCTION: 46,
  UNKNOWN_IDENTIFIER: 47,
  TYPE_MISMATCH: 53,
  UNKNOWN_TABLE: 60,
  SYNTAX_ERROR: 62,
  UNKNOWN_FORMAT: 73,
  RECEIVED_ERROR_FROM_REMOTE_IO_SERVER: 86,
  UNKNOWN_SETTING: 115,
  TIMEOUT_EXCEEDED: 159,
  READONLY: 164,
  BAD_GET: 170,
  NOT_AN_AGGREGATE: 215,
  NO_COMMON_TYPE: 386,
  UNKNOWN_QUERY_PARAMETER: 456,
  BAD_QUERY_PARAMETER: 457,
  ACCESS_DENIED: 497,
  AUTHENTICATION_FAILED: 516,
  POCO_EXCEPTION: 1000,
} as const;

export type ErrorName = keyof typeof ERROR_CODES;

/** An exception as the server raises it; the fixture sends it as ClickHouse does. */
export class ServerException extends Error {
  constructor(
    readonly errorName: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function serverError(name: ErrorName, message: string): ServerException {
  return new ServerException(name, ERROR_CODES[name], message);
}

/** A statement outside RECOGNISED_STATEMENTS: answered SYNTAX_ERROR and recorded as a violation. */
export class UnrecognisedStatement extends Error {}

const STATUS_BY_CODE: Record<number, number> = {};
const statuses: [number, number[]][] = [
  [401, [194]], // REQUIRED_PASSWORD
  [403, [192, 193, 516, 512, 497]], // UNKNOWN_USER WRONG_PASSWORD AUTHENTICATION_FAILED SET_NON_GRANTED_ROLE ACCESS_DENIED
  // BAD_ARGUMENTS, CANNOT_COMPILE_REGEXP, CANNOT_PARSE_* (text, escape, quoted string, date,
  // datetime, number, domain value, input assertion, uuid), DUPLICATE_COLUMN, ILLEGAL_COLUMN,
  // UNKNOWN_ELEMENT_IN_AST, UNKNOWN_TYPE_OF_AST_NODE, THERE_IS_NO_COLUMN, TOO_DEEP_AST,
  // TOO_BIG_AST, UNEXPECTED_AST_STRUCTURE, SYNTAX_ERROR, INCORRECT_DATA, TYPE_MISMATCH,
  // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE. (CANNOT_PARSE_IPV4/IPV6 are also 400; not modelled.)
  [400, [36, 427, 6, 25, 26, 38, 41, 72, 441, 27, 376, 15, 44, 37, 123, 8, 167, 168, 223, 62, 117, 53, 321]],
  // UNKNOWN_TABLE, _FUNCTION, _IDENTIFIER, _TYPE, _STORAGE, _DATABASE, _SETTING,
  // _DIRECTION_OF_SORTING, _AGGREGATE_FUNCTION, _FORMAT, _DATABASE_ENGINE, _TYPE_OF_QUERY, _ROLE
  [404, [60, 46, 47, 50, 56, 81, 115, 152, 63, 73, 336, 78, 511]],
  [413, [229]], // QUERY_IS_TOO_LARGE
  [501, [48]], // NOT_IMPLEMENTED
  [503, [209, 76, 439]], // SOCKET_TIMEOUT CANNOT_OPEN_FILE CANNOT_SCHEDULE_TASK
  [411, [381]], // HTTP_LENGTH_REQUIRED
  [408, [159]], // TIMEOUT_EXCEEDED
];
for (const [status, codes] of statuses) for (const code of codes) STATUS_BY_CODE[code] = status;

export function httpStatusForException(code: number): number {
  return STATUS_BY_CODE[code] ?? 500;
}

export function exceptionText(e: ServerException, version: string): string {
  return `Code: ${e.code}. DB::Exception: ${e.message}. (${e.errorName}) (version ${version} (official build))\n`;
}

// ---- lexer ---------------------------------------------------------------------------------

export type TokenType = 'whitespace' | 'comment' | 'bareword' | 'number' | 'string' | 'quoted' | 'heredoc' | 'punct' | 'error';

export interface Token {
  type: TokenType;
  text: string;
  /** Offset just past the token in the source. */
  end: number;
}

const PUNCTUATION = ['<=>', '::', '<=', '>=', '!=', '<>', '==', '||', '->', '(', ')', '[', ']', '{', '}', ',', ';', '.', ':', '*', '+', '-', '/', '%', '=', '<', '>', '?', '^', '@'];

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isWordStart = (c: string | undefined) => c !== undefined && (/[A-Za-z_]/.test(c) || c > '\x7f');
const isWordChar = (c: string | undefined) => c !== undefined && (/[A-Za-z0-9_$]/.test(c) || c > '\x7f');

export function lex(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (type: TokenType, end: number) => {
    tokens.push({ type, text: sql.slice(i, end), end });
    i = end;
  };
  const lastSignificant = () => [...tokens].reverse().find((t) => t.type !== 'whitespace' && t.type !== 'comment');
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let j = i;
      while (j < sql.length && /\s/.test(sql[j]!)) j++;
      push('whitespace', j);
    } else if ((c === '-' && next === '-') || (c === '#' && (next === ' ' || next === '!'))) {
      const j = sql.indexOf('\n', i);
      push('comment', j === -1 ? sql.length : j);
    } else if (c === '/' && next === '*') {
      const j = sql.indexOf('*/', i + 2);
      push(j === -1 ? 'error' : 'comment', j === -1 ? sql.length : j + 2);
    } else if (isDigit(c) || (c === '.' && isDigit(next) && !['bareword', 'quoted', 'number'].includes(lastSignificant()?.type ?? '') && ![')', ']'].includes(lastSignificant()?.text ?? ''))) {
      let j = i;
      if (c === '0' && (next === 'x' || next === 'X')) {
        j += 2;
        while (/[0-9A-Fa-f_]/.test(sql[j] ?? '')) j++;
      } else if (c === '0' && (next === 'b' || next === 'B') && /[01]/.test(sql[i + 2] ?? '')) {
        j += 2;
        while (/[01_]/.test(sql[j] ?? '')) j++;
      } else {
        while (isDigit(sql[j]) || sql[j] === '_') j++;
        if (sql[j] === '.') {
          j++;
          while (isDigit(sql[j])) j++;
        }
        if ((sql[j] === 'e' || sql[j] === 'E') && (isDigit(sql[j + 1]) || ((sql[j + 1] === '+' || sql[j + 1] === '-') && isDigit(sql[j + 2])))) {
          j += 2;
          while (isDigit(sql[j])) j++;
        }
      }
      push('number', j);
    } else if (c === "'" || c === '`' || c === '"') {
      let j = i + 1;
      let closed = false;
      while (j < sql.length) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) {
          closed = true;
          j++;
          break;
        } else j++;
      }
      push(closed ? (c === "'" ? 'string' : 'quoted') : 'error', Math.min(j, sql.length));
    } else if (c === '$' && /^\$[A-Za-z0-9_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z0-9_]*\$/.exec(sql.slice(i))![0];
      const j = sql.indexOf(tag, i + tag.length);
      push(j === -1 ? 'error' : 'heredoc', j === -1 ? sql.length : j + tag.length);
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (isWordChar(sql[j])) j++;
      push('bareword', j);
    } else {
      const p = PUNCTUATION.find((x) => sql.startsWith(x, i));
      push(p ? 'punct' : 'error', i + (p?.length ?? 1));
    }
  }
  return tokens;
}

const isInsignificant = (t: Token) => t.type === 'whitespace' || t.type === 'comment';
const isLiteral = (t: Token) => t.type === 'number' || t.type === 'string' || t.type === 'heredoc';

function isComplexIdentifier(text: string): boolean {
  if (Buffer.byteLength(text) >= 36) return true;
  if (/\s/.test(text)) return true;
  return (text.match(/[0-9]/g)?.length ?? 0) > 2;
}

/**
 * ClickHouse's normalizeQuery(): literals become ?, a comma-separated run of literals becomes
 * ?.., complex identifiers become `?`, whitespace and comments collapse to one space.
 */
export function normalizeQuery(sql: string): string {
  let out = '';
  let prevInsignificant = false;
  let literalsInSequence = 0;
  let prevComma = false;
  let prevWhitespace = false;
  for (const token of lex(sql)) {
    if (isInsignificant(token)) {
      if (!prevInsignificant) {
        if (literalsInSequence === 0) {
          // Leading whitespace is dropped altogether.
          if (token.end - token.text.length > 0) out += ' ';
        } else {
          prevWhitespace = true;
        }
      }
      prevInsignificant = true;
      continue;
    }
    prevInsignificant = false;
    if (isLiteral(token)) {
      if (literalsInSequence === 0) out += '?';
      literalsInSequence++;
      prevWhitespace = false;
      prevComma = false;
      continue;
    }
    if (token.text === ',' && token.type === 'punct') {
      if (literalsInSequence) {
        prevComma = true;
        continue;
      }
    } else if (prevComma && token.type === 'punct' && (token.text === '+' || token.text === '-')) {
      // A sign inside a list of literals belongs to the next literal.
      continue;
    } else {
      if (literalsInSequence > 1) out += '..';
      if (prevComma) out += ',';
      if (prevWhitespace) out += ' ';
      literalsInSequence = 0;
      prevComma = false;
      prevWhitespace = false;
    }
    if (token.type === 'quoted' || (token.type === 'bareword' && sql[token.end] !== '(')) {
      out += isComplexIdentifier(token.text) ? '`?`' : token.text;
      continue;
    }
    if (token.type === 'error') break;
    out += token.text;
  }
  // The end of the query closes a run of literals like any other token.
  if (literalsInSequence > 1) out += '..';
  if (prevComma) out += ',';
  if (prevWhitespace) out += ' ';
  return out;
}

/** ClickHouse string literal text ('...') to its value. */
function unquoteString(text: string): string {
  const body = text.slice(1, -1);
  return unescapeClickHouse(body.replace(/''/g, "\\'"));
}

/** ClickHouse's escaped text (backslash sequences), used for literals and param_ values. */
function unescapeClickHouse(text: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', a: '\x07', v: '\v' };
  return text.replace(/\\(x[0-9A-Fa-f]{2}|.)/gs, (_, e: string) =>
    e.startsWith('x') && e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (map[e] ?? e),
  );
}

// ---- statements ----------------------------------------------------------------------------

/** The statement shapes the fixture answers; anything else is an unrecognised statement. */
export const RECOGNISED_STATEMENTS = [
  'SELECT <item> [AS <alias>], ... FROM system.<table> [WHERE <predicate> [AND <predicate>]...] [ORDER BY <column or alias> [ASC|DESC], ...] [LIMIT <n>]',
  "SELECT <item> [AS <alias>], ... FROM clusterAllReplicas('<cluster>', system.<table>) [WHERE ...] [ORDER BY ...] [LIMIT <n>]",
  'SELECT count() [AS <alias>] FROM system.<table> [WHERE ...]',
  'SELECT <server function or literal> [AS <alias>], ...   (no FROM)',
  '  <table>: backup_log, backups, mutations, query_log, users, columns, tables, data_skipping_indices, server_settings, backup_list',
  '  <item>: <column> | normalizeQuery(<String column>) | a server function',
  "  server functions: version(), uptime(), timezone(), hostName(), currentUser(), now(), getServerPort('<port name>')",
  '  <predicate>: <column> =|==|!=|<>|<|<=|>|>= <value> | <column> [NOT] IN (<literal>, ...) | <column> [NOT] LIKE|ILIKE <string>',
  "  <value>: a number or string literal | {<name>:<Type>} | now() | now() - INTERVAL <n or {p:UInt32}> SECOND|MINUTE|HOUR|DAY|WEEK",
  '  every statement may end with FORMAT <format> and a semicolon',
] as const;

type Expr =
  | { kind: 'column'; name: string }
  | { kind: 'call'; fn: string; args: Expr[]; text: string }
  | { kind: 'literal'; value: string | number; text: string }
  | { kind: 'param'; name: string; type: string }
  | { kind: 'now-minus'; amount: Expr; unitSeconds: number };

interface SelectItem {
  expr: Expr;
  alias?: string;
}

interface Predicate {
  column: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'NOT IN' | 'LIKE' | 'NOT LIKE' | 'ILIKE' | 'NOT ILIKE';
  values: Expr[];
}

export interface SelectStatement {
  items: SelectItem[];
  from?: { database: string; table: string; cluster?: string };
  where: Predicate[];
  orderBy: { name: string; descending: boolean }[];
  limit?: number;
  format?: string;
}

const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXISTS', 'EXPLAIN']);

/** Whether the statement reads (SELECT and the statements equivalent to it, per the readonly docs). */
export function isReadStatement(sql: string): boolean {
  const first = lex(sql).find((t) => !isInsignificant(t));
  if (!first) return true;
  return first.text === '(' || (first.type === 'bareword' && READ_KEYWORDS.has(first.text.toUpperCase()));
}

const UNIT_SECONDS: Record<string, number> = { SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86400, WEEK: 604800 };
const SERVER_FUNCTIONS = new Set(['version', 'uptime', 'timezone', 'hostName', 'currentUser', 'now', 'getServerPort']);

class Parser {
  private readonly tokens: Token[];
  private at = 0;

  constructor(sql: string) {
    this.tokens = lex(sql).filter((t) => !isInsignificant(t));
    const bad = this.tokens.find((t) => t.type === 'error');
    if (bad) throw serverError('SYNTAX_ERROR', `Syntax error: unterminated or unknown token ${JSON.stringify(bad.text.slice(0, 20))}`);
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private unrecognised(what: string): never {
    const near = this.peek()?.text ?? 'end of query';
    throw new UnrecognisedStatement(`${what} near ${JSON.stringify(near)}`);
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.type === 'bareword' && t.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.at++;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) this.unrecognised(`expected ${word}`);
  }

  private acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t?.type !== 'punct' || t.text !== p) return false;
    this.at++;
    return true;
  }

  private expectPunct(p: string): void {
    if (!this.acceptPunct(p)) this.unrecognised(`expected ${p}`);
  }

  private identifier(): string {
    const t = this.peek();
    if (t?.type === 'bareword') {
      this.at++;
      return t.text;
    }
    if (t?.type === 'quoted') {
      this.at++;
      return unescapeClickHouse(t.text.slice(1, -1));
    }
    return this.unrecognised('expected an identifier');
  }

  /** A column name, dotted for Nested columns such as block_numbers.partition_id. */
  private columnName(): string {
    let name = this.identifier();
    while (this.peek()?.text === '.' && (this.peek(1)?.type === 'bareword' || this.peek(1)?.type === 'quoted')) {
      this.at++;
      name += `.${this.identifier()}`;
    }
    return name;
  }

  parse(): SelectStatement {
    this.expectKeyword('SELECT');
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptPunct(','));
    const statement: SelectStatement = { items, where: [], orderBy: [] };
    if (this.acceptKeyword('FROM')) statement.from = this.source();
    if (this.acceptKeyword('WHERE')) {
      do statement.where.push(this.predicate());
      while (this.acceptKeyword('AND'));
    }
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      do {
        const name = this.columnName();
        const descending = this.acceptKeyword('DESC');
        if (!descending) this.acceptKeyword('ASC');
        statement.orderBy.push({ name, descending });
      } while (this.acceptPunct(','));
    }
    if (this.acceptKeyword('LIMIT')) {
      const t = this.peek();
      if (t?.type !== 'number' || !/^\d+$/.test(t.text)) this.unrecognised('expected a LIMIT count');
      statement.limit = Number(t.text);
      this.at++;
    }
    if (this.acceptKeyword('FORMAT')) statement.format = this.identifier();
    while (this.acceptPunct(';'));
    if (this.peek()) {
      if (this.tokens.slice(0, this.at).some((t) => t.text === ';')) throw serverError('SYNTAX_ERROR', 'Syntax error: Multi-statements are not allowed');
      this.unrecognised('unexpected token');
    }
    return statement;
  }

  private selectItem(): SelectItem {
    if (this.peek()?.text === '*') this.unrecognised('SELECT * is not recognised: name the columns');
    const expr = this.expression();
    const alias = this.acceptKeyword('AS') ? this.identifier() : undefined;
    return { expr, alias };
  }

  private expression(): Expr {
    const t = this.peek();
    if (t?.type === 'bareword' && this.peek(1)?.text === '(') {
      const start = this.at;
      this.at += 2;
      const args: Expr[] = [];
      if (!this.acceptPunct(')')) {
        do args.push(this.expression());
        while (this.acceptPunct(','));
        this.expectPunct(')');
      }
      const text = this.tokens
        .slice(start, this.at)
        .map((x) => x.text)
        .join('')
        .replace(/,/g, ', ');
      return { kind: 'call', fn: t.text, args, text };
    }
    if (t?.type === 'bareword' || t?.type === 'quoted') return { kind: 'column', name: this.columnName() };
    return this.value();
  }

  private source(): { database: string; table: string; cluster?: string } {
    if (this.isKeyword('CLUSTERALLREPLICAS') && this.peek(1)?.text === '(') {
      this.at += 2;
      const cluster = this.peek();
      if (cluster?.type !== 'string') this.unrecognised('expected the cluster name');
      this.at++;
      this.expectPunct(',');
      const inner = this.qualifiedTable();
      this.expectPunct(')');
      return { ...inner, cluster: unquoteString(cluster.text) };
    }
    return this.qualifiedTable();
  }

  private qualifiedTable(): { database: string; table: string } {
    if (this.peek(1)?.text === '(') this.unrecognised('table functions are not recognised');
    const first = this.identifier();
    if (!this.acceptPunct('.')) return { database: '', table: first };
    return { database: first, table: this.identifier() };
  }

  private predicate(): Predicate {
    const column = this.columnName();
    const t = this.peek();
    const comparisons: Record<string, Predicate['op']> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
    if (t?.type === 'punct' && comparisons[t.text]) {
      this.at++;
      return { column, op: comparisons[t.text]!, values: [this.value()] };
    }
    const not = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) {
      this.expectPunct('(');
      const values: Expr[] = [];
      do values.push(this.value());
      while (this.acceptPunct(','));
      this.expectPunct(')');
      return { column, op: not ? 'NOT IN' : 'IN', values };
    }
    for (const op of ['LIKE', 'ILIKE'] as const) {
      if (this.acceptKeyword(op)) return { column, op: not ? `NOT ${op}` : op, values: [this.value()] };
    }
    return this.unrecognised('expected a comparison, IN or LIKE');
  }

  private value(): Expr {
    const t = this.peek();
    if (t?.type === 'string') {
      this.at++;
      return { kind: 'literal', value: unquoteString(t.text), text: t.text };
    }
    const negative = t?.text === '-' && this.peek(1)?.type === 'number';
    const n = negative ? this.peek(1) : t;
    if (n?.type === 'number') {
      this.at += negative ? 2 : 1;
      const value = Number(n.text.replace(/_/g, ''));
      return { kind: 'literal', value: negative ? -value : value, text: (negative ? '-' : '') + n.text };
    }
    if (t?.text === '{') {
      this.at++;
      const name = this.identifier();
      this.expectPunct(':');
      let type = '';
      while (this.peek() && this.peek()!.text !== '}') type += this.tokens[this.at++]!.text;
      this.expectPunct('}');
      return { kind: 'param', name, type };
    }
    if (t?.type === 'bareword' && t.text.toLowerCase() === 'now' && this.peek(1)?.text === '(' && this.peek(2)?.text === ')') {
      this.at += 3;
      const now: Expr = { kind: 'call', fn: 'now', args: [], text: 'now()' };
      if (!(this.peek()?.text === '-' && this.isKeyword('INTERVAL', 1))) return now;
      this.at += 2;
      const amount = this.value();
      const unit = this.identifier().toUpperCase().replace(/S$/, '');
      if (!UNIT_SECONDS[unit]) this.unrecognised(`INTERVAL unit ${unit} is not recognised`);
      return { kind: 'now-minus', amount, unitSeconds: UNIT_SECONDS[unit]! };
    }
    return this.unrecognised('expected a literal, a {parameter} or now()');
  }
}

export function parseStatement(sql: string): SelectStatement {
  return new Parser(sql).parse();
}

// ---- evaluation ----------------------------------------------------------------------------

export interface EvaluationContext {
  /** Rows per table present on this server; a missing key is a table that does not exist. */
  tables: Partial<Record<SystemTableName, Row[]>>;
  columns(table: SystemTableName): ColumnDef[];
  tableError(table: SystemTableName): ServerException | undefined;
  version: string;
  hostName: string;
  currentUser: string;
  now: Date;
  startedAt: Date;
  serverPort(name: string): number | undefined;
  params: Record<string, string>;
}

export interface QueryResult {
  columns: ResultColumn[];
  rows: unknown[][];
  rowsRead: number;
  /** Literal-bearing columns the statement returned without normalizeQuery(). */
  rawLiteralColumns: string[];
}

function parseDateTimeText(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?)?$/.exec(text.trim());
  if (!m) return undefined;
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms));
}

/** A query parameter value (ClickHouse escaped text) read as its declared type. */
function parameterValue(name: string, type: string, raw: string | undefined): unknown {
  if (raw === undefined) throw serverError('UNKNOWN_QUERY_PARAMETER', `Substitution \`${name}\` is not set`);
  const bad = () => serverError('BAD_QUERY_PARAMETER', `Value ${raw} cannot be parsed as ${type} for query parameter '${name}'`);
  const t = baseType(type);
  if (t === 'String') return unescapeClickHouse(raw);
  if (/^U?Int\d+$/.test(t) || /^Float\d+$/.test(t)) {
    if (!/^-?\d+(\.\d+)?$/.test(raw)) throw bad();
    return Number(raw);
  }
  if (t === 'Date' || t.startsWith('DateTime')) {
    if (/^\d+(\.\d+)?$/.test(raw)) return new Date(Math.round(Number(raw) * 1000));
    const d = parseDateTimeText(raw);
    if (!d) throw bad();
    return d;
  }
  throw new UnrecognisedStatement(`query parameter type ${type} is not recognised`);
}

function constantValue(expr: Expr, ctx: EvaluationContext): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'param':
      return parameterValue(expr.name, expr.type, ctx.params[expr.name]);
    case 'now-minus': {
      const amount = constantValue(expr.amount, ctx);
      if (typeof amount !== 'number') throw serverError('TYPE_MISMATCH', 'INTERVAL needs a number');
      return new Date(ctx.now.getTime() - amount * expr.unitSeconds * 1000);
    }
    case 'call':
      if (expr.fn.toLowerCase() === 'now' && expr.args.length === 0) return ctx.now;
      throw new UnrecognisedStatement(`${expr.text} is not a recognised value`);
    default:
      throw new UnrecognisedStatement('a column is not a value');
  }
}

/** The value converted to the column's type for comparison, as ClickHouse converts literals. */
function coerce(column: ColumnDef, value: unknown): unknown {
  const category = typeCategory(column.type);
  if (category === 'array') throw new UnrecognisedStatement(`conditions on Array column ${column.name} are not recognised`);
  if (category === 'date' || category === 'datetime') {
    if (value instanceof Date) return value;
    if (typeof value === 'number') return new Date(value * 1000);
    const d = parseDateTimeText(String(value));
    if (!d) throw serverError('TYPE_MISMATCH', `Cannot convert string '${String(value)}' to type ${column.type}`);
    return d;
  }
  if (category === 'number') {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    throw serverError('TYPE_MISMATCH', `Cannot convert ${typeof value} '${String(value)}' to type ${column.type}`);
  }
  if (typeof value !== 'string') throw serverError('NO_COMMON_TYPE', `There is no supertype for types ${column.type}, ${typeof value === 'number' ? 'UInt64' : 'DateTime'}`);
  if (category === 'enum' && !enumValues(column.type)!.includes(value)) {
    throw serverError('BAD_ARGUMENTS', `Unknown element '${value}' for enum`);
  }
  return value;
}

function compare(a: unknown, b: unknown): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
}

function matches(row: Row, p: Predicate, column: ColumnDef, ctx: EvaluationContext): boolean {
  const cell = row[column.name];
  const values = p.values.map((v) => coerce(column, constantValue(v, ctx)));
  switch (p.op) {
    case 'IN':
      return values.some((v) => compare(cell, v) === 0);
    case 'NOT IN':
      return !values.some((v) => compare(cell, v) === 0);
    case 'LIKE':
    case 'NOT LIKE':
    case 'ILIKE':
    case 'NOT ILIKE': {
      const hit = likeToRegExp(String(values[0]), p.op.endsWith('ILIKE')).test(String(cell));
      return p.op.startsWith('NOT') ? !hit : hit;
    }
    default: {
      const c = compare(cell, values[0]);
      return { '=': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[p.op];
    }
  }
}

interface Projection {
  column: ResultColumn;
  value(row: Row | undefined): unknown;
}

function serverFunction(expr: Extract<Expr, { kind: 'call' }>, ctx: EvaluationContext): Projection {
  const constant = (type: string, value: unknown): Projection => ({ column: { name: expr.text, type }, value: () => value });
  const noArgs = () => {
    if (expr.args.length !== 0) throw serverError('BAD_ARGUMENTS', `Function ${expr.fn} takes no arguments`);
  };
  switch (expr.fn) {
    case 'version':
      noArgs();
      return constant('String', ctx.version);
    case 'uptime':
      noArgs();
      return constant('UInt32', Math.floor((ctx.now.getTime() - ctx.startedAt.getTime()) / 1000));
    case 'timezone':
      noArgs();
      return constant('String', 'UTC');
    case 'hostName':
      noArgs();
      return constant('String', ctx.hostName);
    case 'currentUser':
      noArgs();
      return constant('String', ctx.currentUser);
    case 'now':
      noArgs();
      return constant('DateTime', ctx.now);
    default: {
      // getServerPort: evaluated when the query is analysed, so an unknown port fails the query
      // even when no row would be returned.
      const arg = expr.args[0];
      if (expr.args.length !== 1 || arg?.kind !== 'literal' || typeof arg.value !== 'string') {
        throw serverError('BAD_ARGUMENTS', 'The argument of function getServerPort should be a constant string with the name of a setting');
      }
      const port = ctx.serverPort(arg.value);
      if (port === undefined) throw serverError('BAD_GET', `There is no port named ${arg.value}`);
      return constant('UInt16', port);
    }
  }
}

function projection(item: SelectItem, columns: ColumnDef[] | undefined, ctx: EvaluationContext, rawLiteral: string[]): Projection {
  const { expr } = item;
  const named = (p: Projection): Projection => (item.alias ? { ...p, column: { ...p.column, name: item.alias } } : p);
  const findColumn = (name: string): ColumnDef => {
    const c = columns?.find((x) => x.name === name);
    if (!c) throw serverError('UNKNOWN_IDENTIFIER', `Unknown expression identifier \`${name}\` in scope SELECT`);
    return c;
  };
  if (expr.kind === 'column') {
    const c = findColumn(expr.name);
    if (c.literalBearing) rawLiteral.push(c.name);
    return named({ column: { name: c.name, type: c.type }, value: (row) => row![c.name] });
  }
  if (expr.kind === 'literal') {
    const type = typeof expr.value === 'string' ? 'String' : Number.isInteger(expr.value) && expr.value >= 0 && expr.value < 256 ? 'UInt8' : 'Float64';
    return named({ column: { name: expr.text, type }, value: () => expr.value });
  }
  if (expr.kind !== 'call') throw new UnrecognisedStatement('only columns, literals and functions can be selected');
  if (expr.fn === 'normalizeQuery') {
    const arg = expr.args[0];
    if (expr.args.length !== 1 || arg?.kind !== 'column') throw new UnrecognisedStatement('normalizeQuery() is recognised on a column only');
    const c = findColumn(arg.name);
    if (baseType(c.type) !== 'String') throw serverError('BAD_ARGUMENTS', `Illegal type ${c.type} of argument of function normalizeQuery`);
    return named({ column: { name: expr.text, type: 'String' }, value: (row) => normalizeQuery(String(row![c.name])) });
  }
  if (SERVER_FUNCTIONS.has(expr.fn)) return named(serverFunction(expr, ctx));
  if (expr.fn === 'count') throw serverError('NOT_AN_AGGREGATE', 'count() must be the only item of the SELECT');
  throw serverError('UNKNOWN_FUNCTION', `Unknown function ${expr.fn}`);
}

export function evaluate(statement: SelectStatement, ctx: EvaluationContext): QueryResult {
  const rawLiteralColumns: string[] = [];
  const table = statement.from?.table;
  if (statement.from && (statement.from.database !== 'system' || !isSystemTableName(table!))) {
    throw new UnrecognisedStatement(`system.${table} is not a table the fixture models`);
  }
  const name = table as SystemTableName | undefined;
  const columns = name ? ctx.columns(name) : undefined;
  let rows: Row[] = [{}];
  if (name) {
    const present = ctx.tables[name];
    if (!present) throw serverError('UNKNOWN_TABLE', `Table system.${name} does not exist`);
    const injected = ctx.tableError(name);
    if (injected) throw injected;
    rows = present;
  } else if (statement.where.length || statement.orderBy.length) {
    throw new UnrecognisedStatement('WHERE and ORDER BY need FROM system.<table>');
  }

  const isCount = statement.items.some((i) => i.expr.kind === 'call' && i.expr.fn.toLowerCase() === 'count');
  if (isCount && (statement.items.length !== 1 || !name)) {
    throw serverError('NOT_AN_AGGREGATE', 'count() must be the only item of the SELECT, over FROM system.<table>');
  }
  const projections = isCount ? [] : statement.items.map((item) => projection(item, columns, ctx, rawLiteralColumns));

  const column = (n: string) => {
    const c = columns!.find((x) => x.name === n);
    if (!c) throw serverError('UNKNOWN_IDENTIFIER', `Unknown expression identifier \`${n}\` in scope WHERE`);
    return c;
  };
  const filtered = name ? rows.filter((row) => statement.where.every((p) => matches(row, p, column(p.column), ctx))) : rows;

  if (isCount) {
    const item = statement.items[0]!;
    const call = item.expr as Extract<Expr, { kind: 'call' }>;
    if (call.args.length) throw new UnrecognisedStatement('count() is recognised without arguments');
    return {
      columns: [{ name: item.alias ?? 'count()', type: 'UInt64' }],
      rows: [[filtered.length]],
      rowsRead: rows.length,
      rawLiteralColumns,
    };
  }

  const sorted = [...filtered];
  if (statement.orderBy.length) {
    const keys = statement.orderBy.map((o) => {
      const byAlias = projections.findIndex((p) => p.column.name === o.name);
      const get = byAlias >= 0 ? (r: Row) => projections[byAlias]!.value(r) : ((c) => (r: Row) => r[c.name])(column(o.name));
      return { get, sign: o.descending ? -1 : 1 };
    });
    sorted.sort((a, b) => {
      for (const k of keys) {
        const c = compare(k.get(a), k.get(b));
        if (c) return c * k.sign;
      }
      return 0;
    });
  }
  const limited = statement.limit === undefined ? sorted : sorted.slice(0, statement.limit);
  return {
    columns: projections.map((p) => p.column),
    rows: limited.map((row) => projections.map((p) => p.value(row))),
    rowsRead: name ? rows.length : 1,
    rawLiteralColumns,
  };
}
