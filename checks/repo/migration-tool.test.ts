import { describe, expect, it } from 'vitest';
import check from './migration-tool';
import type { RepoFacts } from '../../src/collectors/repo/facts';
import { evaluateWith, fixtureFacts } from '../../test/support/repo-facts';

describe('repo.migration-tool', () => {
  it('passes and describes the tool, directory, count, newest and the deploy job that applies it, with paths relative to the repository', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('golang-migrate'));
    expect(finding!.status).toBe('pass');
    expect(finding!.answerText).toBe(
      'golang-migrate in services/orders/db/migrations: 5 migrations, newest 000005_rename_total; applied by the deploy job migrate (.github/workflows/deploy.yml:11: `migrate -path services/orders/db/migrations -database "$DATABASE_URL" up`; on: push to the default branch or tags).',
    );
  });

  it('tells the deploy job from the test job of one pipeline', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('sqitch'));
    expect(finding!.answerText).toContain('applied by the deploy job deploy (.gitlab-ci.yml:10: `sqitch deploy`; job deploy, stage deploy)');
  });

  it('warns when nothing applies the migrations, and when a CI job runs them without saying whether it deploys', async () => {
    const [flyway] = evaluateWith(check, await fixtureFacts('flyway'));
    expect(flyway!.status).toBe('warn');
    expect(flyway!.answerText).toContain('no deploy job, release step or start-up code was found that applies them');
    const [knex] = evaluateWith(check, await fixtureFacts('knex'));
    expect(knex!.status).toBe('warn');
    expect(knex!.answerText).toContain('but whether that job deploys or tests could not be told (on: push)');
  });

  it('answers "applied at start-up" from start-up code, and warns for migrations applied only by pull-request test jobs', async () => {
    const facts = await fixtureFacts('golang-migrate');
    const startup: RepoFacts = {
      ...facts,
      ci: { ...facts.ci, applies: [] },
      startup: [{ tool: 'golang-migrate', file: 'cmd/server/main.go', line: 42, code: 'm.Up()', when: 'at start-up', how: 'golang-migrate' }],
    };
    const [started] = evaluateWith(check, startup);
    expect(started!.status).toBe('pass');
    expect(started!.answerText).toContain('applied at start-up by cmd/server/main.go:42 (golang-migrate: `m.Up()`)');
    const testOnly: RepoFacts = { ...facts, ci: { ...facts.ci, applies: facts.ci.applies.map((a) => ({ ...a, purpose: 'test' as const, why: 'on: pull_request only' })) } };
    const [tested] = evaluateWith(check, testOnly);
    expect(tested!.status).toBe('warn');
    expect(tested!.answerText).toContain('applied only by CI test jobs against throwaway databases (.github/workflows/deploy.yml:11; on: pull_request only)');
  });

  it('names the start-up code of the module that holds each set, when modules apply their own', async () => {
    const facts = await fixtureFacts('golang-migrate');
    const set = facts.sets[0]!;
    const other = { ...set, directory: 'services/billing/db/migrations', migrations: set.migrations.map((m) => ({ ...m, up: m.up.replace('services/orders', 'services/billing') })) };
    const apply = (file: string) => ({ tool: 'golang-migrate' as const, file, line: 7, code: 'm.Up()', when: 'at start-up', how: 'golang-migrate' });
    const modules: RepoFacts = { ...facts, sets: [set, other], ci: { ...facts.ci, applies: [] }, startup: [apply('services/billing/main.go'), apply('services/orders/main.go')] };
    const [finding] = evaluateWith(check, modules);
    expect(finding!.answerText).toContain('golang-migrate in services/orders/db/migrations: 5 migrations, newest 000005_rename_total; applied at start-up by services/orders/main.go:7');
    expect(finding!.answerText).toContain('golang-migrate in services/billing/db/migrations: 5 migrations, newest 000005_rename_total; applied at start-up by services/billing/main.go:7');
  });

  it('names the start-up code of the crate that holds each set, when appliers sit in src/ beside the migrations, by the folder the code names', async () => {
    const facts = await fixtureFacts('golang-migrate');
    const template = facts.sets[0]!;
    const set = (directory: string) => ({ ...template, tool: 'sqlx' as const, directory, migrations: template.migrations.map((m) => ({ ...m, up: m.up.replace('services/orders/db/migrations', directory) })) });
    const apply = (file: string, line: number, folder: string) => ({ tool: 'sqlx' as const, file, line, code: `sqlx::migrate!("./${folder}").run(pool)`, when: 'at start-up', how: 'SQLx embedded migrations' });
    const crates: RepoFacts = {
      ...facts,
      sets: [set('crates/client/migrations'), set('crates/client/record-migrations'), set('crates/ai/migrations')],
      ci: { ...facts.ci, applies: [] },
      startup: [apply('crates/ai/src/store.rs', 70, 'migrations'), apply('crates/client/src/database.rs', 360, 'migrations'), apply('crates/client/src/record/sqlite_store.rs', 108, 'record-migrations')],
    };
    const [finding] = evaluateWith(check, crates);
    expect(finding!.answerText).toContain('sqlx in crates/client/migrations: 5 migrations, newest 000005_rename_total; applied at start-up by crates/client/src/database.rs:360');
    expect(finding!.answerText).toContain('sqlx in crates/client/record-migrations: 5 migrations, newest 000005_rename_total; applied at start-up by crates/client/src/record/sqlite_store.rs:108');
    expect(finding!.answerText).toContain('sqlx in crates/ai/migrations: 5 migrations, newest 000005_rename_total; applied at start-up by crates/ai/src/store.rs:70');
    // An applier whose macro names another folder applies no other set, even when it is the only one found.
    const [alone] = evaluateWith(check, { ...crates, startup: [apply('crates/client/src/database.rs', 360, 'migrations')] });
    expect(alone!.answerText).toContain('sqlx in crates/client/record-migrations: 5 migrations, newest 000005_rename_total; no deploy job, release step or start-up code was found that applies them');
  });

  it('fails for ORM auto-migration at start-up', async () => {
    const [finding] = evaluateWith(check, await fixtureFacts('auto-migrate'));
    expect(finding!.status).toBe('fail');
    expect(finding!.answerText).toContain('GORM AutoMigrate');
    expect(finding!.answerText).toContain('Hibernate ddl-auto');
  });

  it('fails when the repository has no migration tool', () => {
    const [finding] = evaluateWith(check, { name: 'empty', sets: [], lint: [], ci: { files: [], applies: [], tests: [] }, startup: [], pgTapTests: [] });
    expect(finding!.status).toBe('fail');
    expect(finding!.answerText).toBe('No migration tool was found in repository empty.');
  });
});
