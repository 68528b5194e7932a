// postgres.query-index-use on PostgreSQL 17 (embedded, pg_stat_statements
// preloaded): a workload the test runs itself, explained with
// EXPLAIN (GENERIC_PLAN) in the scanner's read-only transaction.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import check from '../../checks/postgres/query-index-use';
import { collectPostgres } from '../../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../../src/datastores/postgres/connection';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';
import { run } from '../support/postgres-facts';
import { withAdmin } from '../support/postgres';
import { CANARY, WORKLOAD, caseOf, contentDigest, prepareWorkload, statementsOf, workloadCalls } from '../support/statement-workload';

const limits = { statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000 };
const SCANNER_PASSWORD = 'scanner-pw-3c9a';

describe('postgres.query-index-use on PostgreSQL 17 (EXPLAIN GENERIC_PLAN)', () => {
  let server: EmbeddedServer;
  let admin: PostgresFacts;
  const scannerUrl = (user = 'continuity_scanner') => `postgres://${user}:${SCANNER_PASSWORD}@127.0.0.1:${server.port}/app?sslmode=disable`;

  beforeAll(async () => {
    server = await startEmbeddedPostgres({ postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements'] });
    await withAdmin(server, 'postgres', (c) => c.query('create database app'));
    await prepareWorkload(server.adminUrl('app'));
    await withAdmin(server, 'app', (c) =>
      c.query(`
        create role continuity_scanner login password '${SCANNER_PASSWORD}' in role pg_monitor, pg_read_all_data;
        create role no_stats login password '${SCANNER_PASSWORD}' in role pg_read_all_data;`),
    );
    // The same statement from a second role: pg_stat_statements keeps an entry per role.
    const other = new pg.Client({ connectionString: scannerUrl('no_stats') });
    await other.connect();
    await other.query(WORKLOAD.equality.replace('= 7', '= 9'));
    await other.end();
    admin = await collectPostgres(parsePostgresUrl(server.adminUrl('app')), { excludeSchemas: [] }, limits);
  });
  afterAll(() => server?.stop());

  it('reads the top statements with their counters and explains them with generic plans', () => {
    const facts = statementsOf(admin);
    expect(facts.method).toBe('EXPLAIN (GENERIC_PLAN)');
    expect(facts.statsReset).not.toBeNull();
    expect(facts.hidden.statements).toBe(0);
    const equality = caseOf(admin, 'equality');
    // One statement whatever the roles that ran it: 3 calls by the workload's role, 1 by another.
    expect(equality).toMatchObject({ text: 'select id, quantity from inventory where menu_id = $1', command: 'select', calls: 4 });
    expect(facts.statements.filter((s) => s.queryId === equality.queryId)).toHaveLength(1);
    expect(equality.totalTimeMs).toBeGreaterThan(0);
    // Worst first: by total execution time.
    const times = facts.statements.map((s) => s.totalTimeMs);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('suggests an index for an equality filter on a large unindexed column', () => {
    const plan = caseOf(admin, 'equality').plan;
    expect(plan).toMatchObject({ status: 'planned', issues: [{ kind: 'sequential scan', relation: 'public.inventory', relationRows: 20000, condition: 'Filter: (inventory.menu_id = $1)' }] });
    expect(plan.status === 'planned' && plan.issues[0]!.suggestion).toEqual({
      kind: 'new',
      columns: ['menu_id'],
      where: null,
      statement: 'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);',
    });
  });

  it('suggests an index for a join on an unindexed column', () => {
    const plan = caseOf(admin, 'join').plan;
    expect(plan).toMatchObject({ status: 'planned', issues: [{ kind: 'sequential scan', relation: 'public.inventory', condition: 'Hash Cond: (i.menu_id = m.id)' }] });
    expect(plan.status === 'planned' && plan.issues[0]!.suggestion).toMatchObject({ statement: 'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);' });
  });

  it('suggests an index that delivers the order of an ORDER BY ... LIMIT on a large table', () => {
    const plan = caseOf(admin, 'orderByLimit').plan;
    expect(plan).toMatchObject({ status: 'planned', issues: [{ kind: 'sort', relation: 'public.inventory', condition: 'Sort Key: inventory.quantity DESC (under a LIMIT)' }] });
    expect(plan.status === 'planned' && plan.issues[0]!.suggestion).toMatchObject({ statement: 'CREATE INDEX CONCURRENTLY ON public.inventory (quantity);' });
  });

  it('passes a statement that already uses an index', () => {
    expect(caseOf(admin, 'indexed').plan).toMatchObject({ status: 'planned', indexesUsed: ['inventory_warehouse_idx'], issues: [] });
    expect(caseOf(admin, 'noTable').plan).toEqual({ status: 'no table' });
  });

  it('suggests a partial index where the filter has a constant predicate', () => {
    const plan = caseOf(admin, 'partial').plan;
    expect(plan.status === 'planned' && plan.issues[0]!.suggestion).toMatchObject({
      statement: 'CREATE INDEX CONCURRENTLY ON public.orders (customer_id) WHERE deleted_at IS NULL;',
    });
  });

  it('raises nothing on tables in the excluded schemas (those a platform manages)', async () => {
    const facts = await collectPostgres(parsePostgresUrl(server.adminUrl('app')), { excludeSchemas: ['public'] }, limits);
    expect(caseOf(facts, 'equality').plan).toMatchObject({ status: 'planned', issues: [] });
  });

  it('lists a statement whose table was dropped as not planned', () => {
    expect(caseOf(admin, 'dropped').plan).toEqual({ status: 'not planned', reason: 'relation "old_orders" does not exist' });
  });

  it('with a read-only scanner role: an UPDATE it may not explain is reported with the GRANT, the SELECTs are explained', async () => {
    const facts = await collectPostgres(parsePostgresUrl(scannerUrl()), { excludeSchemas: [] }, limits);
    expect(caseOf(facts, 'update').plan).toEqual({
      status: 'not explained',
      reason: 'permission denied for table inventory',
      hint: "GRANT UPDATE ON inventory TO continuity_scanner; (EXPLAIN needs the privilege the statement needs; the scanner's session stays read-only and never runs it)",
    });
    expect(caseOf(facts, 'equality').plan).toMatchObject({ status: 'planned', issues: [{ relation: 'public.inventory' }] });
    const findings = run(check, facts, { now: new Date() });
    expect(findings.find((f) => f.resource === `db:statement:${caseOf(facts, 'update').queryId}`)).toMatchObject({
      status: 'unknown',
      remediation: expect.stringMatching(/^GRANT UPDATE ON inventory TO continuity_scanner/),
    });
  });

  it('without pg_read_all_stats: the other roles\' statements are hidden and the answer says so, never a pass', async () => {
    const facts = await collectPostgres(parsePostgresUrl(scannerUrl('no_stats')), { excludeSchemas: [] }, limits);
    const statements = statementsOf(facts);
    expect(statements.hidden.statements).toBeGreaterThan(0);
    // Only its own statement is visible: the others' texts and counters are hidden.
    expect(statements.statements.map((s) => [s.text, s.calls])).toEqual([['select id, quantity from inventory where menu_id = $1', 1]]);
    const [summary] = run(check, facts, { now: new Date() });
    expect(summary!.status).not.toBe('pass');
    expect(summary!.message).toMatch(/hidden from the scanner role \(<insufficient privilege>\): GRANT pg_read_all_stats/);
  });

  it('answers through the check: names the statement scanning inventory by menu_id and the index', () => {
    const findings = run(check, admin, { now: new Date() });
    const summary = findings[0]!;
    expect(summary.status).toBe('fail');
    // Worst first by total time, which the workload does not fix: any three of the seven failing statements are named.
    expect(summary.answerText).toMatch(
      /^No: 7 of the 11 statements of db \(\d+% of its execution time in pg_stat_statements, judged from their generic plans\) read large tables in full: `[^`]+` \(queryid -?\d+\) reads public\.\w+ in full: CREATE INDEX CONCURRENTLY ON public\.\w+ \(\w+\)/,
    );
    expect(summary.answerText).toMatch(/; and 4 more\. The suggested indexes are not verified: HypoPG is not installed\./);
    const equality = findings.find((f) => f.resource === `db:statement:${caseOf(admin, 'equality').queryId}`)!;
    expect(equality).toMatchObject({ status: 'fail', remediation: 'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);' });
  });

  it('never lets a literal of the workload leave the server, not even from a comment', () => {
    const everything = JSON.stringify(admin) + JSON.stringify(run(check, admin, { now: new Date() }));
    expect(everything).toContain('customers where email = $1');
    const commented = statementsOf(admin).statements.find((st) => st.text === 'select item from menu where id = $1');
    expect(commented).toMatchObject({ plan: { status: 'planned', issues: [] } });
    expect(everything).not.toContain(CANARY);
  });

  it('lists the statements left when the time allowed for them runs out as not explained, never as passing', async () => {
    const facts = await collectPostgres(
      parsePostgresUrl(server.adminUrl('app')),
      { excludeSchemas: [], statements: { top: 50, minLiveRows: 10_000, budgetMs: 0 } },
      limits,
    );
    expect(caseOf(facts, 'equality').plan).toEqual({ status: 'not explained', reason: 'not explained: the time allowed for the statements (0 s) ran out' });
    expect(run(check, facts, { now: new Date() })[0]!.status).toBe('unknown');
  });

  it('executes nothing, writes nothing, and takes no lock stronger than the explain needs (pg_locks from another session)', async () => {
    const before = await withAdmin(server, 'app', async (c) => ({ calls: await workloadCalls(c), digest: await contentDigest(c) }));
    // A session holding SHARE on inventory (what a plain CREATE INDEX takes) lets the SELECTs' explains
    // through (ACCESS SHARE) and makes the UPDATE's explain wait for ROW EXCLUSIVE until lock_timeout.
    const blocker = new pg.Client({ connectionString: server.adminUrl('app') });
    await blocker.connect();
    const observer = new pg.Client({ connectionString: server.adminUrl('app') });
    await observer.connect();
    try {
      await blocker.query('begin; lock table inventory in share mode');
      const scan = collectPostgres(parsePostgresUrl(server.adminUrl('app')), { excludeSchemas: [] }, { ...limits, lockTimeoutMs: 3000 });
      let seen: { relation: string | null; locktype: string; mode: string; granted: boolean }[] = [];
      for (let attempt = 0; attempt < 200 && !seen.some((l) => !l.granted); attempt++) {
        seen = (
          await observer.query(`
            select l.relation::regclass::text as relation, l.locktype, l.mode, l.granted
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where a.application_name = 'continuity' and a.datname = 'app'`)
        ).rows;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const facts = await scan;
      expect(seen.filter((l) => !l.granted)).toEqual([{ relation: 'inventory', locktype: 'relation', mode: 'RowExclusiveLock', granted: false }]);
      const granted = seen.filter((l) => l.granted && l.locktype === 'relation');
      expect(new Set(granted.map((l) => l.mode))).toEqual(new Set(['AccessShareLock']));
      expect(seen.some((l) => l.locktype === 'transactionid')).toBe(false); // no transaction id: nothing written
      expect(caseOf(facts, 'update').plan).toEqual({ status: 'not planned', reason: 'canceling statement due to lock timeout' });
      expect(caseOf(facts, 'equality').plan.status).toBe('planned');
    } finally {
      await blocker.query('rollback');
      await blocker.end();
      await observer.end();
    }
    const after = await withAdmin(server, 'app', async (c) => ({ calls: await workloadCalls(c), digest: await contentDigest(c) }));
    expect(after.digest).toBe(before.digest);
    for (const [text, calls] of Object.entries(before.calls)) expect({ text, calls: after.calls[text] }).toEqual({ text, calls });
  });
});
