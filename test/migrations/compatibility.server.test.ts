// Compatibility rules whose claim is about what the running application version
// meets after a migration, shown on a real PostgreSQL 17: the migration runs as
// its tool sends it, then an insert written by the old version (which does not
// know the new column) runs against the migrated table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintMigration } from '../../src/migrations/lint';
import { loadParser } from '../../src/migrations/sql';
import { sendAsTool } from '../support/pg-probe';
import { startPlaintextServer, withAdmin, type EmbeddedServer } from '../support/postgres';

let server: EmbeddedServer;
beforeAll(async () => {
  await loadParser();
  server = await startPlaintextServer();
  await withAdmin(server, 'postgres', (c) => c.query('create database compatibility'));
});
afterAll(async () => {
  await server?.stop();
});

const EXISTING = "create table orders (id int primary key); insert into orders values (1)";
const OLD_VERSION_INSERT = 'insert into orders (id) values (2)';

const CASES: { name: string; migration: string[]; flagged: boolean }[] = [
  // Django's AddField of a NOT NULL field with a Python default: the default fills the existing rows, then is dropped.
  { name: "Django's AddField with a Python default", migration: ['alter table orders add column tier int not null default 0', 'alter table orders alter column tier drop default'], flagged: true },
  // Django 5's db_default keeps the default in the database.
  { name: 'a NOT NULL column that keeps its default', migration: ['alter table orders add column tier int not null default 0'], flagged: false },
  { name: 'a nullable column whose default is dropped', migration: ['alter table orders add column tier int default 0', 'alter table orders alter column tier drop default'], flagged: false },
];

describe('drop-default-not-null on the server', () => {
  CASES.forEach(({ name, migration, flagged }, i) => {
    it(`${name}: the old version's insert ${flagged ? 'fails' : 'succeeds'}, and the rule ${flagged ? 'flags' : 'passes'} it`, async () => {
      const run = await sendAsTool(server, 'compatibility', `c${i}`, EXISTING, [...migration, OLD_VERSION_INSERT], 'tool-per-statement');
      if (flagged) expect(run.error).toMatch(/null value in column "tier" of relation "orders" violates not-null constraint/);
      else expect(run.error).toBeUndefined();
      const [linted] = lintMigration([{ path: 'm.sql', sql: migration.join(';\n'), line: 1, transaction: 'tool-per-statement' }]);
      expect(linted!.hits.some((h) => h.rule === 'drop-default-not-null')).toBe(flagged);
    });
  });
});
