// On real servers (PostgreSQL 17 and 15): one finding per foreign key seen by drift
// and waivers, statistics after pg_stat_reset() and after a crash restart, and
// log_statement judged where it applies, not in the scanner's own session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { collectPostgres } from '../../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../../src/datastores/postgres/connection';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import unindexedForeignKey from '../../checks/postgres/unindexed-foreign-key';
import sequentialScanHeavy from '../../checks/postgres/sequential-scan-heavy';
import unusedIndex from '../../checks/postgres/unused-index';
import modificationAudit from '../../checks/postgres/modification-audit';
import walArchiving from '../../checks/postgres/wal-archiving';
import { diffScans } from '../../src/drift/diff';
import { postgresModule } from '../../src/datastores/postgres';
import { applyWaivers } from '../../src/engine/waivers';
import type { EmbeddedServer } from '../../src/embedded-postgres';
import type { Finding } from '../../src/model';
import { run } from '../support/postgres-facts';
import { scanOf } from '../support/scan-fixtures';
import { adminClient, eventually, POSTGRES_VERSIONS } from '../support/postgres-versions';

const limits = { statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000 };
const DAY_MS = 24 * 3600 * 1000;
const scan = (findings: Finding[]) => scanOf(findings, { service: 'svc', datastores: ['db'] });
const events = (before: Finding[], after: Finding[]) => diffScans(scan(before), scan(after)).map((e) => `${e.type} ${e.resource}`);
const waiver = (resource: string) => ({ check: 'postgres.unindexed-foreign-key', resource, reason: 'backfill first', approver: 'dba', expires: '2099-01-01' });

for (const version of POSTGRES_VERSIONS) {
  describe.skipIf(version.unavailable !== undefined)(`drift, statistics and settings on ${version.name}`, () => {
    let server: EmbeddedServer;
    let admin: pg.Client;
    const scannerPassword = 'scanner-pw-4e1b77';
    const collect = (url = server.adminUrl('shop')) => collectPostgres(parsePostgresUrl(url), { excludeSchemas: [] }, limits);
    const collectAsScanner = () => collect(`postgres://continuity_scanner:${scannerPassword}@127.0.0.1:${server.port}/shop?sslmode=disable`);

    beforeAll(async () => {
      server = await version.start({ log_statement: 'none' });
      const postgres = await adminClient(server);
      await postgres.query('create database shop');
      await postgres.query(`create role continuity_scanner login password '${scannerPassword}' in role pg_monitor`);
      await postgres.end();
      admin = await adminClient(server, 'shop');
      await admin.query(`
        create table customers (id int primary key);
        create table products (id int primary key);
        create table warehouses (id int primary key);
        create table orders (id int primary key, customer_id int references customers (id));
      `);
    });
    afterAll(async () => {
      await admin?.end();
      await server?.stop();
    });

    it('a fix and a new problem on the same table are two drift events', async () => {
      const before = run(unindexedForeignKey, await collect());
      expect(before.map((f) => f.resource)).toEqual(['db:public.orders#orders_customer_id_fkey']);
      await admin.query('create index on orders (customer_id); alter table orders add column product_id int references products (id)');
      const after = run(unindexedForeignKey, await collect());
      expect(events(before, after)).toEqual([
        'new-failure db:public.orders#orders_product_id_fkey',
        'resolved db:public.orders#orders_customer_id_fkey',
      ]);
    });

    it('a waiver on one foreign key leaves the other failing; a prefix waives every key of the table', async () => {
      await admin.query('alter table orders add column warehouse_id int references warehouses (id)');
      const findings = run(unindexedForeignKey, await collect());
      const now = new Date();
      const one = applyWaivers(findings, [waiver('db:public.orders#orders_product_id_fkey')], now);
      expect(one.map((f) => [f.resource, f.status])).toEqual([
        ['db:public.orders#orders_product_id_fkey', 'waived'],
        ['db:public.orders#orders_warehouse_id_fkey', 'fail'],
      ]);
      expect(applyWaivers(findings, [waiver('db:public.orders#*')], now).map((f) => f.status)).toEqual(['waived', 'waived']);
    });

    it('after pg_stat_reset() the statistics checks say unknown, never pass, and drift reports the reset, not a resolution', async () => {
      await admin.query('create table big as select g as id, g % 100 as kind from generate_series(1, 20000) g; create index big_kind_idx on big (kind); analyze big');
      for (let i = 0; i < 5; i++) await admin.query('select count(*) from big');
      // Statistics are counted when a session reports them: wait until the scans show.
      await eventually('the sequential scans to show', async () => {
        const { rows } = await admin.query<{ n: string }>("select seq_scan as n from pg_stat_user_tables where relname = 'big'");
        return Number(rows[0]?.n ?? 0) >= 5 ? true : undefined;
      });
      const policy = (await import('../../src/config/policy')).resolvePolicy({ policy: { unusedIndex: { minSizeBytes: 0 } } }, 'production');
      const judge = (facts: PostgresFacts, at: Date) =>
        [sequentialScanHeavy, unusedIndex].flatMap((check) => run(check, facts, { policy, now: at })).filter((f) => f.status === 'unknown' || f.resource.includes('big'));
      const first = await collect();
      const since = (facts: PostgresFacts) => (facts.statsSince.ok ? Date.parse(facts.statsSince.value.since) : NaN);
      // Judged eight days into the statistics window (a controlled clock): the sequential reads show.
      const before = judge(first, new Date(since(first) + 8 * DAY_MS));
      expect(before.map((f) => `${f.checkId} ${f.status} ${f.resource}`)).toEqual([
        'postgres.sequential-scan-heavy warn db:public.big',
        'postgres.unused-index warn db:public.big#big_kind_idx',
      ]);
      const { rows } = await admin.query<{ at: Date }>('select pg_stat_reset(), clock_timestamp() as at');
      const second = await collect();
      expect(second.statsSince).toMatchObject({ ok: true, value: { basis: 'stats_reset', source: 'pg_stat_database.stats_reset' } });
      expect(since(second)).toBeGreaterThanOrEqual(rows[0]!.at.getTime() - 1000);
      // Twelve minutes after the reset, with every counter back at zero.
      const after = judge(second, new Date(since(second) + 12 * 60 * 1000));
      expect(after.map((f) => [f.status, f.message.split(' (')[0]])).toEqual([
        ['unknown', 'statistics reset 12 minutes ago'],
        ['unknown', 'statistics reset 12 minutes ago'],
      ]);
      expect(events(before, after)).toEqual(['statistics-reset db']);
    });

    it('after a crash restart (every counter discarded) the window starts at the restart', async () => {
      const victim = await adminClient(server, 'shop');
      const { rows } = await victim.query<{ pid: number; at: Date }>('select pg_backend_pid() as pid, clock_timestamp() as at');
      process.kill(rows[0]!.pid, 'SIGKILL'); // the postmaster restarts every process and discards the statistics
      await victim.end().catch(() => undefined);
      await admin.end().catch(() => undefined);
      admin = await eventually('the server to come back', async () => adminClient(server, 'shop').catch(() => undefined));
      const facts = await collect();
      expect(facts.statsSince.ok && Date.parse(facts.statsSince.value.since)).toBeGreaterThanOrEqual(rows[0]!.at.getTime() - 1000);
      const [finding] = run(sequentialScanHeavy, facts, { now: new Date(Date.parse(facts.statsSince.ok ? facts.statsSince.value.since : '') + 60_000) });
      expect(finding!.status).toBe('unknown');
    });

    it("judges log_statement where it applies to the application's roles, not in the scanner's session", async () => {
      const verdict = async () => run(modificationAudit, await collectAsScanner())[0]!;
      await admin.query("alter role continuity_scanner set log_statement = 'all'");
      const own = await verdict();
      expect(own.status).toBe('unknown');
      expect(own.message).toContain('ALTER ROLE continuity_scanner RESET log_statement');
      await admin.query('alter role continuity_scanner reset log_statement');
      expect(await verdict()).toMatchObject({ status: 'fail', message: expect.stringMatching(/log_statement = none \(server, (default|command line)\)/) });
      await admin.query("alter database shop set log_statement = 'mod'");
      expect(await verdict()).toMatchObject({ status: 'pass', message: expect.stringContaining('log_statement = mod (ALTER DATABASE shop SET)') });
      await admin.query("create role app login; alter role app set log_statement = 'none'");
      const lowered = await verdict();
      expect(lowered).toMatchObject({ status: 'fail', message: expect.stringContaining('role app: log_statement = none (ALTER ROLE app SET)') });
      expect(lowered.evidence).toContainEqual({ source: 'pg_db_role_setting', field: 'ALTER ROLE app SET log_statement', value: 'none' });
    });

    it('fails WAL archiving on a server with archive_mode off, and says so in the recovery column', async () => {
      const facts = await collectAsScanner();
      const [finding] = run(walArchiving, facts);
      expect(finding).toMatchObject({ status: 'fail', message: 'no point-in-time recovery: WAL archiving off (archive_mode = off)' });
      const datastore = { name: 'db', type: 'postgres' as const, url: 'postgres://unused' };
      expect(postgresModule.describeRecovery!({ postgres: { ok: true, facts } }, datastore)).toBe(finding!.message);
    });
  });
}
