import { describe, expect, it } from 'vitest';
import check from './migration-compatibility';
import { resolvePolicy } from '../../src/config/policy';
import type { Migration } from '../../src/migrations/types';
import { evaluateWith, factsOf, fixtureFacts, upScripts } from '../../test/support/repo-facts';

const summaryOf = (findings: ReturnType<typeof evaluateWith>) => findings.find((f) => f.answerText)!;

describe('repo.migration-compatibility', () => {
  it('counts only changes that break application code as breaking; lock hazards, lock_timeout warnings and DO blocks have their own findings and lines', async () => {
    const findings = evaluateWith(check, await fixtureFacts('golang-migrate'));
    const summary = summaryOf(findings);
    expect(summary.status).toBe('fail');
    expect(summary.answerText).toBe(
      'No: 2 of all 5 migrations break old or new application code (e.g. drop-column at services/orders/db/migrations/000004_functions.up.sql:5; rename-column at services/orders/db/migrations/000005_rename_total.up.sql:2). Lock and rewrite hazards: 1 in 1 migration (e.g. index-without-concurrently at services/orders/db/migrations/000003_add_status.up.sql:4). 2 statements take a blocking lock with no lock_timeout.',
    );
    const byRule = Object.fromEntries(findings.filter((f) => f.rule).map((f) => [f.rule, f.status]));
    expect(byRule).toEqual({ 'drop-column': 'fail', 'rename-column': 'fail', 'index-without-concurrently': 'warn', 'require-lock-timeout': 'warn' });
    expect(findings.find((f) => f.rule === 'rename-column')!.location).toEqual({ path: 'services/orders/db/migrations/000005_rename_total.up.sql', line: 2 });
    // The table created and indexed in 000001 is new; the function of 000004 is never called.
    expect(findings.filter((f) => f.location?.path.includes('000001'))).toEqual([]);
    expect(findings.some((f) => f.rule === 'drop-table' || f.rule === 'truncate-cascade')).toBe(false);
  });

  it('answers Yes with a line of lock hazards when nothing breaks application code, examples most severe first', async () => {
    const facts = await factsOf([
      upScripts({
        '1_index': 'create index orders_note_idx on orders (note);',
        '2_fk': "set lock_timeout = '2s';\nalter table orders add column customer_id bigint;\nalter table orders add constraint orders_customer_fk foreign key (customer_id) references customers (id);",
        '3_check': "set lock_timeout = '2s';\nalter table orders add constraint total_positive check (total > 0);",
      }),
    ]);
    const summary = summaryOf(evaluateWith(check, facts));
    expect(summary.status).toBe('warn');
    expect(summary.answerText).toBe(
      'Yes: no change in all 3 migrations breaks old or new application code (6 statements linted). Lock and rewrite hazards: 3 in 3 migrations (e.g. index-without-concurrently at db/1_index.up.sql:1; constraint-without-not-valid at db/2_fk.up.sql:3; constraint-without-not-valid at db/3_check.up.sql:2). 1 statement takes a blocking lock with no lock_timeout.',
    );
  });

  it('names migrations that would fail when applied apart from compatibility', async () => {
    const facts = await factsOf([upScripts({ '1_idx': "set lock_timeout = '2s';\nalter table orders add column note text;\ncreate index concurrently orders_note on orders (note);" })]);
    const summary = summaryOf(evaluateWith(check, facts));
    expect(summary.status).toBe('fail');
    expect(summary.answerText).toMatch(/^Yes: no change in all 1 migration breaks old or new application code \(3 statements linted\)\. 1 migration would fail or lose data when applied \(e\.g\. concurrently-in-transaction at db\/1_idx\.up\.sql:3\)\./);
  });

  it('reports an inline suppression as skipped with its reason', async () => {
    const findings = evaluateWith(check, await fixtureFacts('dbmate'));
    const suppressed = findings.find((f) => f.rule === 'drop-column')!;
    expect(suppressed.status).toBe('skipped');
    expect(suppressed.message).toContain('the nickname column was never read');
  });

  it('covers only the newest N migrations of the policy window', async () => {
    const policy = resolvePolicy({ policy: { migrations: { compatibilityWindow: 1 } } }, 'production');
    const findings = evaluateWith(check, await fixtureFacts('golang-migrate'), policy);
    expect(summaryOf(findings).answerText).toMatch(/^No: 1 of the newest 1 migrations/);
    expect(findings.some((f) => f.rule === 'index-without-concurrently')).toBe(false);
  });

  it('says how many migrations of how many sets the window covers when there are several sets', async () => {
    const facts = await fixtureFacts('golang-migrate');
    const set = facts.sets[0]!;
    const twoSets = { ...facts, sets: [set, { ...set, directory: 'services/billing/db/migrations' }] };
    const policy = resolvePolicy({ policy: { migrations: { compatibilityWindow: 2 } } }, 'production');
    expect(summaryOf(evaluateWith(check, twoSets, policy)).answerText).toContain('the 4 newest migrations (up to 2 of each of 2 migration sets)');
    const wide = resolvePolicy({ policy: { migrations: { compatibilityWindow: 5 } } }, 'production');
    expect(summaryOf(evaluateWith(check, twoSets, wide)).answerText).toContain('all 10 migrations');
  });

  it('passes when no migration was added since the ref', async () => {
    const facts = { ...(await fixtureFacts('golang-migrate')), since: { ref: 'main', added: [], modified: [] } };
    const [finding] = evaluateWith(check, facts);
    expect(finding!.status).toBe('pass');
    expect(finding!.answerText).toBe('Yes: no migration was added since main.');
  });

  it('is not fully assessed, never a pass, when a migration in scope does not parse; the statements before the error are linted', async () => {
    const facts = await factsOf([
      upScripts({
        '1_create': 'CREATE TABLE a (id int);',
        '2_alter': "SET lock_timeout = '2s';\nALTER TABLE a ADD COLUMN b int;\nALTER TABLE a ADD COLUMN c int WITH;",
      }),
    ]);
    const findings = evaluateWith(check, facts);
    const summary = summaryOf(findings);
    expect(summary.status).toBe('unknown');
    expect(summary.answerText).toBe('Not fully assessed: no change that breaks old or new application code in the 3 statements linted from all 2 migrations, but 1 migration was not fully analysed (e.g. 2_alter: db/2_alter.up.sql does not parse from line 3).');
    expect(findings.find((f) => f.status === 'error')!.location).toEqual({ path: 'db/2_alter.up.sql', line: 3 });
  });

  it('is not fully assessed, never Yes, when a DO block runs dynamic SQL', async () => {
    const facts = await factsOf([upScripts({ '1_do': "DO $$ BEGIN EXECUTE 'ALTER TABLE ' || quote_ident('orders') || ' DROP COLUMN note'; END $$;" })]);
    const summary = summaryOf(evaluateWith(check, facts));
    expect(summary.status).toBe('unknown');
    expect(summary.answerText).toContain('1_do: db/1_do.up.sql:1: DO block runs dynamic SQL (EXECUTE) that cannot be read statically');
  });

  it('still fails on a breaking change before a parse error, and says what was not analysed', async () => {
    const facts = await factsOf([upScripts({ '1_drop': 'ALTER TABLE a DROP COLUMN b;\nALTER TABLE a ADD COLUMN c int WITH;' })]);
    const summary = summaryOf(evaluateWith(check, facts));
    expect(summary.status).toBe('fail');
    expect(summary.answerText).toMatch(/^No: 1 of all 1 migration breaks old or new application code \(e\.g\. drop-column at db\/1_drop\.up\.sql:1\)\. 1 migration was not fully analysed/);
  });

  it('lints schema-builder calls as the SQL they run, and is not fully assessed for what it cannot read', async () => {
    const findings = evaluateWith(check, await fixtureFacts('not-analysed'));
    const summary = summaryOf(findings);
    expect(summary.status).toBe('fail');
    expect(findings.filter((f) => f.rule && f.location?.path.endsWith('.js')).map((f) => `${f.rule} ${f.location!.line} ${f.evidence[0]!.value}`)).toEqual([
      "drop-table 3 knex.schema.dropTableIfExists('legacy')",
      "require-lock-timeout 3 knex.schema.dropTableIfExists('legacy')",
      "change-column-type 5 t.string('note').notNullable().alter()",
      "require-lock-timeout 5 t.string('note').notNullable().alter()",
      "set-not-null 5 t.string('note').notNullable().alter()",
    ]);
    expect(summary.evidence).toContainEqual({ source: 'db/changelog/db.changelog.yaml', field: 'not analysed', value: 'Liquibase changes not linted (only <sql> and the change types in docs/migrations.md are): mergeColumns' });
  });

  it('is not fully assessed when a migration in scope holds no SQL it could read', async () => {
    const safe = await factsOf([upScripts({ '1_create': 'CREATE TABLE a (id int);' })]);
    const empty: Migration = { id: '2_builder', up: 'db/2_builder.js', down: { status: 'missing' }, sql: [] };
    const facts = { ...safe, sets: [{ ...safe.sets[0]!, migrations: [...safe.sets[0]!.migrations, empty] }] };
    const summary = summaryOf(evaluateWith(check, facts));
    expect(summary.status).toBe('unknown');
    expect(summary.answerText).toContain('2_builder: no SQL could be read statically');
    // A migration whose changes were all read and change data only (Liquibase insert) is no gap.
    const data: Migration = { ...empty, id: '2_data', dataOnly: true };
    const dataOnly = summaryOf(evaluateWith(check, { ...safe, sets: [{ ...safe.sets[0]!, migrations: [...safe.sets[0]!.migrations, data] }] }));
    expect(dataOnly.status).toBe('pass');
    expect(dataOnly.answerText).not.toContain('2_data');
  });

  it('gives each hit a resource of its own, so that drift and waivers match each one: two rules on one line, or one rule twice on a line', async () => {
    const facts = await factsOf([upScripts({ '1_reshape': 'alter table orders drop column a, drop column b;\nalter table orders rename column c to d;' })]);
    const located = evaluateWith(check, facts).filter((f) => f.rule);
    expect(located.map((f) => f.resource)).toEqual([
      'repo:db/1_reshape.up.sql:1#drop-column',
      'repo:db/1_reshape.up.sql:1#drop-column/2',
      'repo:db/1_reshape.up.sql:1#require-lock-timeout',
      'repo:db/1_reshape.up.sql:2#rename-column',
      'repo:db/1_reshape.up.sql:2#require-lock-timeout',
    ]);
  });

  it('passes a repository whose migrations are all safe', async () => {
    const facts = await fixtureFacts('golang-migrate');
    const safe = { ...facts, sets: facts.sets.map((s) => ({ ...s, migrations: s.migrations.filter((m) => /000001/.test(m.id)) })) };
    const summary = summaryOf(evaluateWith(check, safe));
    expect(summary.status).toBe('pass');
    expect(summary.answerText).toBe('Yes: no change in all 1 migration breaks old or new application code (2 statements linted).');
  });
});
