// Eight weekly scans driven by a controllable clock against a real embedded
// PostgreSQL, with drift injected between them, alerts delivered to a local
// receiver that refuses deliveries for a while, and a service restart.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/alerts/message';
import { ConfigSchema, type Config } from '../../src/config/schema';
import { silentLogger } from '../../src/log';
import type { DriftEvent } from '../../src/model';
import { ContinuityService } from '../../src/service/serve';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver';
import {
  HBA_PLAINTEXT_FIRST,
  HBA_TLS_ONLY,
  installCertificate,
  serverCertificate,
  startTlsOnlyServer,
  withAdmin,
  writeHba,
  type CertificatePair,
  type EmbeddedServer,
} from '../support/postgres';

const DAY = 24 * 60 * 60 * 1000;
const WEBHOOK_SECRET = 'simulation-webhook-secret-0001';

const SCHEMA = `
create table menu (id serial primary key, item text not null);
create table warehouses (id serial primary key, name text not null);
create table inventory (
  id serial primary key,
  menu_id integer not null references menu (id),
  warehouse_id integer not null references warehouses (id),
  quantity integer not null
);
create index inventory_menu_idx on inventory (menu_id);
create index inventory_warehouse_idx on inventory (warehouse_id);
-- kept without a primary key until week 5
create table stock_movements (movement_id bigint not null, delta integer not null);
`;

/** The first Monday 09:00 UTC after the real date: certificates are valid relative to the real clock. */
function firstMonday(): Date {
  const d = new Date();
  d.setUTCHours(9, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7));
  return d;
}

let server: EmbeddedServer;
let receiver: AlertReceiver;
let workDir: string;
let shortCert: CertificatePair;

/** A superuser statement, over TLS (the server admits TCP clients only over TLS). */
function admin(sql: string, database = 'postgres'): Promise<unknown> {
  return withAdmin(server, database, (client) => client.query(sql), true);
}

beforeAll(async () => {
  // Certificates are valid relative to the real clock: one for a year, then one expiring sooner.
  [server, receiver, workDir, shortCert] = await Promise.all([
    startTlsOnlyServer(new Date(Date.now() + 365 * DAY)),
    startAlertReceiver(),
    mkdtemp(path.join(os.tmpdir(), 'continuity-sim-')),
    serverCertificate(new Date(Date.now() + 200 * DAY)),
  ]);
  await admin('create database orders');
  await admin('create database orders_audit');
  await admin(SCHEMA, 'orders');
  await admin('create table audit_log (id bigserial primary key, entry text not null)', 'orders_audit');
});

afterAll(async () => {
  await receiver?.close();
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

function configFor(start: Date, withAuditDb: boolean): Config {
  const url = (db: string) => server.adminUrl(db).replace('sslmode=disable', 'sslmode=require');
  // Live for weeks 1-5; expired at the week 6 scan.
  const waiverExpires = new Date(start.getTime() + 34 * DAY).toISOString().slice(0, 10);
  return ConfigSchema.parse({
    services: [
      {
        name: 'orders',
        owner: 'team-orders',
        datastores: [
          { name: 'orders-db', type: 'postgres', url: url('orders'), backupPolicy: 'https://runbooks.acme.test/backups/orders' },
          ...(withAuditDb ? [{ name: 'orders-audit', type: 'postgres', url: url('orders_audit') }] : []),
        ],
      },
    ],
    // This server archives no WAL; archiving is judged in test/postgres/wal-archiving.test.ts.
    policy: { skipChecks: ['postgres.wal-archiving'] },
    waivers: [
      { check: 'postgres.modification-audit', resource: 'orders-db', reason: 'pgaudit rollout planned', approver: 'dba-lead', expires: waiverExpires },
    ],
    history: { dir: path.join(workDir, 'history') },
    alerts: {
      reportBaseUrl: 'http://continuity.test',
      retry: { attempts: 2, initialDelayMs: 500, maxDelayMs: 5000 },
      sinks: [
        { name: 'hook', type: 'webhook', url: receiver.url('/hook'), secret: WEBHOOK_SECRET },
        { name: 'orders-slack', type: 'slack', url: receiver.url('/slack/orders'), owners: ['team-orders'], minSeverity: 'high' },
        { name: 'billing-slack', type: 'slack', url: receiver.url('/slack/billing'), owners: ['team-billing'] },
      ],
    },
    serve: { outDir: path.join(workDir, 'out'), port: 0 },
  });
}

function summary(e: DriftEvent): string {
  return `${e.type} ${e.checkId ?? '-'} ${e.resource ?? '-'}`;
}

it('eight weekly scans produce exactly the expected events and alerts, none lost or duplicated', async () => {
  const start = firstMonday();
  let clock = start;
  const waits: number[] = [];
  const make = (withAuditDb: boolean) =>
    new ContinuityService({
      config: configFor(start, withAuditDb),
      configPath: null,
      log: silentLogger,
      now: () => clock,
      sleep: async (ms) => void waits.push(ms),
      schedule: false,
    });
  let service = make(false);
  await service.start();

  const weekly: string[][] = [];
  const scanIds: string[] = [];
  const previousIds: (string | undefined)[] = [];
  for (let week = 1; week <= 8; week++) {
    clock = new Date(start.getTime() + (week - 1) * 7 * DAY);
    switch (week) {
      case 2: // SSL enforcement switched off during an incident
        await writeHba(server, HBA_PLAINTEXT_FIRST);
        await admin('select pg_reload_conf()');
        break;
      case 3: // an index dropped; the receiver refuses the first three deliveries
        await admin('drop index inventory_menu_idx', 'orders');
        receiver.refuseNext(3, 503, {}, '/hook');
        break;
      case 4: // SSL enforcement restored; a datastore added to the config (service restarted)
        await writeHba(server, HBA_TLS_ONLY);
        await admin('select pg_reload_conf()');
        await service.stop();
        service = make(true);
        await service.start();
        break;
      case 5: // a failure fixed
        await admin('alter table stock_movements add primary key (movement_id)', 'orders');
        break;
      case 7: // the certificate replaced by one that expires sooner: still passing, but worse
        await installCertificate(server, shortCert);
        await admin('select pg_reload_conf()');
        break;
      case 8: // the datastore removed from the config again (service restarted)
        await service.stop();
        service = make(false);
        await service.start();
        break;
    }
    expect(await service.runService('orders')).toBe('ok');
    const latest = (await service.historyStore.latestFor('orders'))!;
    expect(latest.startedAt).toBe(clock.toISOString());
    weekly.push((latest.changes?.events ?? []).map(summary));
    scanIds.push(latest.scanId);
    previousIds.push(latest.changes?.previousScanId);
  }

  expect(weekly).toEqual([
    [],
    ['new-failure postgres.ssl-enforced orders-db'],
    ['new-failure postgres.unindexed-foreign-key orders-db:public.inventory#inventory_menu_id_fkey'],
    [
      'datastore-added - orders-audit',
      'resolved postgres.ssl-enforced orders-db',
      // the added datastore arrives with its own problems: no backup policy link, no audit, scanner is superuser
      'new-failure datastore.backup-policy-link orders-audit',
      'new-failure postgres.modification-audit orders-audit',
      'new-failure postgres.superuser-login-roles orders-audit:role postgres',
    ],
    ['resolved postgres.missing-primary-key orders-db:public.stock_movements'],
    ['waiver-expired postgres.modification-audit orders-db'],
    // one server, one certificate: both datastores on it see notAfter move earlier
    ['evidence-worsened postgres.certificate-expiry orders-db', 'evidence-worsened postgres.certificate-expiry orders-audit'],
    ['datastore-removed - orders-audit'],
  ]);
  // Each week is compared with the week before, across the restarts.
  expect(previousIds).toEqual([undefined, ...scanIds.slice(0, 7)]);

  expect((await service.historyStore.latestFor('orders', { before: scanIds[6] }))?.scanId).toBe(scanIds[5]);
  const worsened = (await service.historyStore.get(scanIds[6]!))!.changes!.events[0]!;
  expect(worsened.message).toMatch(/still passes but its evidence worsened: notAfter: .+ -> .+/);
  expect(worsened.before?.evidence.find((e) => e.field === 'notAfter')?.value).not.toBe(worsened.after?.evidence.find((e) => e.field === 'notAfter')?.value);

  // The webhook: three refusals in week 3, then every message exactly once, in order.
  const hook = receiver.requests.filter((r) => r.path === '/hook');
  expect(hook.filter((r) => !r.accepted)).toHaveLength(3);
  const delivered = hook.filter((r) => r.accepted);
  const keys = delivered.map((r) => r.headers['idempotency-key']);
  expect(new Set(keys).size).toBe(keys.length);
  const hookMessages = delivered.map((r) => JSON.parse(r.body) as AlertMessage);
  const digest = (...items: string[]) => `digest: ${items.join(', ')}`;
  const PK = 'postgres.missing-primary-key orders-db:public.stock_movements';
  const SU = 'postgres.superuser-login-roles orders-db:role postgres';
  const FK = 'postgres.unindexed-foreign-key orders-db:public.inventory#inventory_menu_id_fkey';
  const AUDIT_NEW = ['datastore.backup-policy-link orders-audit', 'postgres.modification-audit orders-audit', 'postgres.superuser-login-roles orders-audit:role postgres'];
  expect(hookMessages.map((m) => (m.kind === 'digest' ? digest(...m.openFindings.map((f) => `${f.checkId} ${f.resource}`)) : summary(m.events[0]!)))).toEqual([
    digest(PK, SU), // week 1: the open violations at onboarding
    'new-failure postgres.ssl-enforced orders-db', // week 2
    digest(PK, SU),
    digest('postgres.ssl-enforced orders-db', PK, SU), // week 3: the new failure is refused twice and stays in the outbox
    `new-failure ${FK}`, // week 4: retried first, delivered once
    'datastore-added - orders-audit',
    'resolved postgres.ssl-enforced orders-db',
    ...AUDIT_NEW.map((f) => `new-failure ${f}`),
    digest(FK, PK, SU),
    `resolved ${PK}`, // week 5
    digest(FK, SU, ...AUDIT_NEW),
    'waiver-expired postgres.modification-audit orders-db', // week 6
    digest(FK, SU, ...AUDIT_NEW),
    'evidence-worsened postgres.certificate-expiry orders-db', // week 7
    'evidence-worsened postgres.certificate-expiry orders-audit',
    digest(FK, 'postgres.modification-audit orders-db', SU, ...AUDIT_NEW),
    'datastore-removed - orders-audit', // week 8
    digest(FK, 'postgres.modification-audit orders-db', SU),
  ]);
  // Retries waited with backoff (500 ms doubled per attempt, not really waited): two refused first attempts in week 3.
  expect(waits).toEqual([500, 500]);

  // Slack, routed by owner and at least high severity: one message per scan with changes, plus the digest.
  const slack = receiver.requests.filter((r) => r.path === '/slack/orders');
  expect(slack.every((r) => r.accepted)).toBe(true);
  const headers = slack.map((r) => (JSON.parse(r.body) as { blocks: { text?: { text: string } }[] }).blocks[0]!.text!.text);
  expect(headers).toEqual([
    'continuity digest: orders has 1 open finding(s)',
    'continuity: orders changed: 1 new-failure',
    'continuity digest: orders has 1 open finding(s)',
    'continuity digest: orders has 2 open finding(s)',
    'continuity: orders changed: 1 resolved, 2 new-failure',
    'continuity digest: orders has 1 open finding(s)',
    'continuity digest: orders has 3 open finding(s)',
    'continuity digest: orders has 3 open finding(s)',
    'continuity digest: orders has 3 open finding(s)',
    'continuity digest: orders has 1 open finding(s)',
  ]);
  expect(receiver.requests.filter((r) => r.path === '/slack/billing')).toEqual([]);
  expect(await service.historyStore.pending()).toEqual([]);
  expect(receiver.requests.map((r) => r.body).join('')).not.toContain(server.password);
  await service.stop();
});
