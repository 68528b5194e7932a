import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPostgres } from '../../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../../src/datastores/postgres/connection';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import sslEnforced from '../../checks/postgres/ssl-enforced';
import certificateExpiry from '../../checks/postgres/certificate-expiry';
import unindexedForeignKey from '../../checks/postgres/unindexed-foreign-key';
import missingPrimaryKey from '../../checks/postgres/missing-primary-key';
import invalidIndex from '../../checks/postgres/invalid-index';
import duplicateIndex from '../../checks/postgres/duplicate-index';
import sensitiveColumns from '../../checks/postgres/sensitive-columns';
import { resolvePolicy } from '../../src/config/policy';
import type { DatastoreConfig, ServiceConfig } from '../../src/config/schema';
import { createBbqDatabase } from '../../src/demo/estate';
import { postgres15Unavailable, startPostgres15 } from '../support/postgres15';
import {
  HBA_PLAINTEXT_FIRST,
  HBA_TLS_ONLY,
  startPlaintextServer,
  startTlsOnlyServer,
  withAdmin,
  writeHba,
  type EmbeddedServer,
} from '../support/postgres';

const limits = { statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000 };
const policy = resolvePolicy({ policy: {} }, 'production');
const service: ServiceConfig = { name: 'svc', environment: 'production', datastores: [] };
const datastore: DatastoreConfig = { name: 'db', type: 'postgres', url: 'postgres://unused' };
const CANARY = 'row-data-canary-7f3a';

function evaluate(check: { evaluate: (input: never) => unknown }, facts: PostgresFacts, now = new Date()) {
  return (check.evaluate as (i: unknown) => { status: string; message: string; resource: string }[])({
    service,
    datastore,
    facts,
    policy,
    now,
  });
}

const EXTRA_SCHEMA = `
insert into customers (full_name, email) values ('${CANARY}', '${CANARY}@example.org');
create index customers_email_idx on customers (email);
create index customers_email_name_idx on customers (email, full_name);
`;

describe('PostgreSQL collector against a server with SSL off', () => {
  let server: EmbeddedServer;
  let facts: PostgresFacts;

  beforeAll(async () => {
    server = await startPlaintextServer();
    await createBbqDatabase(server, EXTRA_SCHEMA);
    facts = await collectPostgres(parsePostgresUrl(server.adminUrl('bbq')), { excludeSchemas: [] }, limits);
  });
  afterAll(() => server?.stop());

  it('reads settings, pg_hba rules and the probes, and fails SSL enforcement', () => {
    expect(facts.settings.ok && facts.settings.value.ssl?.setting).toBe('off');
    expect(facts.hbaRules.ok).toBe(true);
    expect(facts.plaintextProbe).toMatchObject({ ok: true, value: { accepted: true } });
    expect(facts.certificate).toMatchObject({ ok: true, value: { offered: false } });
    const [finding] = evaluate(sslEnforced, facts);
    expect(finding!.status).toBe('fail');
    expect(finding!.message).toMatch(/ssl = off/);
    expect(finding!.message).toMatch(/accepts connections without TLS \(.*pg_hba\.conf:\d+: host /);
  });

  it('runs read-only, without the password in any fact', () => {
    expect(facts.scannerSession).toEqual({ tls: false, readOnly: true });
    expect(JSON.stringify(facts)).not.toContain(server.password);
  });

  it('reads catalog metadata only, never row data', () => {
    expect(JSON.stringify(facts)).not.toContain(CANARY);
  });

  it('finds the unindexed join column, the table without a primary key and the redundant index', () => {
    const fk = evaluate(unindexedForeignKey, facts);
    expect(fk.map((f) => f.message)).toEqual([
      'foreign key inventory_menu_id_fkey (menu_id) -> menu has no supporting index',
    ]);
    expect(evaluate(missingPrimaryKey, facts).map((f) => f.resource)).toEqual(['db:public.stock_movements']);
    expect(evaluate(duplicateIndex, facts).map((f) => f.message)).toEqual([
      'index public.customers_email_idx is redundant with public.customers_email_name_idx',
    ]);
    expect(evaluate(invalidIndex, facts)[0]!.status).toBe('pass');
  });

  it('classifies the customer columns as sensitive', () => {
    const [finding] = evaluate(sensitiveColumns, facts);
    expect(finding!.status).toBe('warn');
    expect(finding!.message).toMatch(/person name, email, phone/);
  });

  it('sends the same number of queries whatever the schema size', async () => {
    await withAdmin(server, 'postgres', (c) => c.query('create database wide'));
    await withAdmin(server, 'wide', (c) =>
      c.query(
        Array.from({ length: 200 }, (_, i) => `create table t${i} (id int primary key, parent int references t${i} (id));`).join('\n'),
      ),
    );
    const wide = await collectPostgres(parsePostgresUrl(server.adminUrl('wide')), { excludeSchemas: [] }, limits);
    expect(wide.tables.ok && wide.tables.value.length).toBe(200);
    expect(wide.foreignKeys.ok && wide.foreignKeys.value.length).toBe(200);
    expect(wide.queriesSent).toBe(facts.queriesSent);
  });

  it('leaves out excluded schemas and extension-owned objects', async () => {
    await withAdmin(server, 'bbq', async (c) => {
      await c.query('create schema audit; create table audit.log (x int)');
    });
    const scoped = await collectPostgres(parsePostgresUrl(server.adminUrl('bbq')), { excludeSchemas: ['audit'] }, limits);
    const names = scoped.tables.ok ? scoped.tables.value.map((t) => `${t.schema}.${t.name}`) : [];
    expect(names).not.toContain('audit.log');
    expect(names).toContain('public.inventory');
  });
});

describe('PostgreSQL collector against a TLS-only server', () => {
  let server: EmbeddedServer;
  const notAfter = new Date(Date.now() + 10 * 24 * 3600 * 1000);
  const scannerPassword = 'scanner-pw-9d2c1e';
  const scannerUrl = () => `postgres://continuity_scanner:${scannerPassword}@127.0.0.1:${server.port}/postgres?sslmode=require`;

  beforeAll(async () => {
    server = await startTlsOnlyServer(notAfter);
    await withAdmin(
      server,
      'postgres',
      (c) => c.query(`create role continuity_scanner login password '${scannerPassword}' in role pg_monitor`),
      true,
    );
  });
  afterAll(() => server?.stop());

  it('passes SSL enforcement: ssl on, hostssl-only rules, plaintext refused', async () => {
    const url = server.adminUrl().replace('sslmode=disable', 'sslmode=require');
    const facts = await collectPostgres(parsePostgresUrl(url), { excludeSchemas: [] }, limits);
    expect(facts.scannerSession.tls).toBe(true);
    expect(facts.plaintextProbe).toMatchObject({ ok: true, value: { accepted: false } });
    const [finding] = evaluate(sslEnforced, facts);
    expect(finding!.status).toBe('pass');
  });

  it('reads the certificate expiry from the handshake and warns inside 30 days', async () => {
    const facts = await collectPostgres(parsePostgresUrl(scannerUrl()), { excludeSchemas: [] }, limits);
    expect(facts.certificate.ok && facts.certificate.value.offered).toBe(true);
    const read = facts.certificate.ok ? Date.parse(facts.certificate.value.notAfter!) : 0;
    expect(Math.abs(read - notAfter.getTime())).toBeLessThan(1000);
    const [finding] = evaluate(certificateExpiry, facts);
    expect(finding!.status).toBe('warn');
    expect(finding!.message).toMatch(/expires in (9|10) days/);
  });

  it('with only pg_monitor: pg_hba rules are unknown with the GRANT that makes them readable, never pass', async () => {
    const facts = await collectPostgres(parsePostgresUrl(scannerUrl()), { excludeSchemas: [] }, limits);
    expect(facts.privileges.superuser).toBe(false);
    expect(facts.hbaRules.ok).toBe(false);
    expect(facts.connectionTls.ok).toBe(true);
    const [finding] = evaluate(sslEnforced, facts);
    expect(finding!.status).toBe('unknown');
    expect(finding!.message).toMatch(/GRANT SELECT ON pg_catalog.pg_hba_file_rules/);
  });

  it('the documented GRANT makes the rules readable and the check pass', async () => {
    await withAdmin(
      server,
      'postgres',
      (c) =>
        c.query(
          'GRANT SELECT ON pg_catalog.pg_hba_file_rules TO continuity_scanner; GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO continuity_scanner;',
        ),
      true,
    );
    const facts = await collectPostgres(parsePostgresUrl(scannerUrl()), { excludeSchemas: [] }, limits);
    expect(facts.hbaRules.ok).toBe(true);
    expect(evaluate(sslEnforced, facts)[0]!.status).toBe('pass');
  });

  it('refuses to connect without TLS when the URL asks for sslmode=disable', async () => {
    await expect(
      collectPostgres(parsePostgresUrl(scannerUrl().replace('sslmode=require', 'sslmode=disable')), { excludeSchemas: [] }, limits),
    ).rejects.toThrow(/no pg_hba.conf entry/);
  });

  // postgres.ssl-enforced: a reload refuses a pg_hba.conf with an error and keeps the rules it had, which pg_hba_file_rules does not show.
  it('keeps the loaded rules when pg_hba.conf has an error, so ssl-enforced is unknown, not a pass', async () => {
    const url = server.adminUrl().replace('sslmode=disable', 'sslmode=require');
    const collect = () => collectPostgres(parsePostgresUrl(url), { excludeSchemas: [] }, limits);
    const reload = async (lines: string[]) => {
      await writeHba(server, lines);
      await withAdmin(server, 'postgres', (c) => c.query('SELECT pg_reload_conf()'), true);
    };
    /** The plaintext probe's verdict once it is `accepted` (the reload took effect), or after the wait. */
    const probeUntil = async (accepted: boolean) => {
      let facts = await collect();
      for (let i = 0; i < 20 && !(facts.plaintextProbe.ok && facts.plaintextProbe.value.accepted === accepted); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        facts = await collect();
      }
      return facts;
    };
    try {
      // A file that would admit plaintext, with an error: the server keeps the TLS-only rules it loaded.
      await reload([...HBA_PLAINTEXT_FIRST, 'host all all 127.0.0.1/32 no-such-method']);
      const broken = await probeUntil(true);
      expect(broken.plaintextProbe).toMatchObject({ ok: true, value: { accepted: false } });
      expect(broken.hbaRules.ok && broken.hbaRules.value.some((r) => r.error)).toBe(true);
      // Without the error the same file is loaded, and plaintext is accepted: the refusal above was the kept rules.
      await reload(HBA_PLAINTEXT_FIRST);
      expect((await probeUntil(true)).plaintextProbe).toMatchObject({ ok: true, value: { accepted: true } });
      // Back to TLS-only rules, then an error beside them: no rule in the file admits plaintext, yet the file is not what runs.
      await reload(HBA_TLS_ONLY);
      expect((await probeUntil(false)).plaintextProbe).toMatchObject({ ok: true, value: { accepted: false } });
      await reload([...HBA_TLS_ONLY, 'host all all 127.0.0.1/32 no-such-method']);
      const [finding] = evaluate(sslEnforced, await collect());
      expect(finding!.status).toBe('unknown');
      expect(finding!.message).toMatch(/not fully assessed: pg_hba.conf has an error \(line 4: /);
    } finally {
      await reload(HBA_TLS_ONLY);
    }
  });
});

describe.skipIf(postgres15Unavailable() !== undefined)('a private PostgreSQL 15', () => {
  let server: EmbeddedServer;
  beforeAll(async () => {
    server = await startPostgres15();
    await createBbqDatabase(server);
  });
  afterAll(() => server?.stop());

  it('collects the same findings from PostgreSQL 15', async () => {
    const facts = await collectPostgres(parsePostgresUrl(server.adminUrl('bbq')), { excludeSchemas: [] }, limits);
    expect(facts.serverVersionNum).toBeGreaterThanOrEqual(150000);
    expect(facts.serverVersionNum).toBeLessThan(160000);
    expect(evaluate(unindexedForeignKey, facts).map((f) => f.resource)).toEqual(['db:public.inventory#inventory_menu_id_fkey']);
    expect(evaluate(missingPrimaryKey, facts).map((f) => f.resource)).toEqual(['db:public.stock_movements']);
    expect(facts.hbaRules.ok).toBe(true);
  });
});
