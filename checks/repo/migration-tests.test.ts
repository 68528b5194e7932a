import { describe, expect, it } from 'vitest';
import check from './migration-tests';
import { evaluateWith, fixtureFacts } from '../../test/support/repo-facts';

describe('repo.migration-tests', () => {
  it('passes when sqitch verify scripts and pgTAP tests run in CI', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('sqitch'));
    expect(finding!.status).toBe('pass');
    expect(finding!.answerText).toContain('2 sqitch verify scripts, 1 pgTAP test file');
    expect(finding!.answerText).toContain('pgTAP (pg_prove) (.gitlab-ci.yml:6)');
  });

  it('passes for supabase test db in CI', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('supabase'));
    expect(finding!.status).toBe('pass');
  });

  it('counts a CI job that applies every up and then every down as a database test', async () => {
    const facts = await fixtureFacts('golang-migrate');
    const roundTrip = { kind: 'round trip (golang-migrate up, then down)', file: '.github/workflows/test.yml', line: 14, command: 'migrate -path db/migrations -database "$DATABASE_URL" down -all', job: 'migrations', purpose: 'test' as const, why: 'service container postgres:17' };
    const [finding] = evaluateWith(check, { ...facts, ci: { ...facts.ci, tests: [roundTrip] } });
    expect(finding!.status).toBe('pass');
    expect(finding!.answerText).toBe('Database tests: run in CI by round trip (golang-migrate up, then down) (.github/workflows/test.yml:14).');
  });

  it('fails when there are no database tests', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('golang-migrate'));
    expect(finding!.status).toBe('fail');
    expect(finding!.answerText).toBe('Database tests: none found.');
  });
});
