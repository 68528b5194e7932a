// The ClickHouse collector with the real @clickhouse/client against the fixture server: what it
// reads, that every statement is a read-only system-table read with a timeout, that no literal
// from a mutation or DELETE leaves the server, and how each failure surfaces.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { accessDenied, serverError, startClickHouseFixture, type ClickHouseFixture, type ClickHouseServerShape } from '../support/clickhouse-fixture-server';
import { startClickHouseBackupApiFixture } from '../support/clickhouse-backup-api-fixture';
import { startClickHouseCloudFixture } from '../support/clickhouse-cloud-fixture';
import { CANARY, OTEL_MUTATIONS, SCANNER, clickhouseDatastore, collectClickHouse, dailyBackupLog, hoursAgo, otelServer } from '../support/clickhouse-scan';
import { describeBackupSpan } from '../../src/datastores/clickhouse/facts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function server(shape: ClickHouseServerShape): Promise<ClickHouseFixture> {
  const fixture = await startClickHouseFixture(shape);
  closers.push(() => fixture.close());
  return fixture;
}

const overHttps = (fixture: ClickHouseFixture, fields: Record<string, unknown> = {}) =>
  clickhouseDatastore({ url: fixture.httpsUrl, ...fields });

describe('ClickHouse collector', () => {
  it('reads backups, ports, mutations, users and schema metadata with readonly=1 and max_execution_time on every statement', async () => {
    const now = new Date();
    const fixture = await server(
      otelServer({
        tables: {
          mutations: OTEL_MUTATIONS(now),
          query_log: [
            {
              type: 'QueryFinish',
              event_time: hoursAgo(2, now),
              query_kind: 'Delete',
              query: `DELETE FROM otel.otel_logs WHERE Body = '${CANARY}'`,
              user: 'alice',
              query_id: 'q-1',
              tables: ['otel.otel_logs'],
            },
          ],
        },
      }),
    );
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'continuity-ch-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'ca.pem'), fixture.caCert);
    const facts = await collectClickHouse(overHttps(fixture, { tls: { caFile: join(dir, 'ca.pem') }, queryTimeoutSeconds: 7 }));

    fixture.assertNoViolations();
    expect(fixture.queries.every((q) => q.settings.readonly === '1' && q.settings.max_execution_time === '7')).toBe(true);
    expect(fixture.queries.every((q) => q.listener === 'https' && q.authMethod === 'x-clickhouse-headers')).toBe(true);
    expect(facts.queriesSent).toBe(fixture.queries.length);
    expect(facts.session).toEqual({ readonly: 'query setting', serverTimeout: true });
    expect(facts.server).toMatchObject({ hostName: 'otel-ch-1', version: '24.8.4.13' });

    expect(facts.backups.native).toMatchObject({ ok: true, value: { kind: 'native', listsRetained: false } });
    expect(facts.backups.native.ok && facts.backups.native.value.backups).toHaveLength(45);
    expect(describeBackupSpan(facts, now)).toMatch(/^no point-in-time recovery: daily backups \(BACKUP\), 44 days logged .*newest 3 h ago$/);

    expect(facts.ports.https).toEqual({ ok: true, source: "getServerPort('https_port')", value: fixture.ports.https });
    expect(facts.ports.tcpSecure).toMatchObject({ ok: true, value: null });
    expect(facts.plaintextProbes).toEqual([
      expect.objectContaining({ name: 'http_port', port: fixture.ports.http, portSource: 'getServerPort', outcome: 'http-answered' }),
      expect.objectContaining({ name: 'tcp_port', port: fixture.ports.native, portSource: 'getServerPort', outcome: 'native-answered' }),
    ]);
    // The probes sent no credentials: the native port saw an HTTP request line, never a Hello packet.
    expect(fixture.nativeConnections.map((c) => c.firstBytes.slice(0, 9))).toEqual(['GET /ping']);
    expect(fixture.requests.filter((r) => r.path === '/ping').map((r) => r.authMethod)).toEqual(['none']);

    expect(facts.mutations.ok && facts.mutations.value.map((m) => [m.table, m.kind, m.command])).toEqual([
      ['otel_traces', 'lightweight DELETE', "UPDATE _row_exists = ? WHERE SpanAttributes[?] = ?"],
      ['otel_logs', 'UPDATE', 'UPDATE Body = ? WHERE TraceId = ?'],
      ['otel_logs', 'MATERIALIZE INDEX', 'MATERIALIZE INDEX idx_body'],
    ]);
    expect(facts.lightweightDeletes).toMatchObject({ ok: true, value: [{ user: 'alice', query: 'DELETE FROM otel.otel_logs WHERE Body = ?', tables: ['otel.otel_logs'] }] });
    expect(JSON.stringify(facts)).not.toContain(CANARY);
    expect(JSON.stringify(facts)).not.toContain('a1b2c3');
    expect(JSON.stringify(facts)).not.toContain(SCANNER.password);

    expect(facts.users.ok && facts.users.value.map((u) => u.name)).toEqual(['continuity_scanner', 'default']);
    expect(facts.columns.ok && facts.columns.value.map((c) => `${c.table}.${c.name}`)).toContain('otel_traces.UserEmail');
    expect(facts.tables.ok && facts.tables.value[0]).toMatchObject({ name: 'otel_logs', sortingKey: 'ServiceName, Timestamp' });
    expect(facts.skippingIndexes.ok && facts.skippingIndexes.value).toEqual([{ database: 'otel', table: 'otel_logs', name: 'idx_body', type: 'tokenbf_v1' }]);
  });

  it('sends the same number of statements whatever the server holds', async () => {
    const small = await server(otelServer());
    const large = await server(otelServer({ tables: { mutations: OTEL_MUTATIONS(), backup_log: [] } }));
    const a = await collectClickHouse(clickhouseDatastore({ url: small.httpUrl, plaintextProbe: false }));
    const b = await collectClickHouse(clickhouseDatastore({ url: large.httpUrl, plaintextProbe: false }));
    expect(a.queriesSent).toBe(b.queriesSent);
    expect(a.queriesSent).toBe(14);
  });

  it("leaves no listener on the scan's signal once the datastore is collected", async () => {
    const fixture = await server(otelServer());
    const scan = new AbortController();
    await collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl, plaintextProbe: false }), {}, scan.signal);
    expect(getEventListeners(scan.signal, 'abort')).toHaveLength(0);
  });

  it('keeps the session read-only through a settings profile that refuses the per-query settings', async () => {
    const fixture = await server(
      otelServer({
        accounts: [
          { name: 'ro1', password: 'ro1-password', profileReadonly: 1 },
          { name: 'ro2', password: 'ro2-password', profileReadonly: 2 },
        ],
      }),
    );
    const ds = clickhouseDatastore({ url: fixture.httpUrl, plaintextProbe: false, userEnv: 'CH_RO_USER', passwordEnv: 'CH_RO_PASSWORD' });
    const ro1 = await collectClickHouse(ds, { CH_RO_USER: 'ro1', CH_RO_PASSWORD: 'ro1-password' });
    expect(ro1.session).toEqual({ readonly: 'profile readonly=1', serverTimeout: false });
    expect(ro1.users.ok).toBe(true);
    const ro2 = await collectClickHouse(ds, { CH_RO_USER: 'ro2', CH_RO_PASSWORD: 'ro2-password' });
    expect(ro2.session).toEqual({ readonly: 'profile readonly=2', serverTimeout: true });
    expect(ro2.mutations.ok).toBe(true);
    // Every statement ran read-only: through readonly=1, or a profile that sets it.
    fixture.assertNoViolations();
  });

  it('fails the collection on a refused login, naming the server error and never the password', async () => {
    const fixture = await server(otelServer());
    fixture.setBehaviour({ kind: 'auth-failure' });
    const failure = collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl }));
    await expect(failure).rejects.toThrow(/AUTHENTICATION_FAILED \(516\).*continuity_scanner: Authentication failed/);
    await expect(failure).rejects.not.toThrow(SCANNER.password);
  });

  it('fails the collection when the server is unreachable, and when the login variables are not set', async () => {
    const fixture = await server(otelServer({ http: 'closed' }));
    await expect(collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl }))).rejects.toThrow(/could not query ClickHouse: .*ECONNREFUSED/);
    await expect(collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl, userEnv: 'CONTINUITY_TEST_UNSET_CH_USER' }))).rejects.toThrow(
      'environment variable CONTINUITY_TEST_UNSET_CH_USER (config datastores[otel-ch].userEnv) is not set',
    );
  });

  it('ends a slow server at max_execution_time with TIMEOUT_EXCEEDED', async () => {
    const fixture = await server(otelServer());
    fixture.setBehaviour({ kind: 'slow', delayMs: 5_000 });
    await expect(collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl, queryTimeoutSeconds: 1 }))).rejects.toThrow(/TIMEOUT_EXCEEDED \(159\)/);
  });

  it('reads the remaining tables when one grant is missing, and says which grant', async () => {
    const fixture = await server(otelServer({ tableErrors: { query_log: accessDenied(SCANNER.user, 'query_log') } }));
    const facts = await collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl, plaintextProbe: false }));
    expect(facts.lightweightDeletes).toMatchObject({ ok: false, reason: expect.stringContaining('ACCESS_DENIED (497)'), hint: expect.stringContaining('GRANT SELECT ON system.*') });
    expect(facts.mutations.ok).toBe(true);
    fixture.assertNoViolations();
  });

  it('sees only secure ports where the plaintext ones are closed', async () => {
    const fixture = await server(otelServer({ http: 'closed', native: 'closed', nativeSecure: 'clickhouse' }));
    const facts = await collectClickHouse(clickhouseDatastore({ url: fixture.httpsUrl })).catch((e: unknown) => e);
    // Without the CA the certificate is refused: the collection fails, it does not fall back to plaintext.
    expect(String(facts)).toMatch(/could not query ClickHouse/);
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'continuity-ch-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'ca.pem'), fixture.caCert);
    const secure = await collectClickHouse(clickhouseDatastore({ url: fixture.httpsUrl, tls: { caFile: join(dir, 'ca.pem') } }));
    expect(secure.ports.https).toMatchObject({ ok: true, value: fixture.ports.https });
    expect(secure.ports.tcpSecure).toMatchObject({ ok: true, value: fixture.ports.nativeSecure });
    expect(secure.plaintextProbes.map((p) => [p.name, p.portSource, p.port, p.outcome])).toEqual([
      ['http_port', 'default', 8123, 'refused'],
      ['tcp_port', 'default', 9000, 'refused'],
    ]);
  });

  it('reads clickhouse-backup from its integration table, or from its REST API when configured', async () => {
    const now = new Date();
    const fixture = await server(
      otelServer({
        tables: {
          backup_log: [],
          backup_list: [
            { name: 'full-1', created: hoursAgo(24 * 20, now), size: 2048, location: 'remote', desc: 'tar, regular' },
            { name: 'incr-2', created: hoursAgo(4, now), size: 10, location: 'remote', desc: 'tar, regular' },
          ],
        },
      }),
    );
    const facts = await collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl, plaintextProbe: false }));
    expect(facts.backups.clickhouseBackup).toMatchObject({ ok: true, value: { kind: 'clickhouse-backup', listsRetained: true } });
    expect(describeBackupSpan(facts, now)).toBe('no point-in-time recovery: backups every 20 days (clickhouse-backup), 20 days retained, newest 4 h ago');

    const api = await startClickHouseBackupApiFixture({
      username: 'api',
      password: 'api-secret',
      backups: [{ name: 'full-1', created: hoursAgo(30, now), location: 'remote', size: 2048 }],
    });
    closers.push(() => api.close());
    const viaApi = await collectClickHouse(
      clickhouseDatastore({ url: fixture.httpUrl, plaintextProbe: false, clickhouseBackup: { url: api.url, usernameEnv: 'CH_BACKUP_USER', passwordEnv: 'CH_BACKUP_PASSWORD' } }),
      { CH_BACKUP_USER: 'api', CH_BACKUP_PASSWORD: 'api-secret' },
    );
    expect(viaApi.backups.clickhouseBackup).toMatchObject({ ok: true, value: { source: 'clickhouse-backup API /backup/list', backups: [{ ok: true, sizeBytes: 2048, location: 'remote' }] } });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /backup/list']);
    expect(api.writes).toEqual([]);
  });

  it('reads a Cloud service backup configuration and backups from the Cloud API', async () => {
    const now = new Date();
    const fixture = await server(otelServer({ cloud: true, tables: { backup_log: [] } }));
    const cloud = await startClickHouseCloudFixture({
      keys: [{ keyId: 'key-id', keySecret: 'cloud-key-secret' }],
      services: [
        {
          organizationId: 'org-1',
          serviceId: 'svc-1',
          backupConfiguration: { backupPeriodInHours: 24, backupRetentionPeriodInHours: 45 * 24, backupStartTime: null },
          backups: [
            { id: 'b1', status: 'done', serviceId: 'svc-1', startedAt: hoursAgo(27, now).toISOString(), finishedAt: hoursAgo(26, now).toISOString(), sizeInBytes: 10, durationInSeconds: 3600, type: 'full' },
            { id: 'b2', status: 'done', serviceId: 'svc-1', startedAt: hoursAgo(4, now).toISOString(), finishedAt: hoursAgo(3, now).toISOString(), sizeInBytes: 10, durationInSeconds: 3600, type: 'incremental' },
          ],
        },
      ],
    });
    closers.push(() => cloud.close());
    const facts = await collectClickHouse(
      clickhouseDatastore({ url: fixture.httpUrl, plaintextProbe: false, cloud: { organizationId: 'org-1', serviceId: 'svc-1', apiUrl: cloud.url, keyIdEnv: 'CH_KEY_ID', keySecretEnv: 'CH_KEY_SECRET' } }),
      { CH_KEY_ID: 'key-id', CH_KEY_SECRET: 'cloud-key-secret' },
    );
    expect(describeBackupSpan(facts, now)).toBe('no point-in-time recovery: daily backups (ClickHouse Cloud), 45 days retained, newest 3 h ago');
    expect(cloud.writes).toEqual([]);
    expect(JSON.stringify(facts)).not.toContain('cloud-key-secret');
  });

  it('reads failed and stale native backups, and falls back to system.backups (since the last restart) where backup_log is missing', async () => {
    const now = new Date();
    const failed = { id: 'b-failed', name: "S3('https://s3.example/ch/x', 'key', '[HIDDEN]')", status: 'BACKUP_FAILED', error: 'Code: 499. S3 error: Access Denied', end_time: hoursAgo(2, now) };
    const stale = dailyBackupLog(3, 80, now);
    const fixture = await server(otelServer({ tables: { backup_log: [...stale, { ...failed, event_time: hoursAgo(2, now), event_time_microseconds: hoursAgo(2, now) }] } }));
    const facts = await collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl, plaintextProbe: false }));
    const backups = facts.backups.native.ok ? facts.backups.native.value.backups : [];
    expect(backups.filter((b) => !b.ok)).toEqual([{ at: expect.any(String), ok: false, sizeBytes: 0, error: 'Code: 499. S3 error: Access Denied' }]);
    expect(JSON.stringify(facts)).not.toContain('[HIDDEN]');
    expect(describeBackupSpan(facts, now)).toMatch(/newest 3 days ago$/);

    fixture.setTable('backup_log', undefined);
    fixture.setTable('backups', [{ id: 'b-1', status: 'BACKUP_CREATED', end_time: hoursAgo(5, now), total_size: 10 }]);
    const recent = await collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl, plaintextProbe: false }));
    expect(recent.backups.native).toMatchObject({ ok: true, source: 'system.backups', value: { source: 'system.backups', retentionNote: expect.stringContaining('system.backups holds only operations since the server started 72 h ago') } });
    fixture.assertNoViolations();
  });

  it('reports a server error on a table as unreadable, not as empty', async () => {
    const fixture = await server(otelServer({ tableErrors: { mutations: serverError('TIMEOUT_EXCEEDED', 'Timeout exceeded: elapsed 10.0001 seconds, maximum: 10') } }));
    const facts = await collectClickHouse(clickhouseDatastore({ url: fixture.httpUrl, plaintextProbe: false }));
    expect(facts.mutations).toMatchObject({ ok: false, reason: expect.stringContaining('TIMEOUT_EXCEEDED (159)') });
  });
});
