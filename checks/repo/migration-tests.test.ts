import { describe, expect, it } from 'vitest';
import check from './migration-tests';
import { evaluateWith, fixtureFacts } from '../../test/support/repo-facts';

describe('repo.migration-tests', () => {
  it('passes when sqitch verify scripts and pgTAP tests run in CI', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('sqitch'));
    expect(finding!.status).toBe('pass');
    expect(finding!.answerText).toContain('2 sqitch verify scripts, 1 pgTAP test file');
    expect(finding!.answerText).toContain('pgTAP (pg_prove) (sqitch/.gitlab-ci.yml:6)');
  });

  it('passes for supabase test db in CI', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('supabase'));
    expect(finding!.status).toBe('pass');
  });

  it('fails when there are no database tests', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('golang-migrate'));
    expect(finding!.status).toBe('fail');
    expect(finding!.answerText).toBe('Database tests: none found.');
  });
});
