// The PostgreSQL history store against a real (embedded) PostgreSQL.
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';
import { appliedVersions, migrateDown, migrateUp, MIGRATIONS } from '../../src/history/migrations';
import { PostgresHistoryStore } from '../../src/history/postgres-store';
import type { OutboxItem } from '../../src/history/types';
import { silentLogger } from '../../src/log';
import { finding, scanOf } from '../support/scan-fixtures';

let server: EmbeddedServer;
let admin: pg.Client;
beforeAll(async () => {
  server = await startEmbeddedPostgres();
  admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  for (const db of ['history_migrations', 'history_store', 'history_retention', 'history_batch', 'history_drop']) {
    await admin.query(`create database ${db}`);
  }
});
afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

async function tables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = 'continuity' order by 1`,
  );
  return rows.map((r) => r.name);
}

function item(id: string, createdAt = '2025-01-06T09:00:00.000Z'): OutboxItem {
  return {
    id,
    sink: 'hook',
    createdAt,
    attempts: 0,
    message: { kind: 'drift', key: id, service: 'orders', environment: 'production', scanId: 's', scanFinishedAt: 't', events: [], openFindings: [] },
  };
}

describe('history schema migrations', () => {
  it('applies every migration once, rolls each back, and applies them again', async () => {
    const client = new pg.Client({ connectionString: server.adminUrl('history_migrations') });
    await client.connect();
    try {
      expect(await migrateUp(client)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migrateUp(client)).toEqual([]);
      expect(await tables(client)).toEqual(['digests', 'outbox', 'scan_jobs', 'scan_services', 'scans', 'schema_migrations']);
      expect(await migrateDown(client, 2)).toEqual([3]);
      expect(await tables(client)).toEqual(['digests', 'outbox', 'scan_services', 'scans', 'schema_migrations']);
      const { rows } = await client.query(`select 1 from information_schema.columns where table_schema = 'continuity' and column_name = 'claimed_until'`);
      expect(rows).toEqual([]);
      expect(await migrateDown(client, 1)).toEqual([2]);
      expect(await tables(client)).toEqual(['scan_services', 'scans', 'schema_migrations']);
      expect(await appliedVersions(client)).toEqual([1]);
      expect(await migrateDown(client, 0)).toEqual([1]);
      expect(await tables(client)).toEqual(['schema_migrations']);
      expect(await migrateUp(client)).toEqual([1, 2, 3]);
      expect(await appliedVersions(client)).toEqual([1, 2, 3]);
    } finally {
      await client.end();
    }
  });

  it('leaves no trace of a migration that fails', async () => {
    const client = new pg.Client({ connectionString: server.adminUrl('history_migrations') });
    await client.connect();
    try {
      const broken = [...MIGRATIONS, { version: 4, name: 'broken', up: 'create table continuity.half (id int); select 1/0;', down: 'drop table continuity.half;' }];
      await expect(migrateUp(client, broken)).rejects.toThrow(/division by zero/);
      expect(await appliedVersions(client)).toEqual([1, 2, 3]);
      expect(await tables(client)).not.toContain('half');
    } finally {
      await client.end();
    }
  });
});

describe('PostgresHistoryStore', () => {
  it('records scans with their outbox, lists them, finds the previous scan of a service', async () => {
    const store = await PostgresHistoryStore.open(server.adminUrl('history_store'), { keep: 10, log: silentLogger });
    try {
      const a = scanOf([finding({ checkId: 'pg.ssl', status: 'pass' })], { at: '2025-01-06T09:00:00.000Z', scanId: 'a' });
      const b = scanOf([], { at: '2025-01-13T09:00:00.000Z', scanId: 'b', service: 'billing' });
      const c = scanOf([finding({ checkId: 'pg.ssl', status: 'fail' })], { at: '2025-01-20T09:00:00.000Z', scanId: 'c' });
      await store.record({ scan: a, outbox: [item('x', a.finishedAt)], digests: [{ service: 'orders', at: a.startedAt }] });
      await store.record({ scan: b, outbox: [], digests: [] });
      await store.record({ scan: c, outbox: [item('x'), item('y', c.finishedAt)], digests: [] });
      expect((await store.list()).map((e) => [e.scanId, e.services])).toEqual([
        ['c', ['orders']],
        ['b', ['billing']],
        ['a', ['orders']],
      ]);
      expect((await store.list({ service: 'orders', limit: 1 })).map((e) => e.scanId)).toEqual(['c']);
      expect((await store.list({ service: 'orders' })).map((e) => e.scanId)).toEqual(['c', 'a']);
      expect((await store.list({ limit: 2 })).map((e) => e.scanId)).toEqual(['c', 'b']);
      expect((await store.list())[0]).toEqual({ scanId: 'c', startedAt: c.startedAt, finishedAt: c.finishedAt, services: ['orders'], totals: c.totals });
      expect(await store.get('c')).toEqual(c);
      expect((await store.latestFor('orders'))?.scanId).toBe('c');
      expect((await store.latestFor('orders', { before: 'c' }))?.scanId).toBe('a');
      expect(await store.latestFor('orders', { before: 'a' })).toBeUndefined();
      expect(await store.lastDigestAt('orders')).toBe(a.startedAt);

      // x queued twice is one item; a failed attempt is counted; a delivered item is no longer pending.
      expect((await store.pending()).map((p) => p.id)).toEqual(['x', 'y']);
      await store.markFailed('x', 'HTTP 503', new Date('2025-01-20T09:01:00Z'));
      await store.markDelivered('y', new Date('2025-01-20T09:01:00Z'));
      expect((await store.pending()).map((p) => [p.id, p.attempts, p.lastError, p.lastAttemptAt])).toEqual([
        ['x', 1, 'HTTP 503', '2025-01-20T09:01:00.000Z'],
      ]);
      // A scan id recorded twice is refused and changes nothing.
      await expect(store.record({ scan: c, outbox: [item('z')], digests: [] })).rejects.toThrow(/duplicate key/);
      expect((await store.pending()).map((p) => p.id)).toEqual(['x']);
    } finally {
      await store.close();
    }
  });

  it('keeps the last N scans per service', async () => {
    const store = await PostgresHistoryStore.open(server.adminUrl('history_retention'), { keep: 2, log: silentLogger });
    try {
      for (let i = 1; i <= 4; i++) {
        await store.record({ scan: scanOf([], { scanId: `o${i}`, at: `2025-01-0${i}T09:00:00.000Z` }), outbox: [], digests: [] });
      }
      await store.record({ scan: scanOf([], { scanId: 'b1', service: 'billing', at: '2025-01-05T09:00:00.000Z' }), outbox: [], digests: [] });
      expect((await store.list()).map((e) => e.scanId)).toEqual(['b1', 'o4', 'o3']);
    } finally {
      await store.close();
    }
  });

  it('never shows the password of history.url in its description or errors', async () => {
    const url = server.adminUrl('history_store');
    const store = await PostgresHistoryStore.open(url, { keep: 10, log: silentLogger });
    expect(store.description).not.toContain(server.password);
    await store.close();
    const wrong = url.replace(`:${server.port}/`, `:1/`);
    const error = await PostgresHistoryStore.open(wrong, { keep: 1, log: silentLogger }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('history store');
    expect((error as Error).message).not.toContain(server.password);
  });

  it('writes a commit with one statement per table, however many services and deliveries it holds', async () => {
    const store = await PostgresHistoryStore.open(server.adminUrl('history_batch'), { keep: 10, log: silentLogger });
    const query = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const scan = scanOf([], { scanId: 'many' });
      scan.services = ['orders', 'billing', 'catalog'].map((name) => ({ ...scan.services[0]!, name }));
      const outbox = ['p', 'q', 'r', 'p'].map((id) => item(id));
      const digests = scan.services.map((s) => ({ service: s.name, at: scan.startedAt }));
      await store.record({ scan, outbox, digests });
      const inserts = query.mock.calls.map(([sql]) => String(sql)).filter((sql) => /^\s*insert/i.test(sql));
      expect(inserts).toHaveLength(4); // scans, scan_services, outbox, digests
      expect((await store.list()).map((e) => e.services)).toEqual([['billing', 'catalog', 'orders']]);
      // Listed under one of its services, a scan still names them all.
      expect((await store.list({ service: 'catalog', limit: 5 })).map((e) => e.services)).toEqual([['billing', 'catalog', 'orders']]);
      expect((await store.pending()).map((p) => [p.id, p.message.key, p.createdAt])).toEqual([
        ['p', 'p', '2025-01-06T09:00:00.000Z'],
        ['q', 'q', '2025-01-06T09:00:00.000Z'],
        ['r', 'r', '2025-01-06T09:00:00.000Z'],
      ]);
      expect(await store.lastDigestAt('catalog')).toBe(scan.startedAt);
    } finally {
      query.mockRestore();
      await store.close();
    }
  });

  it('logs an idle connection that drops and keeps working', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ base: undefined }, sink);
    const store = await PostgresHistoryStore.open(server.adminUrl('history_drop'), { keep: 10, log });
    try {
      // The connection that ran the migrations waits idle in the pool: end it from the server side.
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = 'history_drop' and application_name = 'continuity-history'`);
      await vi.waitFor(() => expect(lines.join('')).toContain('history store connection lost'));
      expect(lines.join('')).not.toContain(server.password);
      expect(await store.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
