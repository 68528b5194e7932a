import { describe, expect, it } from 'vitest';
import check from './migration-compatibility';
import { resolvePolicy } from '../../src/config/policy';
import { evaluateWith, fixtureFacts } from '../../test/support/repo-facts';

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
    const facts = { ...(await fixtureFacts('golang-migrate')), since: { ref: 'main', added: [] } };
    const [finding] = evaluateWith(check, facts);
    expect(finding!.status).toBe('pass');
    expect(finding!.answerText).toBe('Yes: no migration was added since main.');
  });

  it('passes a repository whose migrations are all safe', async () => {
    const facts = await fixtureFacts('golang-migrate');
    const safe = { ...facts, sets: facts.sets.map((s) => ({ ...s, migrations: s.migrations.filter((m) => /000001|000004/.test(m.id)) })) };
    const summary = evaluateWith(check, safe).find((f) => f.answerText)!;
    expect(summary.status).toBe('pass');
    expect(summary.answerText).toMatch(/^Yes: no breaking change in all 2 migrations/);
  });
});
