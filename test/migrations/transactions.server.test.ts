// The transaction model of src/migrations/transactions.ts against a real
// PostgreSQL 17. Each script is sent as each tool sends it; to learn whether a
// statement ran in a transaction block, it is replaced by VACUUM, which the
// server refuses in any block (explicit, implicit or the tool's). Warnings and
// a transaction left open are read from the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintMigration } from '../../src/migrations/lint';
import { loadParser, parseStatements } from '../../src/migrations/sql';
import { transactionModel, type TransactionMode } from '../../src/migrations/transactions';
import { sendAsTool } from '../support/pg-probe';
import { startPlaintextServer, withAdmin, type EmbeddedServer } from '../support/postgres';

let server: EmbeddedServer;
beforeAll(async () => {
  await loadParser();
  server = await startPlaintextServer();
  await withAdmin(server, 'postgres', (c) => c.query('create database transactions'));
});
afterAll(async () => {
  await server?.stop();
});

const SCRIPTS: string[][] = [
  ['create table a1 (id int)', 'create table a2 (id int)'],
  ['select 1'],
  ['begin', 'create table a1 (id int)', 'commit', 'create table a2 (id int)'],
  ['create table a1 (id int)', 'commit', 'create table a2 (id int)'],
  ['begin', 'create table a1 (id int)', 'create table a2 (id int)'],
  ['begin', 'begin', 'create table a1 (id int)', 'commit'],
  ['select 1', 'begin', 'select 2', 'commit', 'select 3'],
  ['begin', 'select 1', 'rollback', 'select 2', 'select 3'],
  ['commit', 'select 1'],
  // pop's generated SQL splits its transaction: the tool's COMMIT at the end commits the block the file left open.
  ['create table a1 (id int)', 'commit', 'begin', 'create table a2 (id int)'],
];
const MODES: TransactionMode[] = ['tool', 'tool-per-statement', 'implicit', 'autocommit', 'flyway'];
const PROBE = 'vacuum probe';
const REFUSED = /cannot run inside a transaction block/;

/** Send the statements as a tool of `mode` would, in a fresh schema and session. */
async function send(statements: string[], mode: TransactionMode, schema: string) {
  return sendAsTool(server, 'transactions', schema, 'create table probe (id int)', statements, mode);
}

let schemas = 0;

describe('transaction model', () => {
  for (const mode of MODES) {
    describe(mode, () => {
      SCRIPTS.forEach((script) => {
        it(`${script.join('; ')}: the block of every statement, and the warnings`, async () => {
          const control = /^(begin|commit|rollback)$/;
          for (let i = 0; i < script.length; i++) {
            if (control.test(script[i]!)) continue;
            const probed = script.map((s, j) => (j === i ? PROBE : s));
            const model = transactionModel(parseStatements(probed.join(';\n')), mode);
            const run = await send(probed, mode, `s${schemas++}`);
            const refused = run.error !== undefined && REFUSED.test(run.error);
            expect(run.error === undefined || refused, run.error).toBe(true);
            expect(refused, `statement ${i + 1} (${model[i]!.block})`).toBe(model[i]!.block !== 'none');
          }
          const model = transactionModel(parseStatements(script.join(';\n')), mode);
          const events = new Set(model.map((m) => m.event).filter(Boolean));
          const run = await send(script, mode, `s${schemas++}`);
          expect(run.error).toBeUndefined();
          expect(run.notices.some((n) => /there is already a transaction in progress/.test(n))).toBe(events.has('nested-begin'));
          // The tool's own COMMIT warns after a file that ended its transaction, unless the file opened a block again (then it commits that).
          const endsInBlock = model.at(-1)!.block === 'explicit' && !model.at(-1)!.endsBlock;
          expect(run.notices.some((n) => /there is no transaction in progress/.test(n))).toBe(events.has('commit-without-transaction') || (events.has('ends-tool-transaction') && !endsInBlock));
          expect(run.leftOpen).toBe(events.has('never-committed'));
        });
      });
    });
  }
});

describe('lock_timeout in effect', () => {
  const SETTINGS: string[][] = [
    ["set lock_timeout = '2s'"],
    ["set local lock_timeout = '2s'"],
    ['begin', "set local lock_timeout = '2s'", 'commit'],
    ['begin', "set local lock_timeout = '2s'"],
    ["set lock_timeout = '2s'", 'set lock_timeout = 0'],
    ["select set_config('lock_timeout', '2s', true)"],
    ["select set_config('lock_timeout', '2s', false)"],
  ];
  for (const mode of MODES) {
    for (const settings of SETTINGS) {
      it(`${mode}: ${settings.join('; ')}: require-lock-timeout flags the next statement exactly when the server has no lock_timeout`, async () => {
        const linted = lintMigration([{ path: 'm.sql', sql: [...settings, 'alter table probe add column x int'].join(';\n'), line: 1, transaction: mode }])[0]!;
        const flagged = linted.hits.some((h) => h.rule === 'require-lock-timeout');
        const run = await send([...settings, "select current_setting('lock_timeout') as lock_timeout"], mode, `s${schemas++}`);
        expect(run.error).toBeUndefined();
        expect(flagged).toBe(run.rows[0]!.lock_timeout === '0');
      });
    }
  }
});
