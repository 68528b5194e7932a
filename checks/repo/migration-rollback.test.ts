import { describe, expect, it } from 'vitest';
import check from './migration-rollback';
import { resolvePolicy } from '../../src/config/policy';
import type { Migration } from '../../src/migrations/types';
import { evaluateWith, factsOf, fixtureFacts, upScripts } from '../../test/support/repo-facts';

describe('repo.migration-rollback', () => {
  it('counts an empty down as none and locates the migration', async () => {
    const findings = evaluateWith(check, await fixtureFacts('golang-migrate'));
    expect(findings[0]!.status).toBe('fail');
    expect(findings[0]!.answerText).toBe('Partly: 4 of 5 migrations (80%) have a real down/revert script; without one: 000002_add_note (its down does nothing).');
    expect(findings[1]!.location).toEqual({ path: 'services/orders/db/migrations/000002_add_note.up.sql', line: 1 });
  });

  it('reports the sqitch change without a revert script', async () => {
    const findings = evaluateWith(check, await fixtureFacts('sqitch'));
    expect(findings[0]!.answerText).toContain('add_applicant_email (no down/revert script)');
  });

  it('never rounds a gap away (394 of 395 is 99.7%), and says each reason once', async () => {
    const facts = await factsOf([upScripts(Object.fromEntries(Array.from({ length: 395 }, (_, i) => [`${i + 1}_m`, 'select 1;'])))]);
    const set = facts.sets[0]!;
    const migrations: Migration[] = set.migrations.map((m, i) => ({ ...m, down: i === 3 ? { status: 'empty' } : i === 7 ? { status: 'missing' } : i === 9 ? { status: 'missing' } : { status: 'present' } }));
    const [summary] = evaluateWith(check, { ...facts, sets: [{ ...set, migrations: migrations.slice(0, 395) }] });
    expect(summary!.answerText).toBe('Partly: 392 of 395 migrations (99.2%) have a real down/revert script; without one: 10_m, 8_m (no down/revert script); 4_m (its down does nothing).');
    const one = migrations.map((m, i) => ({ ...m, down: i === 3 ? { status: 'empty' as const } : { status: 'present' as const } }));
    expect(evaluateWith(check, { ...facts, sets: [{ ...set, migrations: one }] })[0]!.answerText).toMatch(/^Partly: 394 of 395 migrations \(99\.7%\)/);
  });

  it('counts a down that leaves a step undone as none, saying which step', async () => {
    const facts = await factsOf([upScripts({ '1_a': 'select 1;', '2_b': 'select 1;' })]);
    const set = facts.sets[0]!;
    const detail = 'Django reverses the other operations, but the reverse of RunPython is a no-op: its data change is not undone';
    const migrations: Migration[] = [{ ...set.migrations[0]!, down: { status: 'present' } }, { ...set.migrations[1]!, down: { status: 'partial', detail } }];
    const [summary, located] = evaluateWith(check, { ...facts, sets: [{ ...set, migrations }] });
    expect(summary!.answerText).toBe('Partly: 1 of 2 migrations (50%) have a real down/revert script; without one: 2_b (its down leaves a step undone).');
    expect(located!.message).toBe(`golang-migrate migration 2_b cannot be fully rolled back: its down leaves a step undone (${detail})`);
  });

  it('names each migration of a file that holds several (Liquibase changesets) in its resource', async () => {
    const facts = await factsOf([upScripts({ '1_a': 'select 1;', '2_b': 'select 1;', '3_c': 'select 1;' })]);
    const set = facts.sets[0]!;
    const changelog = 'db/changelog.xml';
    const migrations: Migration[] = [
      { ...set.migrations[0]!, id: 'ops:1', up: changelog, down: { status: 'missing' } },
      { ...set.migrations[1]!, id: 'ops:2', up: changelog, down: { status: 'missing' } },
      { ...set.migrations[2]!, down: { status: 'missing' } },
    ];
    const located = evaluateWith(check, { ...facts, sets: [{ ...set, migrations }] }).slice(1);
    expect(located.map((f) => f.resource)).toEqual(['repo:db/changelog.xml#ops:1', 'repo:db/changelog.xml#ops:2', 'repo:db/3_c.up.sql']);
  });

  it('passes when the share meets the policy minimum', async () => {
    const policy = resolvePolicy({ policy: { migrations: { minRollbackShare: 0.75 } } }, 'production');
    expect(evaluateWith(check, await fixtureFacts('golang-migrate'), policy)[0]!.status).toBe('pass');
  });

  it('answers No for a forward-only tool, saying why once', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('prisma'));
    expect(finding!.status).toBe('fail');
    expect(finding!.answerText).toBe('No: none of the 2 migrations has a working down/revert script (prisma (prisma/migrations, 2 migrations) is forward-only: Prisma Migrate has no down migrations).');
  });

  it('treats Rails change methods as reversible and IrreversibleMigration as none', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('rails'));
    expect(finding!.answerText).toContain('1 of 2 migrations');
    expect(finding!.answerText).toContain('its down refuses to run');
  });
});
