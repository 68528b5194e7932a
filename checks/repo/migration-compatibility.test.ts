import { describe, expect, it } from 'vitest';
import check from './migration-compatibility';
import { resolvePolicy } from '../../src/config/policy';
import type { Migration } from '../../src/migrations/types';
import { evaluateWith, factsOf, fixtureFacts, upScripts } from '../../test/support/repo-facts';

describe('repo.migration-compatibility', () => {
  it('fails with located findings per rule hit and summarises the breaking migrations', async () => {
    const findings = evaluateWith(check, await fixtureFacts('golang-migrate'));
    const summary = findings.find((f) => f.answerText)!;
    expect(summary.status).toBe('fail');
    expect(summary.answerText).toMatch(/^No: 2 of all 5 migrations carry breaking changes \(e\.g\. index-without-concurrently at golang-migrate\/services\/orders\/db\/migrations\/000003_add_status\.up\.sql:4/);
    const rename = findings.find((f) => f.rule === 'rename-column')!;
    expect(rename.location).toEqual({ path: 'golang-migrate/services/orders/db/migrations/000005_rename_total.up.sql', line: 2 });
    // The table created and indexed in 000001, and the DO block and function body of 000004, are not findings.
    expect(findings.filter((f) => f.location?.path.includes('000001') || f.location?.path.includes('000004'))).toEqual([]);
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
    expect(findings.find((f) => f.answerText)!.answerText).toMatch(/^No: 1 of the newest 1 migrations/);
    expect(findings.some((f) => f.rule === 'index-without-concurrently')).toBe(false);
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
    const summary = findings.find((f) => f.answerText)!;
    expect(summary.status).toBe('unknown');
    expect(summary.answerText).toBe('Not fully assessed: no breaking change in the 3 statements linted from all 2 migrations, but 1 migration was not fully analysed (e.g. 2_alter: repo/db/2_alter.up.sql does not parse from line 3).');
    expect(findings.find((f) => f.status === 'error')!.location).toEqual({ path: 'repo/db/2_alter.up.sql', line: 3 });
  });

  it('still fails on a breaking change before a parse error, and says what was not analysed', async () => {
    const facts = await factsOf([upScripts({ '1_drop': 'ALTER TABLE a DROP COLUMN b;\nALTER TABLE a ADD COLUMN c int WITH;' })]);
    const summary = evaluateWith(check, facts).find((f) => f.answerText)!;
    expect(summary.status).toBe('fail');
    expect(summary.answerText).toMatch(/^No: 1 of all 1 migration carry breaking changes \(e\.g\. drop-column at repo\/db\/1_drop\.up\.sql:1\)\. 1 migration was not fully analysed/);
  });

  it('is not fully assessed, never a pass, when migrations in scope use schema-builder calls, DSL or structured changes', async () => {
    const findings = evaluateWith(check, await fixtureFacts('not-analysed'));
    const summary = findings.find((f) => f.answerText)!;
    expect(summary.status).toBe('unknown');
    expect(summary.answerText).toMatch(/^Not fully assessed: no breaking change in the 3 statements linted from all 3 migrations, but 3 migrations were not fully analysed \(e\.g\. ops:1: Liquibase changes not linted \(only <sql> is\): dropColumn; /);
    expect(summary.evidence).toContainEqual({ source: 'not-analysed/migrations/20240301000000_replace_legacy.js', field: 'not analysed', value: 'schema-builder calls not linted: dropTableIfExists, alter()' });
  });

  it('is not fully assessed when a migration in scope holds no SQL it could read', async () => {
    const safe = await factsOf([upScripts({ '1_create': 'CREATE TABLE a (id int);' })]);
    const empty: Migration = { id: '2_builder', up: 'db/2_builder.js', down: { status: 'missing' }, sql: [] };
    const facts = { ...safe, sets: [{ ...safe.sets[0]!, migrations: [...safe.sets[0]!.migrations, empty] }] };
    const summary = evaluateWith(check, facts).find((f) => f.answerText)!;
    expect(summary.status).toBe('unknown');
    expect(summary.answerText).toContain('2_builder: no SQL could be read statically');
  });

  it('passes a repository whose migrations are all safe', async () => {
    const facts = await fixtureFacts('golang-migrate');
    const safe = { ...facts, sets: facts.sets.map((s) => ({ ...s, migrations: s.migrations.filter((m) => /000001|000004/.test(m.id)) })) };
    const summary = evaluateWith(check, safe).find((f) => f.answerText)!;
    expect(summary.status).toBe('pass');
    expect(summary.answerText).toMatch(/^Yes: no breaking change in all 2 migrations/);
  });
});
