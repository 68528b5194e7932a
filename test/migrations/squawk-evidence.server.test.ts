// The server's evidence for every explained disagreement with Squawk
// (squawk/disagreements.ts), checked on a real PostgreSQL 17: each case runs on
// the corpus schema, in a schema of its own, as its tool would send it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseStatements } from '../../src/migrations/sql';
import { observeStatement, sendAsTool } from '../support/pg-probe';
import { startPlaintextServer, withAdmin, type EmbeddedServer } from '../support/postgres';
import { CORPUS } from './squawk/corpus';
import { DISAGREEMENTS, EVIDENCE_SCHEMA } from './squawk/disagreements';

let server: EmbeddedServer;
beforeAll(async () => {
  await loadParser();
  server = await startPlaintextServer();
  await withAdmin(server, 'postgres', (c) => c.query('create database evidence'));
});
afterAll(async () => {
  await server?.stop();
});

let schemas = 0;

describe('the server decides each disagreement with Squawk', () => {
  for (const entry of DISAGREEMENTS) {
    it(`${entry.case} (${entry.squawkRule}): ${entry.evidence.kind}`, async () => {
      const corpusCase = CORPUS.find((c) => c.id === entry.case)!;
      const statements = parseStatements(corpusCase.sql).map((s) => s.text);
      const schema = `e${schemas++}`;
      const evidence = entry.evidence;
      switch (evidence.kind) {
        case 'new-object': {
          const before = await sendAsTool(server, 'evidence', schema, EVIDENCE_SCHEMA, [`select (to_regclass('${evidence.object}') is null)::text as absent`], 'autocommit');
          expect(before.rows[0]!.absent).toBe('true');
          const run = await sendAsTool(server, 'evidence', `${schema}_run`, EVIDENCE_SCHEMA, statements, corpusCase.mode);
          expect(run.error).toBeUndefined();
          break;
        }
        case 'locks': {
          const firstLocked = Object.entries(evidence.expect).find(([, mode]) => mode !== null)?.[0];
          const effect = await observeStatement(server, 'evidence', schema, EVIDENCE_SCHEMA, evidence.sql, firstLocked);
          for (const [relation, mode] of Object.entries(evidence.expect)) expect(effect.locks.get(relation) ?? null, relation).toBe(mode);
          break;
        }
        case 'refused': {
          const run = await sendAsTool(server, 'evidence', schema, EVIDENCE_SCHEMA, statements, corpusCase.mode);
          expect(run.error).toMatch(/cannot run inside a transaction block/);
          break;
        }
        case 'outcome': {
          const run = await sendAsTool(server, 'evidence', schema, EVIDENCE_SCHEMA, [...statements, ...(evidence.query ? [evidence.query] : [])], corpusCase.mode);
          if (evidence.error) expect(run.error).toContain(evidence.error);
          else {
            expect(run.error).toBeUndefined();
            expect(String(Object.values(run.rows[0] ?? {})[0])).toBe(evidence.value);
          }
          if (evidence.notice) expect(run.notices.join('\n')).toContain(evidence.notice);
          break;
        }
        case 'rewrite': {
          const effect = await observeStatement(server, 'evidence', schema, EVIDENCE_SCHEMA, evidence.sql);
          expect(effect.rewritten.has(evidence.table)).toBe(evidence.rewrites);
          break;
        }
        case 'notice': {
          const run = await sendAsTool(server, 'evidence', schema, `${EVIDENCE_SCHEMA}\nset client_min_messages = debug1;`, statements, corpusCase.mode);
          expect(run.error).toBeUndefined();
          expect(run.notices.some((n) => n.includes(evidence.pattern))).toBe(evidence.present);
          break;
        }
      }
    });
  }
});
