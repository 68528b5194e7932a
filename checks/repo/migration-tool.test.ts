import { describe, expect, it } from 'vitest';
import check from './migration-tool';
import { evaluateWith, fixtureFacts } from '../../test/support/repo-facts';

describe('repo.migration-tool', () => {
  it('passes and describes the tool, directory, count, newest and the CI step that applies it', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('golang-migrate'));
    expect(finding!.status).toBe('pass');
    expect(finding!.answerText).toContain('golang-migrate in golang-migrate/services/orders/db/migrations: 5 migrations, newest 000005_rename_total');
    expect(finding!.answerText).toContain('applied by CI (golang-migrate/.github/workflows/deploy.yml:11');
  });

  it('warns when no CI workflow applies the migrations', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('flyway'));
    expect(finding!.status).toBe('warn');
    expect(finding!.answerText).toContain('no CI workflow found that applies them');
  });

  it('fails for ORM auto-migration at start-up', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('auto-migrate'));
    expect(finding!.status).toBe('fail');
    expect(finding!.answerText).toContain('GORM AutoMigrate');
    expect(finding!.answerText).toContain('Hibernate ddl-auto');
  });

  it('fails when the repository has no migration tool', () => {
    const [finding] = evaluateWith(check, { root: 'empty', sets: [], lint: [], ci: { files: [], applies: [], tests: [] }, pgTapTests: [] });
    expect(finding!.status).toBe('fail');
    expect(finding!.answerText).toBe('No migration tool was found in empty.');
  });
});
