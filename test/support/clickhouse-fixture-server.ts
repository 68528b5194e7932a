// A local stand-in for one ClickHouse server, speaking its HTTP interface on a plaintext port and
// on an HTTPS port (a CA and server certificate made at test time), with stubs of the native
// protocol ports, so the real @clickhouse/client and the TLS probes can be tested against it.
// It answers the statement shapes in RECOGNISED_STATEMENTS (clickhouse-fixture-sql.ts) from
// in-memory system tables, records every request, and records as a violation anything the
// scanner must never do: a write, a query without readonly=1, a table outside system.*, an
// unrecognised statement, a literal-bearing column read without normalizeQuery(), a session, or
// credentials in the URL. Tests assert on `violations` (assertNoViolations()).
//
// Where each wire detail comes from:
// - HTTP interface (ClickHouse docs, docs/en/interfaces/http.md): GET /ping and GET / answer
//   "Ok.\n"; the query comes in the POST body, in ?query=, or both joined by a line feed;
//   `database`, `default_format` and the X-ClickHouse-Format / X-ClickHouse-Database headers;
//   settings as URL parameters; query parameters as param_<name>; GET implies readonly;
//   enable_http_compression=1 with Accept-Encoding gzip/deflate/br compresses the response and a
//   Content-Encoding request header decompresses the body; response headers
//   X-ClickHouse-Query-Id, X-ClickHouse-Format, X-ClickHouse-Timezone,
//   X-ClickHouse-Server-Display-Name and X-ClickHouse-Summary (JSON with string counters);
//   sessions by session_id (the scanner must not use them).
// - Authentication (src/Server/HTTP/authenticateUserByHTTP.cpp): X-ClickHouse-User/X-ClickHouse-Key
//   headers, or HTTP Basic, or user/password URL parameters, else user `default` with an empty
//   password; mixing two schemes is AUTHENTICATION_FAILED; a wrong password is
//   "<user>: Authentication failed: password is incorrect, or there is no user with such name".
// - Exceptions (src/Server/HTTP/sendExceptionToHTTPClient.cpp): the status from
//   exceptionCodeToHTTPStatus, header X-ClickHouse-Exception-Code, the exception text as body.
// - Settings and readonly (docs "Permissions for queries" and src/Access/SettingsConstraints.cpp):
//   an unknown setting is UNKNOWN_SETTING; a profile with readonly=1 refuses any setting whose
//   value changes ("Cannot modify 'x' setting in readonly mode", READONLY) unless the profile
//   makes it changeable_in_readonly; a profile with readonly=2 refuses a change of `readonly`
//   itself; readonly >= 1 refuses anything but reads ("Cannot execute query in readonly mode").
//   A query without readonly=1 is a violation unless the login's profile already sets readonly.
// - max_execution_time: exceeding it is TIMEOUT_EXCEEDED (159, HTTP 408), "Timeout exceeded:
//   elapsed N seconds, maximum: M" (ExecutionSpeedLimits), unless timeout_overflow_mode=break.
// - getServerPort(name): the ports the server registered (Context::getServerPort), else BAD_GET
//   "There is no port named <name>".
// - Native protocol port (src/Server/TCPHandler.cpp, receiveHello): the client speaks first with
//   a Hello packet carrying user and password; when the first byte is 'G' or 'P' (an HTTP
//   request) the server answers "HTTP/1.0 400 Bad Request\r\n\r\nPort <tcp_port> is for
//   clickhouse-client program.\r\nYou must use port <http_port> for HTTP.\r\n" and closes; any
//   other first byte closes the connection (UNEXPECTED_PACKET_FROM_CLIENT); a silent client is
//   kept until the server's receive timeout. So a probe can tell an open ClickHouse native port
//   without credentials by sending an HTTP request line, and must never send a Hello packet.
// - What @clickhouse/client 1.23 sends (its dist/connection/*.js): POST with the statement in the
//   body followed by " \nFORMAT <format>", query_id and clickhouse_settings as URL parameters,
//   Basic auth (X-ClickHouse-User/Key instead when a custom CA is configured), no session_id
//   unless asked, Accept-Encoding and enable_http_compression=1 only when response compression
//   is on (off by default in 1.23); GET /ping for ping(). It parses an exception from any
//   non-2xx response or an X-ClickHouse-Exception-Code header, and X-ClickHouse-Summary as JSON.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';
import selfsigned from 'selfsigned';
import {
  completeRow,
  isOutputFormat,
  renderResult,
  tableColumns,
  type Row,
  type SchemaVariant,
  type SystemTableName,
} from './clickhouse-fixture-tables';
import {
  evaluate,
  exceptionText,
  httpStatusForException,
  isReadStatement,
  parseStatement,
  serverError,
  ServerException,
  UnrecognisedStatement,
  type SelectStatement,
} from './clickhouse-fixture-sql';

export { normalizeQuery, RECOGNISED_STATEMENTS, ServerException, serverError } from './clickhouse-fixture-sql';
export type { Row, SystemTableName } from './clickhouse-fixture-tables';

export interface ClickHouseAccount {
  name: string;
  password: string;
  /** `readonly` in the account's settings profile (0 when not set). */
  profileReadonly?: 0 | 1 | 2;
  /** Settings the profile lets change under readonly=1 (constraint changeable_in_readonly). */
  changeableInReadonly?: string[];
}

export type ListenerMode = 'open' | 'closed';
/**
 * 'clickhouse': answers as ClickHouse's TCPHandler does (see above); 'silent': accepts and never
 * answers; 'reset': accepts and resets the connection; 'closed': nothing listens (refused).
 */
export type NativeMode = 'clickhouse' | 'silent' | 'reset' | 'closed';

export interface ClickHouseServerShape {
  /** version(); also in every exception text. */
  version?: string;
  /** hostName() and X-ClickHouse-Server-Display-Name. */
  hostName?: string;
  /** ClickHouse Cloud: Cloud-only columns exist. */
  cloud?: boolean;
  /** A version before multiple authentication methods: users.auth_type is one Enum8. */
  scalarUserAuth?: boolean;
  accounts: ClickHouseAccount[];
  /** Rows per system table; a table left out does not exist on this server (UNKNOWN_TABLE). */
  tables?: Partial<Record<SystemTableName, Row[]>>;
  /** Reading the table fails with this exception (a missing grant, clickhouse-backup down...). */
  tableErrors?: Partial<Record<SystemTableName, ServerException>>;
  startedAt?: Date;
  /** The server clock: now(), uptime(), and INTERVAL arithmetic. */
  now?: () => Date;
  /** The plaintext HTTP interface (http_port). Default open. */
  http?: ListenerMode;
  /** The HTTPS interface (https_port). Default open. */
  https?: ListenerMode;
  /** The plaintext native protocol port (tcp_port). Default 'clickhouse'. */
  native?: NativeMode;
  /** The TLS native protocol port (tcp_port_secure). Default 'closed'. */
  nativeSecure?: NativeMode;
  /** Ports getServerPort() knows; by default the ports of the listeners that are not closed. */
  registeredPorts?: Record<string, number>;
}

export type Behaviour =
  | { kind: 'normal' }
  /** Queries take delayMs; a shorter max_execution_time ends them with TIMEOUT_EXCEEDED. */
  | { kind: 'slow'; delayMs: number }
  /** Requests are never answered (until the client gives up or the fixture closes). */
  | { kind: 'hang' }
  /** The connection is destroyed as soon as a request arrives. */
  | { kind: 'kill-connection' }
  /** Every login fails with AUTHENTICATION_FAILED (a rotated password). */
  | { kind: 'auth-failure' };

export type AuthMethod = 'x-clickhouse-headers' | 'basic' | 'url-parameters' | 'none';

export interface RecordedRequest {
  listener: 'http' | 'https';
  method: string;
  path: string;
  authMethod: AuthMethod;
  /** The login name; a password is never recorded. */
  user?: string;
  /** The statement as received (URL query and body joined); undefined for /ping and GET /. */
  sql?: string;
  format?: string;
  settings: Record<string, string>;
  /** Query parameter values (param_<name>). */
  params: Record<string, string>;
  queryId?: string;
  sessionId?: string;
  database?: string;
  acceptEncoding?: string;
  /** HTTP status sent; 0 when the connection ended without an answer. */
  status: number;
  exceptionCode?: number;
}

export interface RecordedNativeConnection {
  listener: 'native' | 'native-secure';
  /** The first bytes the client sent (latin1), empty when it sent nothing. */
  firstBytes: string;
}

export type ViolationKind =
  | 'write'
  | 'missing-readonly'
  | 'non-system-table'
  | 'unrecognised-statement'
  | 'raw-literal-column'
  | 'session'
  | 'credentials-in-url';

export interface Violation {
  kind: ViolationKind;
  detail: string;
  sql: string;
}

export interface ClickHouseFixture {
  /** http://127.0.0.1:<http_port>; refuses connections when the plaintext listener is closed. */
  httpUrl: string;
  /** https://localhost:<https_port>, certificate issued by `caCert` for localhost and 127.0.0.1. */
  httpsUrl: string;
  ports: { http: number; https: number; native: number; nativeSecure: number };
  /** PEM of the CA that issued the HTTPS and secure native certificates. */
  caCert: string;
  requests: RecordedRequest[];
  /** The requests that carried a statement. */
  readonly queries: RecordedRequest[];
  nativeConnections: RecordedNativeConnection[];
  violations: Violation[];
  assertNoViolations(): void;
  setTable(table: SystemTableName, rows: Row[] | undefined): void;
  setTableError(table: SystemTableName, error: ServerException | undefined): void;
  setBehaviour(behaviour: Behaviour): void;
  close(): Promise<void>;
}

/** ACCESS_DENIED as a server says it when the login lacks SELECT on a table. */
export function accessDenied(user: string, table: SystemTableName): ServerException {
  return serverError(
    'ACCESS_DENIED',
    `${user}: Not enough privileges. To execute this query, it's necessary to have the grant SELECT ON system.${table}`,
  );
}

const RESERVED_PARAMETERS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'role',
  'stacktrace',
]);

/** The settings the fixture knows, with ClickHouse's defaults (docs, operations/settings). */
const SETTING_DEFAULTS: Record<string, string> = {
  readonly: '0',
  max_execution_time: '0',
  timeout_overflow_mode: 'throw',
  enable_http_compression: '0',
  http_zlib_compression_level: '3',
  output_format_json_quote_64bit_integers: '1',
  max_result_rows: '0',
  max_result_bytes: '0',
  result_overflow_mode: 'throw',
  max_rows_to_read: '0',
  send_progress_in_http_headers: '0',
  http_headers_progress_interval_ms: '100',
  http_wait_end_of_query: '0',
  cancel_http_readonly_queries_on_client_close: '0',
  log_comment: '',
  log_queries: '1',
  date_time_output_format: 'simple',
  session_timezone: '',
};

let tlsMaterial: Promise<{ ca: string; cert: string; key: string }> | undefined;

/** One CA and one server certificate per test process (EC keys: quick to make). */
function fixtureTls(): Promise<{ ca: string; cert: string; key: string }> {
  tlsMaterial ??= (async () => {
    const notBeforeDate = new Date(Date.now() - 24 * 3600 * 1000);
    const notAfterDate = new Date(Date.now() + 365 * 24 * 3600 * 1000);
    const ca = await selfsigned.generate([{ name: 'commonName', value: 'continuity test CA' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    const leaf = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    return { ca: ca.cert, cert: leaf.cert, key: leaf.private };
  })();
  return tlsMaterial;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function responseEncoding(acceptEncoding: string | undefined): 'gzip' | 'deflate' | 'br' | undefined {
  const offered = (acceptEncoding ?? '').split(',').map((x) => x.trim().split(';')[0]!.toLowerCase());
  return (['gzip', 'deflate', 'br'] as const).find((e) => offered.includes(e));
}

function compress(body: Buffer, encoding: 'gzip' | 'deflate' | 'br'): Buffer {
  if (encoding === 'gzip') return zlib.gzipSync(body);
  if (encoding === 'deflate') return zlib.deflateSync(body);
  return zlib.brotliCompressSync(body);
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return zlib.gunzipSync(body);
  if (encoding === 'deflate') return zlib.inflateSync(body);
  if (encoding === 'br') return zlib.brotliDecompressSync(body);
  if (encoding && encoding !== 'identity') throw serverError('BAD_ARGUMENTS', `Unknown HTTP compression method ${encoding}`);
  return body;
}

function summary(readRows: number, readBytes: number, resultRows: number, resultBytes: number, elapsedNs: number): string {
  return JSON.stringify({
    read_rows: String(readRows),
    read_bytes: String(readBytes),
    written_rows: '0',
    written_bytes: '0',
    total_rows_to_read: String(readRows),
    result_rows: String(resultRows),
    result_bytes: String(resultBytes),
    elapsed_ns: String(elapsedNs),
  });
}

const AUTH_FAILED_HINT =
  '\n\nIf you have installed ClickHouse and forgot password you can reset it in the configuration file.\n' +
  'The password for default user is typically located at /etc/clickhouse-server/users.d/default-password.xml\n' +
  'and deleting this file will reset the password.\n' +
  'See also /etc/clickhouse-server/users.xml on the server where ClickHouse is installed.\n\n';

export async function startClickHouseFixture(shape: ClickHouseServerShape): Promise<ClickHouseFixture> {
  const version = shape.version ?? '24.8.4.13';
  const hostName = shape.hostName ?? 'clickhouse-fixture';
  const now = shape.now ?? (() => new Date());
  const startedAt = shape.startedAt ?? now();
  const variant: SchemaVariant = { cloud: shape.cloud, scalarUserAuth: shape.scalarUserAuth };
  const material = await fixtureTls();

  const tables: Partial<Record<SystemTableName, Row[]>> = {};
  const tableErrors = new Map(Object.entries(shape.tableErrors ?? {})) as Map<SystemTableName, ServerException>;
  const setTable = (table: SystemTableName, rows: Row[] | undefined) => {
    if (rows === undefined) delete tables[table];
    else tables[table] = rows.map((row) => completeRow(table, row, tableColumns(table, variant)));
  };
  for (const [table, rows] of Object.entries(shape.tables ?? {})) setTable(table as SystemTableName, rows);

  let behaviour: Behaviour = { kind: 'normal' };
  const requests: RecordedRequest[] = [];
  const nativeConnections: RecordedNativeConnection[] = [];
  const violations: Violation[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const nativeSockets = new Set<net.Socket>();
  const servers: net.Server[] = [];

  const violation = (kind: ViolationKind, detail: string, sql: string) => violations.push({ kind, detail, sql });

  // ---- ports ------------------------------------------------------------------------------
  const handler = (listener: 'http' | 'https') => (req: http.IncomingMessage, res: http.ServerResponse) => {
    serve(listener, req, res).catch((error: unknown) => {
      // A bug in the fixture itself: make it visible rather than hang the client.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=UTF-8' });
        res.end(`ClickHouse fixture error: ${String(error)}\n`);
      }
    });
  };
  const httpServer = http.createServer(handler('http'));
  const httpsServer = https.createServer({ cert: material.cert, key: material.key }, handler('https'));
  for (const s of [httpServer, httpsServer]) s.keepAliveTimeout = 10_000;

  const httpPort = shape.http === 'closed' ? await closedPort() : await listen(httpServer);
  const httpsPort = shape.https === 'closed' ? await closedPort() : await listen(httpsServer);
  if (shape.http !== 'closed') servers.push(httpServer);
  if (shape.https !== 'closed') servers.push(httpsServer);

  const nativeMode = shape.native ?? 'clickhouse';
  const nativeSecureMode = shape.nativeSecure ?? 'closed';
  const registered: Record<string, number> = {};
  const nativeHandler = (listener: RecordedNativeConnection['listener'], mode: NativeMode) => (socket: net.Socket) => {
    socket.on('error', () => {});
    const record: RecordedNativeConnection = { listener, firstBytes: '' };
    nativeConnections.push(record);
    if (mode === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    socket.once('data', (chunk: Buffer) => {
      record.firstBytes = chunk.subarray(0, 64).toString('latin1');
      if (mode === 'silent') return;
      if (chunk[0] === 0x47 || chunk[0] === 0x50) {
        socket.end(
          `HTTP/1.0 400 Bad Request\r\n\r\nPort ${registered.tcp_port ?? nativePort} is for clickhouse-client program.\r\n` +
            `You must use port ${registered.http_port ?? 8123} for HTTP.\r\n`,
        );
      } else {
        socket.destroy();
      }
    });
  };
  const startNative = async (mode: NativeMode, listener: RecordedNativeConnection['listener']) => {
    if (mode === 'closed') return closedPort();
    const server =
      listener === 'native'
        ? net.createServer(nativeHandler(listener, mode))
        : tls.createServer({ cert: material.cert, key: material.key }, nativeHandler(listener, mode));
    // Track raw connections too (a TLS one before its handshake), so close() can end them.
    server.on('connection', (socket: net.Socket) => {
      nativeSockets.add(socket);
      socket.on('close', () => nativeSockets.delete(socket));
    });
    servers.push(server);
    return listen(server);
  };
  const nativePort = await startNative(nativeMode, 'native');
  const nativeSecurePort = await startNative(nativeSecureMode, 'native-secure');

  Object.assign(
    registered,
    shape.registeredPorts ?? {
      ...(shape.http !== 'closed' ? { http_port: httpPort } : {}),
      ...(shape.https !== 'closed' ? { https_port: httpsPort } : {}),
      ...(nativeMode !== 'closed' ? { tcp_port: nativePort } : {}),
      ...(nativeSecureMode !== 'closed' ? { tcp_port_secure: nativeSecurePort } : {}),
    },
  );

  // ---- requests ---------------------------------------------------------------------------

  /** Resolves true after ms, false if the client went away first. */
  const wait = (ms: number, res: http.ServerResponse) =>
    new Promise<boolean>((resolve) => {
      const onClose = () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.off('close', onClose);
        resolve(true);
      }, ms);
      timers.add(timer);
      res.once('close', onClose);
    });

  const send = (res: http.ServerResponse, status: number, headers: Record<string, string>, body: string, encoding?: 'gzip' | 'deflate' | 'br') => {
    if (res.destroyed) return;
    let payload: Buffer = Buffer.from(body);
    if (encoding) {
      payload = compress(payload, encoding);
      headers['Content-Encoding'] = encoding;
    }
    res.writeHead(status, headers);
    res.end(payload);
  };

  const sendException = (res: http.ServerResponse, record: RecordedRequest, e: ServerException, encoding?: 'gzip' | 'deflate' | 'br') => {
    record.status = httpStatusForException(e.code);
    record.exceptionCode = e.code;
    send(
      res,
      record.status,
      {
        'Content-Type': 'text/plain; charset=UTF-8',
        'X-ClickHouse-Server-Display-Name': hostName,
        'X-ClickHouse-Exception-Code': String(e.code),
        ...(record.queryId ? { 'X-ClickHouse-Query-Id': record.queryId } : {}),
        'X-ClickHouse-Summary': summary(0, 0, 0, 0, 0),
      },
      exceptionText(e, version),
      encoding,
    );
  };

  const authenticate = (req: http.IncomingMessage, params: URLSearchParams): { user: string; password: string; method: AuthMethod } => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0]! : (v ?? '');
    };
    const xUser = header('x-clickhouse-user');
    const xKey = header('x-clickhouse-key');
    const authorization = header('authorization');
    const inParams = params.has('user') || params.has('password');
    const mixed = (a: string, b: string) =>
      serverError('AUTHENTICATION_FAILED', `Invalid authentication: it is not allowed to use ${a} and ${b} simultaneously`);
    if (xUser || xKey) {
      if (!xUser) throw serverError('AUTHENTICATION_FAILED', 'Got an empty user name from X-ClickHouse HTTP headers');
      if (authorization) throw mixed('X-ClickHouse HTTP headers', 'Authorization HTTP header');
      if (inParams) throw mixed('X-ClickHouse HTTP headers', 'authentication via parameters');
      return { user: xUser, password: xKey, method: 'x-clickhouse-headers' };
    }
    if (authorization) {
      if (inParams) throw mixed('Authorization HTTP header', 'authentication via parameters');
      const [scheme, info = ''] = authorization.split(' ');
      if (scheme?.toLowerCase() !== 'basic') {
        throw serverError('AUTHENTICATION_FAILED', `Invalid authentication: '${scheme}' HTTP Authorization scheme is not supported`);
      }
      const decoded = Buffer.from(info, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon === -1 ? decoded : decoded.slice(0, colon);
      if (!user) throw serverError('AUTHENTICATION_FAILED', 'Got an empty user name from Authorization HTTP header');
      return { user, password: colon === -1 ? '' : decoded.slice(colon + 1), method: 'basic' };
    }
    return { user: params.get('user') ?? 'default', password: params.get('password') ?? '', method: inParams ? 'url-parameters' : 'none' };
  };

  const serve = async (listener: 'http' | 'https', req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const record: RecordedRequest = {
      listener,
      method: req.method ?? '',
      path: url.pathname,
      authMethod: 'none',
      settings: {},
      params: {},
      status: 0,
    };
    requests.push(record);
    // What the client presented, recorded even where no login is checked (/ping): a probe must send none.
    if (req.headers['x-clickhouse-user'] || req.headers['x-clickhouse-key']) record.authMethod = 'x-clickhouse-headers';
    else if (req.headers.authorization) record.authMethod = 'basic';
    else if (url.searchParams.has('user') || url.searchParams.has('password')) record.authMethod = 'url-parameters';
    if (behaviour.kind === 'kill-connection') {
      req.socket.destroy();
      return;
    }
    if (behaviour.kind === 'hang') return;

    const params = url.searchParams;
    const isQuery = url.pathname === '/' && (req.method === 'POST' || params.has('query'));
    if (url.pathname === '/ping' || (url.pathname === '/' && !isQuery)) {
      req.resume();
      record.status = 200;
      send(res, 200, { 'Content-Type': 'text/html; charset=UTF-8' }, 'Ok.\n');
      return;
    }
    if (url.pathname !== '/') {
      req.resume();
      record.status = 404;
      send(res, 404, { 'Content-Type': 'text/plain; charset=UTF-8' }, `There is no handle ${url.pathname}\n\nUse / or /ping for health checks.\n`);
      return;
    }

    let body = '';
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      body = req.method === 'GET' ? '' : decompress(Buffer.concat(chunks), req.headers['content-encoding']).toString('utf8');
    } catch (error) {
      if (error instanceof ServerException) return sendException(res, record, error);
      return; // the client went away while sending
    }

    record.queryId = params.get('query_id') ?? randomUUID();
    record.sessionId = params.get('session_id') ?? undefined;
    record.database = params.get('database') ?? req.headers['x-clickhouse-database']?.toString();
    record.acceptEncoding = req.headers['accept-encoding']?.toString();
    for (const [key, value] of params) {
      if (key.startsWith('param_')) record.params[key.slice('param_'.length)] = value;
      else if (!RESERVED_PARAMETERS.has(key)) record.settings[key] = value;
    }
    const urlQuery = params.get('query');
    const sql = urlQuery && body ? `${urlQuery}\n${body}` : (urlQuery ?? body);
    record.sql = sql;

    let login: ReturnType<typeof authenticate>;
    let account: ClickHouseAccount | undefined;
    try {
      login = authenticate(req, params);
      record.authMethod = login.method;
      record.user = login.user;
      account = shape.accounts.find((a) => a.name === login.user);
      if (behaviour.kind === 'auth-failure' || !account || account.password !== login.password) {
        throw serverError(
          'AUTHENTICATION_FAILED',
          `${login.user}: Authentication failed: password is incorrect, or there is no user with such name.${login.user === 'default' ? AUTH_FAILED_HINT : ''}`,
        );
      }
      if (login.method === 'url-parameters') violation('credentials-in-url', 'user/password sent as URL parameters', sql);
      if (record.sessionId) violation('session', `session_id=${record.sessionId}`, sql);
      // Settings, as SettingsConstraints checks them against the account's profile.
      const profileReadonly = account.profileReadonly ?? 0;
      // A profile with readonly >= 1 keeps the session read-only when the query sets nothing
      // (readonly=2 even refuses readonly=1); anything else must come with readonly=1.
      const readOnlyByProfile = record.settings.readonly === undefined && profileReadonly > 0;
      if (record.settings.readonly !== '1' && !readOnlyByProfile) {
        violation('missing-readonly', `readonly=${record.settings.readonly ?? '(not set)'}`, sql);
      }
      for (const [name, value] of Object.entries(record.settings)) {
        if (!(name in SETTING_DEFAULTS)) {
          throw serverError('UNKNOWN_SETTING', `Setting ${name} is neither a builtin setting nor started with the prefix 'custom_' registered for user-defined settings`);
        }
        const current = name === 'readonly' ? String(profileReadonly) : SETTING_DEFAULTS[name];
        if (value === current) continue;
        if (profileReadonly === 1 && !(account.changeableInReadonly ?? []).includes(name)) {
          throw serverError('READONLY', `Cannot modify '${name}' setting in readonly mode`);
        }
        if (profileReadonly > 1 && name === 'readonly') throw serverError('READONLY', "Cannot modify 'readonly' setting in readonly mode");
      }
    } catch (error) {
      if (error instanceof ServerException) return sendException(res, record, error);
      throw error;
    }

    const settings = { ...SETTING_DEFAULTS, ...record.settings };
    const unrecognised = (error: UnrecognisedStatement) => {
      violation('unrecognised-statement', error.message, sql);
      return serverError(
        'SYNTAX_ERROR',
        `Syntax error: the ClickHouse fixture does not recognise this statement, ${error.message}; see RECOGNISED_STATEMENTS in test/support/clickhouse-fixture-sql.ts`,
      );
    };
    const encoding = settings.enable_http_compression === '1' ? responseEncoding(record.acceptEncoding) : undefined;

    try {
      if (!sql.trim()) throw serverError('SYNTAX_ERROR', 'Empty query');
      if (!isReadStatement(sql)) {
        violation('write', 'a statement that is not a read', sql);
        throw serverError(
          'READONLY',
          req.method === 'GET'
            ? `${login.user}: Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries`
            : `${login.user}: Cannot execute query in readonly mode`,
        );
      }
      let statement: SelectStatement;
      try {
        statement = parseStatement(sql);
      } catch (error) {
        if (error instanceof UnrecognisedStatement) throw unrecognised(error);
        throw error;
      }
      if (statement.from && statement.from.database !== 'system') {
        violation('non-system-table', `reads ${statement.from.database || '(current database)'}.${statement.from.table}`, sql);
        throw serverError(
          'ACCESS_DENIED',
          `${login.user}: Not enough privileges. To execute this query, it's necessary to have the grant SELECT ON ${statement.from.database || params.get('database') || 'default'}.${statement.from.table}`,
        );
      }
      const format = statement.format ?? params.get('default_format') ?? req.headers['x-clickhouse-format']?.toString() ?? 'TabSeparated';
      record.format = format;
      if (!isOutputFormat(format)) {
        violation('unrecognised-statement', `output format ${format} is not modelled by the fixture`, sql);
        throw serverError('UNKNOWN_FORMAT', `Unknown output format ${format}`);
      }

      if (behaviour.kind === 'slow') {
        const limitMs = Number(settings.max_execution_time) * 1000;
        const timesOut = limitMs > 0 && behaviour.delayMs > limitMs && settings.timeout_overflow_mode !== 'break';
        if (!(await wait(timesOut ? limitMs : behaviour.delayMs, res))) return;
        if (timesOut) {
          throw serverError('TIMEOUT_EXCEEDED', `Timeout exceeded: elapsed ${(limitMs / 1000 + 0.000123).toFixed(9)} seconds, maximum: ${settings.max_execution_time}`);
        }
      }

      let result: ReturnType<typeof evaluate>;
      try {
        result = evaluate(statement, {
          tables,
          columns: (table) => tableColumns(table, variant),
          tableError: (table) => tableErrors.get(table),
          version,
          hostName,
          currentUser: login.user,
          now: now(),
          startedAt,
          serverPort: (name) => registered[name],
          params: record.params,
        });
      } catch (error) {
        if (error instanceof UnrecognisedStatement) throw unrecognised(error);
        throw error;
      }
      for (const column of result.rawLiteralColumns) {
        violation('raw-literal-column', `${statement.from?.table}.${column} read without normalizeQuery()`, sql);
      }
      const rendered = renderResult(format, result.columns, result.rows, {
        quote64BitIntegers: settings.output_format_json_quote_64bit_integers !== '0',
        elapsedSeconds: 0.000812,
        rowsRead: result.rowsRead,
        bytesRead: result.rowsRead * 64,
        limited: statement.limit !== undefined,
      });
      record.status = 200;
      send(
        res,
        200,
        {
          'Content-Type': rendered.contentType,
          'X-ClickHouse-Server-Display-Name': hostName,
          'X-ClickHouse-Query-Id': record.queryId,
          'X-ClickHouse-Format': format,
          'X-ClickHouse-Timezone': 'UTC',
          'X-ClickHouse-Summary': summary(result.rowsRead, result.rowsRead * 64, result.rows.length, Buffer.byteLength(rendered.body), 812_000),
        },
        rendered.body,
        encoding,
      );
    } catch (error) {
      if (error instanceof ServerException) return sendException(res, record, error, encoding);
      throw error;
    }
  };

  return {
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpsUrl: `https://localhost:${httpsPort}`,
    ports: { http: httpPort, https: httpsPort, native: nativePort, nativeSecure: nativeSecurePort },
    caCert: material.ca,
    requests,
    get queries() {
      return requests.filter((r) => r.sql !== undefined);
    },
    nativeConnections,
    violations,
    assertNoViolations() {
      if (violations.length) {
        throw new Error(`ClickHouse fixture violations:\n${violations.map((v) => `- ${v.kind}: ${v.detail}\n    ${v.sql.replace(/\s+/g, ' ')}`).join('\n')}`);
      }
    },
    setTable,
    setTableError(table, error) {
      if (error) tableErrors.set(table, error);
      else tableErrors.delete(table);
    },
    setBehaviour(next) {
      behaviour = next;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of nativeSockets) s.destroy();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              if (server instanceof http.Server || server instanceof https.Server) server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
