// The ClickHouse fixtures, driven by the real @clickhouse/client (and by fetch and raw sockets
// for the credential-free probes and the REST APIs), so the collector built on them later talks
// to something that answers as ClickHouse does.
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import {
  accessDenied,
  normalizeQuery,
  serverError,
  startClickHouseFixture,
  type ClickHouseFixture,
  type Row,
} from '../support/clickhouse-fixture-server';
import { startClickHouseCloudFixture, type ClickHouseCloudFixture } from '../support/clickhouse-cloud-fixture';
import { startClickHouseBackupApiFixture, type ClickHouseBackupApiFixture } from '../support/clickhouse-backup-api-fixture';

const NOW = new Date('2025-06-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600 * 1000);
const CANARY = 'canary-7f3a9c@example.com';
const SCANNER = { username: 'scanner', password: 'sc4nner-secret' };
const READONLY_SETTINGS = { readonly: '1' as const, max_execution_time: 5 };

const BACKUP_LOG: Row[] = [
  {
    event_time: hoursAgo(30),
    event_time_microseconds: hoursAgo(30),
    id: 'b-1',
    name: "S3('https://s3.example/ch/daily-1', 'key', '[HIDDEN]')",
    status: 'BACKUP_CREATED',
    start_time: hoursAgo(31),
    end_time: hoursAgo(30),
    num_files: 57,
    total_size: 4290364870,
    uncompressed_size: 4290362365,
    compressed_size: 3525068304,
  },
  { event_time: hoursAgo(6), event_time_microseconds: hoursAgo(6), id: 'b-2', name: "S3('https://s3.example/ch/daily-2')", status: 'BACKUP_FAILED', error: 'Code: 499. S3 error', start_time: hoursAgo(7), end_time: hoursAgo(6) },
];

const MUTATIONS: Row[] = [
  { database: 'otel', table: 'otel_logs', mutation_id: 'mutation_7.txt', command: `UPDATE Body = '${CANARY}' WHERE TraceId = 'a1b2'`, create_time: hoursAgo(48), is_done: 1 },
  { database: 'otel', table: 'otel_traces', mutation_id: 'mutation_3.txt', command: 'DELETE WHERE Timestamp < 1700000000', create_time: hoursAgo(40 * 24), is_done: 1 },
];

const QUERY_LOG: Row[] = [
  {
    type: 'QueryFinish',
    event_time: hoursAgo(10),
    query_kind: 'Delete',
    query: `DELETE FROM otel.otel_logs WHERE Body = '${CANARY}'`,
    normalized_query_hash: 1234567890123,
    user: 'alice',
    databases: ['otel'],
    tables: ['otel.otel_logs'],
  },
];

const USERS: Row[] = [
  { name: 'default', auth_type: ['no_password'], auth_params: ['{}'], host_ip: ['::/0'] },
  { name: 'scanner', auth_type: ['sha256_password'], auth_params: ['{}'], host_ip: ['10.0.0.0/8'] },
];

let fixture: ClickHouseFixture;
let cloud: ClickHouseCloudFixture;
let backupApi: ClickHouseBackupApiFixture;
const clients: ClickHouseClient[] = [];

/** A client as the collector will create it; closed in afterAll. */
function client(options: ClickHouseClientConfigOptions = {}): ClickHouseClient {
  const c = createClient({
    url: fixture.httpUrl,
    ...SCANNER,
    clickhouse_settings: READONLY_SETTINGS,
    request_timeout: 5_000,
    log: { level: ClickHouseLogLevel.OFF },
    ...options,
  });
  clients.push(c);
  return c;
}

async function rows<T>(c: ClickHouseClient, query: string, extra: { query_params?: Record<string, unknown> } = {}): Promise<T[]> {
  const result = await c.query({ query, format: 'JSONEachRow', ...extra });
  return result.json<T>();
}

/** The ClickHouseError a promise rejects with (fails the test when it resolves). */
async function clickHouseError(p: Promise<unknown>): Promise<ClickHouseError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClickHouseError);
  return error as ClickHouseError;
}

/** Runs fn and returns the violations it caused. */
async function violationsOf(fn: () => Promise<unknown>) {
  const start = fixture.violations.length;
  await fn();
  return fixture.violations.slice(start);
}

function lastQuery() {
  return fixture.queries.at(-1)!;
}

beforeAll(async () => {
  fixture = await startClickHouseFixture({
    hostName: 'ch-prod-1',
    now: () => NOW,
    startedAt: hoursAgo(72),
    accounts: [
      { name: SCANNER.username, password: SCANNER.password },
      { name: 'profile_ro1', password: 'pw1', profileReadonly: 1 },
      { name: 'profile_ro1_timeout', password: 'pw2', profileReadonly: 1, changeableInReadonly: ['max_execution_time'] },
      { name: 'profile_ro2', password: 'pw3', profileReadonly: 2 },
    ],
    tables: {
      backup_log: BACKUP_LOG,
      backups: [],
      mutations: MUTATIONS,
      query_log: QUERY_LOG,
      users: USERS,
      columns: [{ database: 'otel', table: 'otel_logs', name: 'Body', type: 'String', comment: 'log line' }],
      tables: [{ database: 'otel', name: 'otel_logs', engine: 'MergeTree', sorting_key: 'ServiceName, Timestamp', primary_key: 'ServiceName, Timestamp', total_rows: 1200 }],
      data_skipping_indices: [{ database: 'otel', table: 'otel_logs', name: 'idx_body', type: 'tokenbf_v1', expr: 'lower(Body)', granularity: 1 }],
      backup_list: [{ name: 'daily-2025-05-31', created: hoursAgo(20), size: 1000, location: 'remote', desc: 'tar, regular' }],
    },
  });
  cloud = await startClickHouseCloudFixture({
    keys: [{ keyId: 'key-id', keySecret: 'key-secret' }],
    services: [
      {
        organizationId: 'org-1',
        serviceId: 'svc-1',
        backupConfiguration: { backupPeriodInHours: 24, backupRetentionPeriodInHours: 720, backupStartTime: '02:00' },
        backups: [
          { id: 'bk-old', status: 'done', serviceId: 'svc-1', startedAt: hoursAgo(50).toISOString(), finishedAt: hoursAgo(49).toISOString(), sizeInBytes: 10, durationInSeconds: 3600, type: 'full' },
          { id: 'bk-new', status: 'in_progress', serviceId: 'svc-1', startedAt: hoursAgo(1).toISOString(), sizeInBytes: 0, durationInSeconds: 3600, type: 'incremental' },
        ],
      },
    ],
  });
  backupApi = await startClickHouseBackupApiFixture({
    username: 'api',
    password: 'api-secret',
    backups: [
      { name: 'full-1', created: hoursAgo(30), location: 'remote', size: 2048, data_size: 2000, metadata_size: 48 },
      { name: 'incr-2', created: hoursAgo(6), location: 'local', metadata_size: 10, required: 'full-1' },
    ],
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([fixture?.close(), cloud?.close(), backupApi?.close()]);
});

describe('ClickHouse fixture, read through the real @clickhouse/client', () => {
  it('answers a system.backup_log read with readonly=1 and max_execution_time as URL settings, and records it', async () => {
    const violations = await violationsOf(async () => {
      const read = await rows<Record<string, unknown>>(
        client(),
        "SELECT id, status, end_time, total_size, compressed_size FROM system.backup_log WHERE status IN ('BACKUP_CREATED', 'BACKUP_FAILED') ORDER BY end_time DESC",
      );
      // UInt64 quoted and DateTime64(6) as text, as ClickHouse's JSON formats write them.
      expect(read).toEqual([
        { id: 'b-2', status: 'BACKUP_FAILED', end_time: '2025-06-01 06:00:00.000000', total_size: '0', compressed_size: '0' },
        { id: 'b-1', status: 'BACKUP_CREATED', end_time: '2025-05-31 06:00:00.000000', total_size: '4290364870', compressed_size: '3525068304' },
      ]);
    });
    expect(violations).toEqual([]);
    const q = lastQuery();
    expect(q).toMatchObject({ listener: 'http', method: 'POST', path: '/', authMethod: 'basic', user: 'scanner', format: 'JSONEachRow', status: 200 });
    expect(q.settings).toEqual({ readonly: '1', max_execution_time: '5' });
    expect(q.sql).toMatch(/ORDER BY end_time DESC \nFORMAT JSONEachRow$/);
    expect(q.sessionId).toBeUndefined();
    expect(q.acceptEncoding).toBeUndefined();
    expect(q.queryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(fixture.requests)).not.toContain(SCANNER.password);
  });

  it('returns the query id it was given in X-ClickHouse-Query-Id and a parseable X-ClickHouse-Summary', async () => {
    const result = await client().query({ query: 'SELECT count() AS n FROM system.mutations', format: 'JSONEachRow', query_id: 'scan-42' });
    expect(result.query_id).toBe('scan-42');
    expect(result.response_headers['x-clickhouse-query-id']).toBe('scan-42');
    expect(result.response_headers['x-clickhouse-format']).toBe('JSONEachRow');
    expect(JSON.parse(String(result.response_headers['x-clickhouse-summary']))).toMatchObject({ read_rows: '2', result_rows: '1' });
    expect(await result.json()).toEqual([{ n: '2' }]);
  });

  it('writes the JSON and JSONCompactEachRowWithNamesAndTypes formats as ClickHouse does', async () => {
    const c = client();
    const json = await (await c.query({ query: 'SELECT name, engine, total_rows FROM system.tables', format: 'JSON' })).json<Record<string, unknown>>();
    expect(json).toMatchObject({
      meta: [
        { name: 'name', type: 'String' },
        { name: 'engine', type: 'String' },
        { name: 'total_rows', type: 'Nullable(UInt64)' },
      ],
      data: [{ name: 'otel_logs', engine: 'MergeTree', total_rows: '1200' }],
      rows: 1,
      statistics: { rows_read: 1 },
    });
    const compact = await (await c.query({ query: 'SELECT name, granularity FROM system.data_skipping_indices', format: 'JSONCompactEachRowWithNamesAndTypes' })).json();
    expect(compact).toEqual([['name', 'granularity'], ['String', 'UInt64'], ['idx_body', '1']]);
  });

  it('filters by a time window given as a query parameter, orders and limits', async () => {
    const c = client();
    const recent = await rows<{ mutation_id: string }>(
      c,
      'SELECT mutation_id FROM system.mutations WHERE create_time >= now() - INTERVAL {days:UInt32} DAY ORDER BY create_time DESC LIMIT 10',
      { query_params: { days: 30 } },
    );
    expect(recent).toEqual([{ mutation_id: 'mutation_7.txt' }]);
    expect(lastQuery().params).toEqual({ days: '30' });
    // The client sends a Date as a unix timestamp; the fixture reads it as DateTime.
    const since = await rows<{ mutation_id: string }>(c, 'SELECT mutation_id FROM system.mutations WHERE create_time >= {since:DateTime} ORDER BY mutation_id', {
      query_params: { since: hoursAgo(41 * 24) },
    });
    expect(since.map((r) => r.mutation_id)).toEqual(['mutation_3.txt', 'mutation_7.txt']);
    const missing = await clickHouseError(rows(c, 'SELECT mutation_id FROM system.mutations WHERE create_time >= {since:DateTime}'));
    expect(missing).toMatchObject({ code: '456', type: 'UNKNOWN_QUERY_PARAMETER' });
  });

  it('keeps a literal canary inside the server when the collector reads commands through normalizeQuery()', async () => {
    const c = client();
    const violations = await violationsOf(async () => {
      const mutations = await c.query({ query: 'SELECT table, normalizeQuery(command) AS command FROM system.mutations ORDER BY create_time DESC', format: 'JSONEachRow' });
      const text = await mutations.text();
      expect(text).not.toContain(CANARY);
      expect(text.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
        { table: 'otel_logs', command: 'UPDATE Body = ? WHERE TraceId = ?' },
        { table: 'otel_traces', command: 'DELETE WHERE Timestamp < ?' },
      ]);
      const deletes = await c.query({
        query: "SELECT event_time, user, normalizeQuery(query) AS query, tables FROM system.query_log WHERE type = 'QueryFinish' AND query_kind = 'Delete'",
        format: 'JSONEachRow',
      });
      const deleteText = await deletes.text();
      expect(deleteText).not.toContain(CANARY);
      expect(JSON.parse(deleteText)).toEqual({ event_time: '2025-06-01 02:00:00', user: 'alice', query: 'DELETE FROM otel.otel_logs WHERE Body = ?', tables: ['otel.otel_logs'] });
    });
    expect(violations).toEqual([]);
  });

  it('records a literal-bearing column read without normalizeQuery() as a violation (the canary would leave)', async () => {
    const violations = await violationsOf(async () => {
      const raw = await rows<{ command: string }>(client(), "SELECT command FROM system.mutations WHERE mutation_id = 'mutation_7.txt'");
      expect(raw[0]!.command).toContain(CANARY);
    });
    expect(violations).toEqual([expect.objectContaining({ kind: 'raw-literal-column', detail: 'mutations.command read without normalizeQuery()' })]);
  });

  it('refuses writes with READONLY (164) and records them, whatever the client method', async () => {
    const c = client();
    const violations = await violationsOf(async () => {
      const alter = await clickHouseError(c.command({ query: "ALTER TABLE otel.otel_logs DELETE WHERE Body = 'x'" }));
      expect(alter).toMatchObject({ code: '164', type: 'READONLY' });
      expect(alter.message).toContain('scanner: Cannot execute query in readonly mode');
      const insert = await clickHouseError(c.insert({ table: 'otel.otel_logs', values: [{ Body: 'x' }], format: 'JSONEachRow' }));
      expect(insert).toMatchObject({ code: '164', type: 'READONLY' });
    });
    expect(violations.map((v) => v.kind)).toEqual(['write', 'write']);
    expect(lastQuery()).toMatchObject({ status: 500, exceptionCode: 164 });
  });

  it('records a query sent without readonly=1, and answers it as a server would', async () => {
    const violations = await violationsOf(async () => {
      expect(await rows(client({ clickhouse_settings: { max_execution_time: 5 } }), 'SELECT name FROM system.users ORDER BY name')).toEqual([
        { name: 'default' },
        { name: 'scanner' },
      ]);
    });
    expect(violations).toEqual([expect.objectContaining({ kind: 'missing-readonly', detail: 'readonly=(not set)' })]);
  });

  it('denies a table outside system.* and records it', async () => {
    const violations = await violationsOf(async () => {
      const denied = await clickHouseError(rows(client(), 'SELECT Body FROM otel.otel_logs LIMIT 1'));
      expect(denied).toMatchObject({ code: '497', type: 'ACCESS_DENIED' });
    });
    expect(violations).toEqual([expect.objectContaining({ kind: 'non-system-table', detail: 'reads otel.otel_logs' })]);
    expect(lastQuery().status).toBe(403);
  });

  it('answers statements it does not recognise with SYNTAX_ERROR (62) and records them', async () => {
    const c = client();
    const violations = await violationsOf(async () => {
      for (const query of ['SELECT * FROM system.mutations', 'SELECT name FROM system.parts', 'SHOW TABLES', 'SELECT name FROM url(\'http://x\', CSV)']) {
        expect(await clickHouseError(rows(c, query))).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' });
      }
      expect(await clickHouseError(c.query({ query: 'SELECT name FROM system.tables', format: 'CSV' }))).toMatchObject({ code: '73', type: 'UNKNOWN_FORMAT' });
    });
    expect(violations.map((v) => v.kind)).toEqual(Array(5).fill('unrecognised-statement'));
    expect(lastQuery().status).toBe(404);
  });

  it('answers version differences as a server does: an unknown column (47), a table this server lacks (60)', async () => {
    const c = client();
    expect(await clickHouseError(rows(c, 'SELECT is_killed FROM system.mutations'))).toMatchObject({ code: '47', type: 'UNKNOWN_IDENTIFIER' });
    expect(lastQuery().status).toBe(404);
    expect(await clickHouseError(rows(c, 'SELECT name FROM system.server_settings'))).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    expect(fixture.violations.filter((v) => v.sql.includes('is_killed') || v.sql.includes('server_settings'))).toEqual([]);
  });

  it('reports server facts: version(), uptime(), hostName(), currentUser(), registered ports, and BAD_GET for an unregistered one', async () => {
    const c = client();
    expect(await rows(c, "SELECT version() AS version, uptime() AS uptime, hostName() AS host, currentUser() AS user, getServerPort('https_port') AS https")).toEqual([
      { version: '24.8.4.13', uptime: 72 * 3600, host: 'ch-prod-1', user: 'scanner', https: fixture.ports.https },
    ]);
    expect(await rows(c, "SELECT getServerPort('tcp_port')")).toEqual([{ "getServerPort('tcp_port')": fixture.ports.native }]);
    const secure = await clickHouseError(rows(c, "SELECT getServerPort('tcp_port_secure') AS port"));
    expect(secure).toMatchObject({ code: '170', type: 'BAD_GET' });
    expect(secure.message).toContain('There is no port named tcp_port_secure');
  });

  it('applies settings as the login profile allows: readonly=1 profiles refuse max_execution_time unless changeable, readonly=2 refuses readonly=1', async () => {
    const asUser = (username: string, password: string) => client({ username, password });
    const ro1 = await clickHouseError(rows(asUser('profile_ro1', 'pw1'), 'SELECT name FROM system.users'));
    expect(ro1).toMatchObject({ code: '164', type: 'READONLY' });
    expect(ro1.message).toContain("Cannot modify 'max_execution_time' setting in readonly mode");
    expect(await rows(asUser('profile_ro1_timeout', 'pw2'), "SELECT name FROM system.users WHERE name = 'scanner'")).toEqual([{ name: 'scanner' }]);
    const ro2 = await clickHouseError(rows(asUser('profile_ro2', 'pw3'), 'SELECT name FROM system.users'));
    expect(ro2.message).toContain("Cannot modify 'readonly' setting in readonly mode");
    const unknown = await clickHouseError(rows(client({ clickhouse_settings: { ...READONLY_SETTINGS, max_exec_time: 5 } as never }), 'SELECT name FROM system.users'));
    expect(unknown).toMatchObject({ code: '115', type: 'UNKNOWN_SETTING' });
  });

  it('fails authentication with AUTHENTICATION_FAILED (516, HTTP 403) and records the user, never the password', async () => {
    const wrong = await clickHouseError(rows(client({ password: 'not-the-password' }), 'SELECT name FROM system.users'));
    expect(wrong).toMatchObject({ code: '516', type: 'AUTHENTICATION_FAILED' });
    expect(wrong.message).toContain('scanner: Authentication failed: password is incorrect, or there is no user with such name');
    expect(lastQuery()).toMatchObject({ status: 403, user: 'scanner', exceptionCode: 516 });
    expect(JSON.stringify(fixture.requests)).not.toContain('not-the-password');

    fixture.setBehaviour({ kind: 'auth-failure' });
    try {
      expect(await clickHouseError(rows(client(), 'SELECT name FROM system.users'))).toMatchObject({ code: '516' });
    } finally {
      fixture.setBehaviour({ kind: 'normal' });
    }
  });

  it('ends a slow query with TIMEOUT_EXCEEDED (159, HTTP 408) at max_execution_time, and a client timeout ends a hung one', async () => {
    fixture.setBehaviour({ kind: 'slow', delayMs: 10_000 });
    try {
      const timeout = await clickHouseError(rows(client({ clickhouse_settings: { readonly: '1', max_execution_time: 1 } }), 'SELECT name FROM system.users'));
      expect(timeout).toMatchObject({ code: '159', type: 'TIMEOUT_EXCEEDED' });
      expect(timeout.message).toMatch(/Timeout exceeded: elapsed 1\.\d+ seconds, maximum: 1/);
      expect(lastQuery().status).toBe(408);
    } finally {
      fixture.setBehaviour({ kind: 'normal' });
    }
    fixture.setBehaviour({ kind: 'hang' });
    try {
      const error = await rows(client({ request_timeout: 300 }), 'SELECT name FROM system.users').catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(ClickHouseError);
      expect((error as Error).message).toBe('Timeout error.');
    } finally {
      fixture.setBehaviour({ kind: 'normal' });
    }
  });

  it('kills the connection on request when told to', async () => {
    fixture.setBehaviour({ kind: 'kill-connection' });
    try {
      const error = await rows(client(), 'SELECT name FROM system.users').catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(ClickHouseError);
      expect((error as NodeJS.ErrnoException).code ?? (error as Error).message).toMatch(/ECONNRESET|socket hang up/);
    } finally {
      fixture.setBehaviour({ kind: 'normal' });
    }
  });

  it('compresses answers and exceptions with gzip when the client asks (enable_http_compression=1)', async () => {
    const c = client({ compression: { response: true } });
    expect(await rows(c, "SELECT name FROM system.users WHERE name = 'default'")).toEqual([{ name: 'default' }]);
    expect(lastQuery()).toMatchObject({ acceptEncoding: 'gzip', settings: { enable_http_compression: '1' } });
    expect(await clickHouseError(rows(c, 'SELECT nosuch FROM system.users'))).toMatchObject({ code: '47' });
    // The wire bytes really are gzip: read them without the client.
    const response = await fetch(`${fixture.httpUrl}/?readonly=1&enable_http_compression=1`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${SCANNER.username}:${SCANNER.password}`).toString('base64')}`, 'Accept-Encoding': 'gzip' },
      body: 'SELECT version() FORMAT JSONEachRow',
    });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.json()).toEqual({ 'version()': '24.8.4.13' });
  });

  it('serves HTTPS with a certificate from the CA made at test time, authenticating by X-ClickHouse-User/Key', async () => {
    const secure = client({ url: fixture.httpsUrl, tls: { ca_cert: Buffer.from(fixture.caCert) } });
    expect(await rows(secure, "SELECT name FROM system.users WHERE name = 'scanner'")).toEqual([{ name: 'scanner' }]);
    expect(lastQuery()).toMatchObject({ listener: 'https', authMethod: 'x-clickhouse-headers', user: 'scanner' });
    const untrusted = await rows(client({ url: fixture.httpsUrl }), 'SELECT name FROM system.users').catch((e: unknown) => e);
    expect((untrusted as NodeJS.ErrnoException).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  });

  it('answers /ping without credentials, and joins a ?query= head to the POST body with a line feed', async () => {
    expect((await client().ping()).success).toBe(true);
    const probe = await fetch(`${fixture.httpUrl}/ping`);
    expect(await probe.text()).toBe('Ok.\n');
    expect(fixture.requests.at(-1)).toMatchObject({ path: '/ping', authMethod: 'none', status: 200 });
    const joined = await fetch(`${fixture.httpUrl}/?readonly=1&query=${encodeURIComponent('SELECT hostName() AS host')}`, {
      method: 'POST',
      headers: { 'X-ClickHouse-User': SCANNER.username, 'X-ClickHouse-Key': SCANNER.password },
      body: 'FORMAT JSONEachRow',
    });
    expect(await joined.json()).toEqual({ host: 'ch-prod-1' });
    expect(lastQuery().sql).toBe('SELECT hostName() AS host\nFORMAT JSONEachRow');
  });

  it('records credentials in the URL and sessions as violations', async () => {
    const violations = await violationsOf(async () => {
      const inUrl = await fetch(`${fixture.httpUrl}/?readonly=1&user=scanner&password=${SCANNER.password}`, { method: 'POST', body: 'SELECT version()' });
      expect(await inUrl.text()).toBe('24.8.4.13\n');
      await rows(client({ session_id: 'sess-1' }), 'SELECT version()');
    });
    expect(violations.map((v) => v.kind)).toEqual(['credentials-in-url', 'session']);
  });

  it('fails a table read with the error the test injects (a missing grant), and reads the clickhouse-backup integration table', async () => {
    fixture.setTableError('query_log', accessDenied('scanner', 'query_log'));
    try {
      const denied = await clickHouseError(rows(client(), 'SELECT user FROM system.query_log'));
      expect(denied).toMatchObject({ code: '497', type: 'ACCESS_DENIED' });
      expect(denied.message).toContain('SELECT ON system.query_log');
    } finally {
      fixture.setTableError('query_log', undefined);
    }
    expect(await rows(client(), "SELECT name, created, size, location FROM system.backup_list WHERE location = 'remote'")).toEqual([
      { name: 'daily-2025-05-31', created: '2025-05-31 16:00:00', size: '1000', location: 'remote' },
    ]);
  });

  it('refuses multi-statements and an enum value that does not exist, as ClickHouse does', async () => {
    const c = client();
    expect(await clickHouseError(c.exec({ query: 'SELECT version(); SELECT uptime()' }))).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' });
    expect(await clickHouseError(rows(c, "SELECT id FROM system.backup_log WHERE status = 'CREATED'"))).toMatchObject({ code: '36', type: 'BAD_ARGUMENTS' });
  });
});

describe('ClickHouse fixture ports, for the TLS probe', () => {
  let tlsOnly: ClickHouseFixture;
  beforeAll(async () => {
    tlsOnly = await startClickHouseFixture({
      accounts: [{ name: SCANNER.username, password: SCANNER.password }],
      http: 'closed',
      native: 'closed',
      nativeSecure: 'clickhouse',
      scalarUserAuth: true,
      cloud: true,
      tables: { users: [{ name: 'default', auth_type: 'no_password', auth_params: '{}' }], mutations: [{ is_killed: 1 }] },
    });
  });
  afterAll(async () => {
    await tlsOnly.close();
  });

  const connect = (port: number) =>
    new Promise<net.Socket | NodeJS.ErrnoException>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', resolve);
    });

  /** Sends bytes to the native port and returns everything it answers before closing. */
  const exchange = (port: number, bytes: string) =>
    new Promise<string>((resolve, reject) => {
      let answer = '';
      const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.once('close', () => resolve(answer));
      // A server that closes at once may reset rather than finish: the answer is what arrived.
      socket.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(answer) : reject(e)));
    });

  it('refuses plaintext HTTP and native connections when those ports are closed', async () => {
    expect(await connect(tlsOnly.ports.http)).toMatchObject({ code: 'ECONNREFUSED' });
    expect(await connect(tlsOnly.ports.native)).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('answers an HTTP request line on an open native port as ClickHouse does, with no credentials sent', async () => {
    const answer = await exchange(fixture.ports.native, 'GET / HTTP/1.0\r\n\r\n');
    expect(answer).toBe(`HTTP/1.0 400 Bad Request\r\n\r\nPort ${fixture.ports.native} is for clickhouse-client program.\r\nYou must use port ${fixture.ports.http} for HTTP.\r\n`);
    expect(fixture.nativeConnections.at(-1)).toEqual({ listener: 'native', firstBytes: 'GET / HTTP/1.0\r\n\r\n' });
    expect(await exchange(fixture.ports.native, '\x00hello')).toBe('');
  });

  it('speaks the native answer over TLS on the secure native port, and reports only the registered ports', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = tls.connect({ port: tlsOnly.ports.nativeSecure, host: '127.0.0.1', ca: tlsOnly.caCert, servername: 'localhost' }, () => socket.write('GET / HTTP/1.0\r\n\r\n'));
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.once('end', () => resolve(text));
      socket.once('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.0 400 Bad Request\r\n\r\nPort \d+ is for clickhouse-client program\.\r\nYou must use port 8123 for HTTP\.\r\n$/);
    const c = createClient({ url: tlsOnly.httpsUrl, ...SCANNER, tls: { ca_cert: Buffer.from(tlsOnly.caCert) }, clickhouse_settings: READONLY_SETTINGS, log: { level: ClickHouseLogLevel.OFF } });
    try {
      const ports = await c.query({ query: "SELECT getServerPort('https_port') AS https, getServerPort('tcp_port_secure') AS native_secure", format: 'JSONEachRow' });
      expect(await ports.json()).toEqual([{ https: tlsOnly.ports.https, native_secure: tlsOnly.ports.nativeSecure }]);
      expect(await clickHouseError(c.query({ query: "SELECT getServerPort('http_port')", format: 'JSONEachRow' }))).toMatchObject({ code: '170' });
      // Schema variants: an older server's scalar auth_type; Cloud's is_killed.
      expect(await (await c.query({ query: 'SELECT auth_type FROM system.users', format: 'JSONEachRow' })).json()).toEqual([{ auth_type: 'no_password' }]);
      expect(await (await c.query({ query: 'SELECT is_killed FROM system.mutations', format: 'JSONEachRow' })).json()).toEqual([{ is_killed: 1 }]);
    } finally {
      await c.close();
    }
    tlsOnly.assertNoViolations();
  });

  it('offers silent and resetting native ports', async () => {
    const odd = await startClickHouseFixture({ accounts: [], http: 'closed', https: 'closed', native: 'reset', nativeSecure: 'silent' });
    try {
      const reset = await new Promise<string>((resolve) => {
        const socket = net.connect(odd.ports.native, '127.0.0.1');
        socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''));
        socket.once('close', () => resolve('closed'));
      });
      expect(['ECONNRESET', 'closed']).toContain(reset);
      const silent = await connect(odd.ports.nativeSecure);
      expect(silent).toBeInstanceOf(net.Socket);
      (silent as net.Socket).destroy();
    } finally {
      await odd.close();
    }
  });
});

describe('normalizeQuery', () => {
  it.each([
    ['[1, 2, 3, x]', '[?.., x]'],
    ['SELECT 1 AS aComplexName123', 'SELECT ? AS `?`'],
    [`ALTER TABLE t UPDATE email = '${CANARY}' WHERE id IN (1, 2, -3)`, 'ALTER TABLE t UPDATE email = ? WHERE id IN (?..)'],
    ["DELETE FROM t WHERE s = 'it''s' -- comment\n AND n = 0x1F", 'DELETE FROM t WHERE s = ? AND n = ?'],
    ["UPDATE x = $tag$ 'quoted' $tag$ WHERE f(1) = 2", 'UPDATE x = ? WHERE f(?) = ?'],
    ['  SELECT  `550e8400-e29b-41d4-a716-446655440000`', 'SELECT `?`'],
  ])('normalizes %j as ClickHouse does', (query, expected) => {
    expect(normalizeQuery(query)).toBe(expected);
  });
});

describe('ClickHouse Cloud API fixture', () => {
  const basic = (id: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
  const base = () => `${cloud.url}/v1/organizations/org-1/services/svc-1`;

  it('returns the backup configuration and the backups, newest first, in the documented envelope', async () => {
    const config = await fetch(`${base()}/backupConfiguration`, { headers: basic('key-id', 'key-secret') });
    expect(config.status).toBe(200);
    expect(await config.json()).toEqual({
      status: 200,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      result: { backupPeriodInHours: 24, backupRetentionPeriodInHours: 720, backupStartTime: '02:00' },
    });
    const list = (await (await fetch(`${base()}/backups`, { headers: basic('key-id', 'key-secret') })).json()) as { result: { id: string; finishedAt?: string }[] };
    expect(list.result.map((b) => b.id)).toEqual(['bk-new', 'bk-old']);
    expect(list.result[0]!.finishedAt).toBeUndefined();
    const one = (await (await fetch(`${base()}/backups/bk-old`, { headers: basic('key-id', 'key-secret') })).json()) as { result: { status: string } };
    expect(one.result.status).toBe('done');
    expect(cloud.requests.at(-1)).toEqual({ method: 'GET', path: '/v1/organizations/org-1/services/svc-1/backups/bk-old', keyId: 'key-id', status: 200 });
  });

  it('answers errors as { status, error, requestId }: a wrong key, an unknown service, a scripted 429, and refuses writes', async () => {
    const wrongKey = await fetch(`${base()}/backupConfiguration`, { headers: basic('key-id', 'nope') });
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toMatchObject({ status: 401, error: expect.any(String), requestId: expect.any(String) });
    expect(JSON.stringify(cloud.requests)).not.toContain('nope');
    const unknown = await fetch(`${cloud.url}/v1/organizations/org-1/services/svc-9/backups`, { headers: basic('key-id', 'key-secret') });
    expect(unknown.status).toBe(404);
    cloud.script('/v1/organizations/org-1/services/svc-1/backups', { status: 429, error: 'Too many requests', headers: { 'Retry-After': '3' } });
    const limited = await fetch(`${base()}/backups`, { headers: basic('key-id', 'key-secret') });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await fetch(`${base()}/backups`, { headers: basic('key-id', 'key-secret') })).status).toBe(200);
    const patch = await fetch(`${base()}/backupConfiguration`, { method: 'PATCH', headers: basic('key-id', 'key-secret'), body: '{"backupRetentionPeriodInHours":24}' });
    expect(patch.status).toBe(405);
    expect(cloud.writes).toEqual([expect.objectContaining({ method: 'PATCH', path: '/v1/organizations/org-1/services/svc-1/backupConfiguration' })]);
  });
});

describe('clickhouse-backup REST API fixture', () => {
  const auth = { Authorization: `Basic ${Buffer.from('api:api-secret').toString('base64')}` };

  it('lists backups as JSONEachRow, local before remote, zero sizes left out as the Go API does', async () => {
    const response = await fetch(`${backupApi.url}/backup/list`, { headers: auth });
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { name: 'incr-2', created: '2025-06-01 06:00:00', metadata_size: 10, location: 'local', required: 'full-1', desc: 'tar, regular' },
      { name: 'full-1', created: '2025-05-31 06:00:00', size: 2048, data_size: 2000, metadata_size: 48, location: 'remote', required: '', desc: 'tar, regular' },
    ]);
    const remote = (await (await fetch(`${backupApi.url}/backup/list/remote`, { headers: auth })).text()).trim().split('\n');
    expect(remote.map((l) => JSON.parse(l).name)).toEqual(['full-1']);
  });

  it('refuses a wrong password with 401, reports a storage failure, and refuses changes', async () => {
    const denied = await fetch(`${backupApi.url}/backup/list`, { headers: { Authorization: `Basic ${Buffer.from('api:wrong').toString('base64')}` } });
    expect([denied.status, await denied.text()]).toEqual([401, '401 Unauthorized\n']);
    expect((await fetch(`${backupApi.url}/backup/list?user=api&pass=api-secret`)).status).toBe(200);
    backupApi.script('/backup/list', { status: 500, error: 'can\'t connect to remote storage' });
    const failed = await fetch(`${backupApi.url}/backup/list`, { headers: auth });
    expect([failed.status, await failed.json()]).toEqual([500, { status: 'error', operation: 'list', error: "can't connect to remote storage" }]);
    expect((await fetch(`${backupApi.url}/backup/create`, { method: 'POST', headers: auth })).status).toBe(405);
    expect(backupApi.writes).toEqual([expect.objectContaining({ method: 'POST', path: '/backup/create' })]);
  });
});

describe('fixture test data', () => {
  it('refuses a row with a column the table does not have, and an enum value it does not know', async () => {
    await expect(startClickHouseFixture({ accounts: [], tables: { backup_log: [{ stauts: 'BACKUP_CREATED' }] } })).rejects.toThrow(
      'system.backup_log has no column stauts',
    );
    await expect(startClickHouseFixture({ accounts: [], tables: { backup_log: [{ status: 'DONE' }] } })).rejects.toThrow('is not a value of the enum');
    expect(serverError('UNKNOWN_TABLE', 'x').code).toBe(60);
  });
});
