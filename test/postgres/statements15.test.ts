// postgres.query-index-use on PostgreSQL 15 (Debian's server binaries): no
// EXPLAIN (GENERIC_PLAN) there, so each statement is PREPAREd and explained with
// EXPLAIN EXECUTE under plan_cache_mode = force_generic_plan. Suggested indexes
// are tried with HypoPG when Debian's postgresql-15-hypopg is installed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import check from '../../checks/postgres/query-index-use';
import { collectPostgres } from '../../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../../src/datastores/postgres/connection';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import type { EmbeddedServer } from '../../src/embedded-postgres';
import { run } from '../support/postgres-facts';
import { withAdmin } from '../support/postgres';
import { postgres15Unavailable, startPostgres15 } from '../support/postgres15';
import { CANARY, caseOf, contentDigest, prepareWorkload, workloadCalls } from '../support/statement-workload';

const limits = { statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000 };
const SCANNER_PASSWORD = 'scanner-pw-51d0';

const unavailable = postgres15Unavailable();
if (unavailable) console.warn(`skipping the PostgreSQL 15 statement tests: ${unavailable}`);
const HYPOPG_CONTROL = '/usr/share/postgresql/15/extension/hypopg.control';
const noHypopg = existsSync(HYPOPG_CONTROL) ? undefined : `HypoPG is not installed (${path.basename(HYPOPG_CONTROL)} not found: Debian package postgresql-15-hypopg)`;
if (!unavailable && noHypopg) console.warn(`skipping the HypoPG tests: ${noHypopg}`);

describe.skipIf(unavailable !== undefined)('postgres.query-index-use on PostgreSQL 15 (PREPARE + force_generic_plan)', () => {
  let server: EmbeddedServer;
  let admin: PostgresFacts;
  let before: { calls: Record<string, number>; digest: string; indexes: number };

  const snapshot = () =>
    withAdmin(server, 'app', async (c) => ({
      calls: await workloadCalls(c),
      digest: await contentDigest(c),
      indexes: Number((await c.query("select count(*) as n from pg_class where relkind = 'i'")).rows[0].n),
    }));

  beforeAll(async () => {
    server = await startPostgres15({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
    await withAdmin(server, 'postgres', (c) => c.query('create database app'));
    await prepareWorkload(server.adminUrl('app'), { hypopg: noHypopg === undefined });
    await withAdmin(server, 'app', (c) =>
      c.query(`create role continuity_scanner login password '${SCANNER_PASSWORD}' in role pg_monitor, pg_read_all_data`),
    );
    before = await snapshot();
    admin = await collectPostgres(parsePostgresUrl(server.adminUrl('app')), { excludeSchemas: [] }, limits);
  });
  afterAll(() => server?.stop());

  it('plans the workload with PREPARE + EXPLAIN EXECUTE and finds the same cases as on 17', () => {
    expect(admin.serverVersionNum).toBeGreaterThanOrEqual(150000);
    expect(admin.statements.ok && admin.statements.value.method).toBe('PREPARE + EXPLAIN EXECUTE (plan_cache_mode = force_generic_plan)');
    const suggested = (plan: ReturnType<typeof caseOf>['plan']) => (plan.status === 'planned' ? plan.issues.map((i) => i.suggestion.kind === 'new' && i.suggestion.statement) : plan.status);
    expect(suggested(caseOf(admin, 'equality').plan)).toEqual(['CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);']);
    expect(suggested(caseOf(admin, 'join').plan)).toEqual(['CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);']);
    expect(suggested(caseOf(admin, 'orderByLimit').plan)).toEqual(['CREATE INDEX CONCURRENTLY ON public.inventory (quantity);']);
    expect(suggested(caseOf(admin, 'partial').plan)).toEqual(['CREATE INDEX CONCURRENTLY ON public.orders (customer_id) WHERE deleted_at IS NULL;']);
    expect(caseOf(admin, 'indexed').plan).toMatchObject({ status: 'planned', indexesUsed: ['inventory_warehouse_idx'], issues: [] });
    expect(caseOf(admin, 'dropped').plan).toEqual({ status: 'not planned', reason: 'relation "old_orders" does not exist' });
    expect(caseOf(admin, 'noTable').plan).toEqual({ status: 'no table' });
  });

  it('an UPDATE the role may not explain is reported with the GRANT; the prepared statement it left is cleaned up', async () => {
    const facts = await collectPostgres(
      parsePostgresUrl(`postgres://continuity_scanner:${SCANNER_PASSWORD}@127.0.0.1:${server.port}/app?sslmode=disable`),
      { excludeSchemas: [] },
      limits,
    );
    expect(caseOf(facts, 'update').plan).toMatchObject({ status: 'not explained', reason: 'permission denied for table inventory', hint: expect.stringMatching(/^GRANT UPDATE ON inventory TO continuity_scanner/) });
    const statements = facts.statements.ok ? facts.statements.value.statements : [];
    // PREPARE succeeded before EXPLAIN EXECUTE was refused: without the cleanup every later PREPARE would fail.
    const unplanned = statements.filter((s) => s.plan.status === 'not planned' || s.plan.status === 'not explained').map((s) => s.queryId);
    expect(unplanned.sort()).toEqual([caseOf(facts, 'update').queryId, caseOf(facts, 'dropped').queryId].sort());
    expect(JSON.stringify(statements)).not.toMatch(/already exists/);
  });

  it.skipIf(noHypopg !== undefined)('verifies the suggested indexes with HypoPG, and reports the estimated costs before and after', () => {
    expect(admin.statements.ok && admin.statements.value.hypopg).toMatchObject({ schema: 'public' });
    const plan = caseOf(admin, 'equality').plan;
    const suggestion = plan.status === 'planned' ? plan.issues[0]!.suggestion : undefined;
    expect(suggestion).toMatchObject({ kind: 'new', hypothetical: { ok: true, used: true } });
    const estimate = suggestion?.kind === 'new' && suggestion.hypothetical?.ok ? suggestion.hypothetical : undefined;
    expect(estimate!.costAfter).toBeLessThan(estimate!.costBefore / 2);
    const findings = run(check, admin, { now: new Date() });
    const equality = findings.find((f) => f.resource === `db:statement:${caseOf(admin, 'equality').queryId}`)!;
    expect(equality).toMatchObject({ status: 'fail', remediation: 'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);' });
    expect(equality.message).toMatch(/\(HypoPG: estimated cost \d+\.\d\d -> \d+\.\d\d \(\d+% less\)\)$/);
    expect(equality.evidence).toContainEqual({ source: 'HypoPG (hypothetical index, in the scanner session only)', field: 'estimated total cost', value: expect.stringMatching(/; the plan uses the index$/) });
    expect(findings[0]!.answerText).not.toMatch(/not verified/);
    // One row in 11 is selective enough to report, but an index would not halve the estimated cost: no suggestion.
    const lowGain = findings.find((f) => f.resource === `db:statement:${caseOf(admin, 'lowGain').queryId}`)!;
    expect(lowGain.status).toBe('warn');
    expect(lowGain.message).toMatch(/no index suggested: a hypothetical index on \(shelf\) saves only 4\d% of the estimated cost \(the policy asks for 50%\)/);
    expect(lowGain.remediation).not.toMatch(/CREATE INDEX/);
  });

  it('executes nothing, writes nothing, creates no index and lets no literal out', async () => {
    const after = await snapshot();
    expect(after.digest).toBe(before.digest);
    expect(after.indexes).toBe(before.indexes);
    for (const [text, calls] of Object.entries(before.calls)) expect({ text, calls: after.calls[text] }).toEqual({ text, calls });
    expect(JSON.stringify(admin) + JSON.stringify(run(check, admin, { now: new Date() }))).not.toContain(CANARY);
  });
});
