import { describe, expect, it } from 'vitest';
import check from './query-index-use';
import { resolvePolicy } from '../../src/config/policy';
import {
  NOW,
  indexedPlan,
  plannedWith,
  postgresFacts,
  run,
  scanIssue,
  statement,
  statementFacts,
  unavailable,
} from '../../test/support/postgres-facts';

const byMenu = statement('8125', 'select id, quantity from inventory where menu_id = $1', plannedWith(scanIssue()), { totalTimeMs: 90_000 });
const byPk = statement('4410', 'select * from menu where id = $1', indexedPlan('menu_pkey'));
const ping = statement('17', 'select $1', { status: 'no table' });

function findings(...args: Parameters<typeof statementFacts>) {
  return run(check, postgresFacts({ statements: statementFacts(...args) }));
}

describe('postgres.query-index-use', () => {
  it('names the statement that scans a large table by an unindexed column, and the index to create', () => {
    const [summary, scan, pk, noTable] = findings([byMenu, byPk, ping]);
    expect(scan).toMatchObject({
      resource: 'db:statement:8125',
      status: 'fail',
      remediation: 'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);',
    });
    expect(scan!.message).toBe(
      'statement 8125 (select id, quantity from inventory where menu_id = $1; 1,200 calls, 1.5 min) scans public.inventory (20,000 rows) in full for ~400 of them: ' +
        'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id); (not verified: HypoPG is not installed in this database)',
    );
    expect(scan!.evidence).toContainEqual({ source: 'EXPLAIN (GENERIC_PLAN)', field: 'Seq Scan on public.inventory', value: 'Filter: (inventory.menu_id = $1); keeps ~400 of 20,000 rows' });
    expect(pk).toMatchObject({ status: 'pass', message: expect.stringMatching(/uses index menu_pkey$/) });
    expect(noTable).toMatchObject({ status: 'pass', message: expect.stringMatching(/reads no table$/) });
    expect(summary).toMatchObject({ resource: 'db', status: 'fail', message: expect.stringMatching(/^1 of the 3 statements of db \(94% of its execution time/) });
    expect(summary!.answerText).toBe(
      'No: 1 of the 3 statements of db (94% of its execution time in pg_stat_statements, judged from their generic plans) reads a large table in full: ' +
        '`select id, quantity from inventory where menu_id = $1` (queryid 8125) reads public.inventory in full: CREATE INDEX CONCURRENTLY ON public.inventory (menu_id). ' +
        'The suggested indexes are not verified: HypoPG is not installed.',
    );
  });

  it('suggests an index only where HypoPG shows it used and halving the estimated cost', () => {
    const hypothetical = (costAfter: number, used: boolean) =>
      scanIssue({ suggestion: { ...(scanIssue().suggestion as object), kind: 'new', columns: ['menu_id'], where: null, statement: 'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);', hypothetical: { ok: true, costBefore: 378, costAfter, used } } });
    const hypopg = { schema: 'public', version: '1.4.1' };
    const verified = findings([statement('1', 'select 1 from inventory where menu_id = $1', plannedWith(hypothetical(125.14, true)))], { hypopg })[1]!;
    expect(verified).toMatchObject({ status: 'fail', remediation: 'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);' });
    expect(verified.message).toMatch(/HypoPG: estimated cost 378\.00 -> 125\.14 \(66% less\)/);
    const small = findings([statement('2', 'select 1 from inventory where menu_id = $1', plannedWith(hypothetical(300, true)))], { hypopg });
    expect(small[1]).toMatchObject({ status: 'warn', message: expect.stringMatching(/no index suggested: a hypothetical index on \(menu_id\) saves only 20% of the estimated cost \(the policy asks for 50%\)/) });
    expect(small[1]!.remediation).not.toMatch(/CREATE INDEX CONCURRENTLY ON/);
    expect(small[0]).toMatchObject({ status: 'warn', answerText: expect.stringMatching(/^Yes: .*1 read a large table in full where HypoPG finds no index worth adding/) });
    const unused = findings([statement('3', 'select 1 from inventory where menu_id = $1', plannedWith(hypothetical(20, false)))], { hypopg });
    expect(unused[1]).toMatchObject({ status: 'warn', message: expect.stringMatching(/is not used by the planner/) });
    const lenient = { ...resolvePolicy({ policy: {} }, 'production'), queryIndexUse: { topStatements: 50, minStatsAgeHours: 24, minCalls: 1000, minCostSaving: 0.2 } };
    const facts = postgresFacts({ statements: statementFacts([statement('2', 'select 1 from inventory where menu_id = $1', plannedWith(hypothetical(300, true)))], { hypopg }) });
    expect(run(check, facts, { policy: lenient })[1]!.status).toBe('fail');
  });

  it('names an existing index the plan does not use, or an invalid one, instead of a new index', () => {
    const unusedIndex = findings([statement('5', 'select 1 from inventory where menu_id = $1', plannedWith(scanIssue({ suggestion: { kind: 'existing', index: 'inventory_menu_idx', valid: true } })))])[1]!;
    expect(unusedIndex).toMatchObject({ status: 'fail', message: expect.stringMatching(/index inventory_menu_idx has these columns, yet the generic plan does not use it/) });
    const invalid = findings([statement('6', 'select 1 from inventory where menu_id = $1', plannedWith(scanIssue({ suggestion: { kind: 'existing', index: 'inventory_menu_idx', valid: false } })))])[1]!;
    expect(invalid.message).toMatch(/is invalid .*REINDEX INDEX CONCURRENTLY inventory_menu_idx;/);
  });

  it('passes when the top statements use indexes, saying how much of the execution time they cover', () => {
    const [summary] = findings([byPk, ping]);
    expect(summary).toMatchObject({ status: 'pass', answerText: 'Yes: the 2 statements of db (94% of its execution time in pg_stat_statements, judged from their generic plans) use indexes or read only small tables.' });
  });

  it('never passes on statistics too young, too thin or of unknown age', () => {
    const young = findings([byPk], { statsReset: new Date(NOW.getTime() - 20 * 60_000).toISOString() })[0]!;
    expect(young).toMatchObject({ status: 'unknown', message: expect.stringMatching(/statistics cover only 20\.0 min \(since .*; the policy asks for 24 h\)/) });
    expect(young.answerText).toMatch(/^Not fully assessed: /);
    expect(findings([byPk], { totals: { statements: 3, calls: 40, totalTimeMs: 6000 } })[0]).toMatchObject({ status: 'unknown', message: expect.stringMatching(/hold only 40 calls/) });
    expect(findings([byPk], { statsReset: null, extension: { schema: 'public', version: '1.8' } })[0]).toMatchObject({ status: 'unknown', message: expect.stringMatching(/ALTER EXTENSION pg_stat_statements UPDATE/) });
    // A failing statement is a failure whatever the age of the statistics.
    expect(findings([byMenu], { statsReset: new Date(NOW.getTime() - 60_000).toISOString() })[0]).toMatchObject({ status: 'fail', answerText: expect.stringMatching(/Also: its statistics cover only/) });
  });

  it('lists a statement it may not explain or could not plan as such, with the GRANT, never as a pass', () => {
    const hint = 'GRANT UPDATE ON inventory TO continuity_scanner; (EXPLAIN needs the privilege the statement needs; the scanner\'s session stays read-only and never runs it)';
    const update = statement('7', 'update inventory set quantity = $1 where id = $2', { status: 'not explained', reason: 'permission denied for table inventory', hint }, { command: 'update' });
    const dropped = statement('8', 'select * from old_orders where id = $1', { status: 'not planned', reason: 'relation "old_orders" does not exist' });
    const [summary, , denied, gone] = findings([byPk, update, dropped]);
    expect(denied).toMatchObject({ status: 'unknown', remediation: hint, message: expect.stringMatching(/was not explained: permission denied for table inventory; it is listed, not judged/) });
    expect(gone).toMatchObject({ status: 'unknown', message: expect.stringMatching(/could not be planned: relation "old_orders" does not exist/) });
    expect(summary).toMatchObject({ status: 'unknown', answerText: expect.stringMatching(/^Not fully assessed: 2 of them could not be explained; 1 of the 3 statements/) });
  });

  it('says which statements the scanner role may not see (<insufficient privilege>)', () => {
    const [summary] = findings([byPk], { hidden: { statements: 12, totalTimeMs: 3000 } });
    expect(summary).toMatchObject({ status: 'unknown', message: expect.stringMatching(/12 statements \(\d+% of the time\) are hidden from the scanner role \(<insufficient privilege>\): GRANT pg_read_all_stats/) });
  });

  it('is unknown with the steps that enable pg_stat_statements when it is absent', () => {
    const [finding] = run(check, postgresFacts());
    expect(finding).toMatchObject({ status: 'unknown', resource: 'db', answerText: expect.stringMatching(/^Not assessed: the queries of db were not judged/) });
    expect(finding!.remediation).toMatch(/shared_preload_libraries = 'pg_stat_statements'.*CREATE EXTENSION pg_stat_statements.*GRANT pg_read_all_stats/);
    const denied = postgresFacts({ statements: unavailable('pg_stat_statements', 'permission denied for view pg_stat_statements', 'GRANT pg_read_all_stats TO continuity_scanner; (or pg_monitor)') });
    expect(run(check, denied)[0]!.remediation).toBe('GRANT pg_read_all_stats TO continuity_scanner; (or pg_monitor)');
  });

  it('follows the policy size threshold and says when there is nothing to judge', () => {
    const policy = { ...resolvePolicy({ policy: {} }, 'production'), sequentialScan: { ...resolvePolicy({ policy: {} }, 'production').sequentialScan, minLiveRows: 50_000 } };
    const facts = postgresFacts({ statements: statementFacts([byMenu]) });
    expect(run(check, facts, { policy })[1]!.status).toBe('pass');
    expect(findings([])[0]).toMatchObject({ status: 'unknown', message: 'pg_stat_statements holds no SELECT, UPDATE or DELETE statement of this database' });
  });
});
