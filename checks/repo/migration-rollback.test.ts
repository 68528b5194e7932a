import { describe, expect, it } from 'vitest';
import check from './migration-rollback';
import { resolvePolicy } from '../../src/config/policy';
import { evaluateWith, fixtureFacts } from '../../test/support/repo-facts';

describe('repo.migration-rollback', () => {
  it('counts an empty down as none and locates the migration', async () => {
    const findings = evaluateWith(check, await fixtureFacts('golang-migrate'));
    expect(findings[0]!.status).toBe('fail');
    expect(findings[0]!.answerText).toBe('Partly: 4 of 5 migrations (80%) have a real down/revert script; without one: 000002_add_note (its down does nothing).');
    expect(findings[1]!.location).toEqual({ path: 'golang-migrate/services/orders/db/migrations/000002_add_note.up.sql', line: 1 });
  });

  it('reports the sqitch change without a revert script', async () => {
    const findings = evaluateWith(check, await fixtureFacts('sqitch'));
    expect(findings[0]!.answerText).toContain('add_applicant_email (it has no down/revert script)');
  });

  it('passes when the share meets the policy minimum', async () => {
    const policy = resolvePolicy({ policy: { migrations: { minRollbackShare: 0.75 } } }, 'production');
    expect(evaluateWith(check, await fixtureFacts('golang-migrate'), policy)[0]!.status).toBe('pass');
  });

  it('answers No for a forward-only tool', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('prisma'));
    expect(finding!.status).toBe('fail');
    expect(finding!.answerText).toMatch(/^No: none of the 2 migrations/);
  });

  it('treats Rails change methods as reversible and IrreversibleMigration as none', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('rails'));
    expect(finding!.answerText).toContain('1 of 2 migrations');
    expect(finding!.answerText).toContain('its down refuses to run');
  });
});
