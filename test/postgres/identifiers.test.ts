// quoteIdent() against PostgreSQL's own quote_ident() on real servers, and the
// remediations of every check run on a server for hostile and mixed-case names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { collectPostgres } from '../../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../../src/datastores/postgres/connection';
import { parseKeyNames, qualifiedName, quoteIdent } from '../../src/datastores/postgres/identifiers';
import unindexedForeignKey from '../../checks/postgres/unindexed-foreign-key';
import duplicateIndex from '../../checks/postgres/duplicate-index';
import invalidIndex from '../../checks/postgres/invalid-index';
import superuserLoginRoles from '../../checks/postgres/superuser-login-roles';
import type { EmbeddedServer } from '../../src/embedded-postgres';
import { run } from '../support/postgres-facts';
import { adminClient, POSTGRES_VERSIONS, runRemediation } from '../support/postgres-versions';

const limits = { statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000 };

/** Names a hostile or careless schema holds: case, spaces, quotes, dots, keywords, newlines, non-ASCII. */
const HOSTILE = ['OrderItems', 'CustomerId', 'select', 'user', 'order items', 'a"b', 'x.y', 'k#1', 'line\nbreak', 'café', '$x', '1st', 'name', 'drop table t; --'];

describe('quoteIdent', () => {
  it('leaves plain lower-case names alone and quotes the rest', () => {
    expect(quoteIdent('orders')).toBe('orders');
    expect(quoteIdent('OrderItems')).toBe('"OrderItems"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(qualifiedName('public', 'OrderItems')).toBe('public."OrderItems"');
  });
  it('reads resource keys back', () => {
    expect(parseKeyNames('public."Order.Items"#"a""b"')).toEqual({ names: ['public', 'Order.Items', 'a"b'], separators: ['.', '#'] });
    expect(parseKeyNames('public.orders')).toEqual({ names: ['public', 'orders'], separators: ['.'] });
    expect(parseKeyNames('public."unterminated')).toBeUndefined();
  });
});

for (const version of POSTGRES_VERSIONS) {
  describe.skipIf(version.unavailable !== undefined)(`identifiers on ${version.name}`, () => {
    let server: EmbeddedServer;
    let admin: pg.Client;
    const collect = () => collectPostgres(parsePostgresUrl(server.adminUrl('hostile')), { excludeSchemas: [] }, limits);

    beforeAll(async () => {
      server = await version.start();
      const postgres = await adminClient(server);
      await postgres.query('create database hostile');
      await postgres.end();
      admin = await adminClient(server, 'hostile');
    });
    afterAll(async () => {
      await admin?.end();
      await server?.stop();
    });

    it("quotes exactly as the server's quote_ident() for every keyword and hostile name", async () => {
      const { rows } = await admin.query<{ word: string; quoted: string }>(
        'select w as word, quote_ident(w) as quoted from unnest($1::text[]) w union all select word, quote_ident(word) from pg_get_keywords()',
        [HOSTILE],
      );
      const differing = rows.filter((r) => quoteIdent(r.word) !== r.quoted);
      // Keywords PostgreSQL 17 reserves that an older server does not: quoting them there names the same identifier.
      for (const d of differing) expect(await admin.query(`select 1 as ${quoteIdent(d.word)}`)).toMatchObject({ fields: [{ name: d.word }] });
      if (version.name.includes('17')) expect(differing).toEqual([]);
      else expect(differing.every((d) => d.quoted === d.word && quoteIdent(d.word) === `"${d.word}"`)).toBe(true);
    });

    it('runs the remediation of every check on objects with hostile names, and a new scan no longer reports them', async () => {
      const [table, column, other, index1, index2, role, schema] = ['OrderItems', 'CustomerId', 'order items', 'a"b', 'x.y', 'drop table t; --', 'Sales Dept'];
      await admin.query(`
        create schema ${quoteIdent(schema)};
        create table ${qualifiedName(schema, 'select')} (id int primary key);
        create table ${qualifiedName(schema, table)} (id int primary key, ${quoteIdent(column)} int references ${qualifiedName(schema, 'select')} (id), ${quoteIdent('line\nbreak')} text);
        create table ${qualifiedName(schema, other)} (id int, kind text not null, ${quoteIdent(column)} int) partition by list (kind);
        create table ${qualifiedName(schema, 'k#1')} partition of ${qualifiedName(schema, other)} for values in ('a');
        alter table ${qualifiedName(schema, other)} add constraint ${quoteIdent('fk.x')} foreign key (${quoteIdent(column)}) references ${qualifiedName(schema, 'select')} (id);
        create index ${quoteIdent(index1)} on ${qualifiedName(schema, table)} (${quoteIdent('line\nbreak')});
        create index ${quoteIdent(index2)} on ${qualifiedName(schema, table)} (${quoteIdent('line\nbreak')}, id);
        create index ${quoteIdent('café')} on only ${qualifiedName(schema, other)} (kind);
        create role ${quoteIdent(role)} login superuser;
      `);
      const facts = await collect();
      const findings = [unindexedForeignKey, duplicateIndex, invalidIndex, superuserLoginRoles].flatMap((check) =>
        run(check, facts).filter((f) => f.status === 'fail'),
      );
      expect(findings.map((f) => f.resource).sort()).toEqual([
        'db:"Sales Dept"."OrderItems"#"OrderItems_CustomerId_fkey"',
        'db:"Sales Dept"."order items"#"café"',
        'db:"Sales Dept"."order items"#"fk.x"',
        'db:role "drop table t; --"',
      ]);
      expect(findings.find((f) => f.resource.endsWith('_fkey"'))!.remediation).toBe('CREATE INDEX CONCURRENTLY ON "Sales Dept"."OrderItems" ("CustomerId");');
      const duplicate = run(duplicateIndex, facts).find((f) => f.status === 'warn')!;
      expect(duplicate.remediation).toBe('DROP INDEX CONCURRENTLY "Sales Dept"."a""b";');
      for (const finding of [...findings, duplicate]) await runRemediation(admin, finding.remediation);
      const after = await collect();
      for (const check of [unindexedForeignKey, duplicateIndex, invalidIndex]) {
        expect(run(check, after).map((f) => f.status)).toEqual(['pass']);
      }
      expect(run(superuserLoginRoles, after).filter((f) => f.status === 'fail')).toEqual([]);
    });
  });
}
