// The lock table of src/migrations/locks.ts against a real PostgreSQL 17: every
// statement kind's example is run and pg_locks, pg_class.relfilenode and the
// server's refusal inside a transaction block are compared with the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseStatements } from '../../src/migrations/sql';
import { classifyStatement, STATEMENT_KINDS } from '../../src/migrations/locks';
import { observeStatement } from '../support/pg-probe';
import { startPlaintextServer, withAdmin, type EmbeddedServer } from '../support/postgres';

let server: EmbeddedServer;
beforeAll(async () => {
  await loadParser();
  server = await startPlaintextServer();
  await withAdmin(server, 'postgres', (c) => c.query('create database locks'));
});
afterAll(async () => {
  await server?.stop();
});

const kinds = Object.values(STATEMENT_KINDS);

describe('lock table', () => {
  it('classifies each kind\'s own example as that kind', () => {
    for (const kind of kinds) {
      const [statement] = parseStatements(kind.example.sql.replace('{schema}', 'probe'));
      expect(classifyStatement(statement!).map((c) => c.kind.id), kind.example.sql).toContain(kind.id);
    }
  });

  kinds.forEach((kind, index) => {
    it(`${kind.title}: ${kind.locks.map((l) => `${l.mode} on the ${l.role}`).join(', ') || 'no relation lock'}${kind.rewrites ? ', rewrites' : ''}${kind.noTransactionBlock ? ', refused in a transaction block' : ''}`, async () => {
      const schema = `k${index}`;
      const sql = kind.example.sql.replace('{schema}', schema);
      const firstLocked = kind.locks.map((l) => kind.example.relations[l.role]).find(Boolean);
      const effect = await observeStatement(server, 'locks', schema, kind.example.setup, sql, firstLocked);
      if (kind.noTransactionBlock) expect(effect.refusedInTransactionBlock).toMatch(/cannot (run|be executed) inside a transaction block/);
      else expect(effect.refusedInTransactionBlock).toBeUndefined();
      // Outside a transaction block only the first lock the statement waits for is seen.
      const expected = kind.noTransactionBlock ? kind.locks.slice(0, 1) : kind.locks;
      for (const lock of expected) {
        const relation = kind.example.relations[lock.role]!;
        expect(effect.locks.get(relation), `${lock.role} ${relation}`).toBe(lock.mode);
      }
      const table = kind.example.relations.table ?? kind.example.relations.view;
      if (kind.rewrites !== undefined && table) expect(effect.rewritten.has(table)).toBe(kind.rewrites);
    });
  });
});
