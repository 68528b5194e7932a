// Tool detection over the fixture repositories, one per tool.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseRepository } from '../../src/migrations/detect';
import { FIXTURE_REPOS } from '../support/repo-facts';

async function summary(name: string) {
  const analysis = await analyseRepository(path.join(FIXTURE_REPOS, name));
  return analysis.sets.map((s) => ({ tool: s.tool, directory: s.directory, downs: s.migrations.map((m) => m.down.status) }));
}

describe('migration tool detection', () => {
  it.each([
    ['golang-migrate', [{ tool: 'golang-migrate', directory: 'services/orders/db/migrations', downs: ['present', 'empty', 'present', 'present', 'present'] }]],
    ['sqitch', [{ tool: 'sqitch', directory: 'db', downs: ['present', 'present', 'missing', 'present'] }]],
    ['dbmate', [{ tool: 'dbmate', directory: 'db/migrations', downs: ['present', 'present', 'empty', 'present'] }]],
    ['flyway', [{ tool: 'flyway', directory: 'src/main/resources/db/migration', downs: ['present', 'missing', 'missing', 'missing', 'missing', 'missing'] }]],
    ['supabase', [{ tool: 'supabase', directory: 'supabase/migrations', downs: ['forward-only', 'forward-only'] }]],
    ['prisma', [{ tool: 'prisma', directory: 'prisma/migrations', downs: ['forward-only', 'forward-only'] }]],
    ['knex', [{ tool: 'knex', directory: 'migrations', downs: ['present', 'empty'] }]],
    ['typeorm', [{ tool: 'typeorm', directory: 'src/migrations', downs: ['present'] }]],
    ['rails', [{ tool: 'rails', directory: 'db/migrate', downs: ['present', 'irreversible'] }]],
    ['alembic', [{ tool: 'alembic', directory: 'migrations/versions', downs: ['present', 'empty'] }]],
    ['django', [{ tool: 'django', directory: 'shop/migrations', downs: ['present', 'irreversible'] }]],
    ['liquibase', [{ tool: 'liquibase', directory: 'src/main/resources/db/changelog', downs: ['present', 'present', 'missing', 'present'] }]],
    ['auto-migrate', [
      { tool: 'gorm-automigrate', directory: 'cmd/api/main.go', downs: [] },
      { tool: 'hibernate-ddl-auto', directory: 'src/main/resources/application.properties', downs: [] },
    ]],
  ])('%s', async (name, expected) => {
    expect(await summary(name)).toEqual(expected);
  });

  it('lints the SQL that code migrations pass to raw query calls and their schema-builder calls, and says what it could not read', async () => {
    const analysis = await analyseRepository(path.join(FIXTURE_REPOS, 'knex'));
    const drop = analysis.sets[0]!.migrations[1]!;
    expect(drop.notAnalysed).toBe('1 raw query call(s) with SQL built at run time');
    const hits = analysis.lint.flatMap((f) => f.hits).map((h) => `${h.path}:${h.line} ${h.rule}`);
    expect(hits).toContain('migrations/20240102000000_drop_legacy.js:4 drop-column');
    expect(hits).toContain('migrations/20240102000000_drop_legacy.js:6 drop-column');
  });

  it('names the DSL and changelog changes it did not lint; Knex builder calls are linted', async () => {
    const analysis = await analyseRepository(path.join(FIXTURE_REPOS, 'not-analysed'));
    const notAnalysed = Object.fromEntries(analysis.sets.flatMap((s) => s.migrations.map((m) => [`${s.tool} ${m.id}`, m.notAnalysed])));
    expect(notAnalysed).toEqual({
      'knex 20240301000000_replace_legacy': undefined,
      'liquibase ops:1': 'Liquibase changes not linted (only <sql> and the change types in docs/migrations.md are): mergeColumns',
      // remove_column is linted as the ALTER TABLE … DROP COLUMN it runs.
      'rails 20240301000000_remove_price': undefined,
    });
    // Liquibase's dropColumn change is linted as the DROP COLUMN it runs, located at its changeset.
    expect(analysis.lint.flatMap((f) => f.hits).filter((h) => h.path.endsWith('.yaml')).map((h) => `${h.path}:${h.line} ${h.rule}`)).toEqual([
      'db/changelog/db.changelog.yaml:3 drop-column',
      'db/changelog/db.changelog.yaml:3 require-lock-timeout',
    ]);
    // An execute after a heredoc is located on its own line.
    expect(analysis.lint.flatMap((f) => f.hits).filter((h) => h.path.endsWith('.rb')).map((h) => `${h.path}:${h.line} ${h.rule}`)).toEqual([
      'db/migrate/20240301000000_remove_price.rb:6 drop-column',
      'db/migrate/20240301000000_remove_price.rb:6 require-lock-timeout',
      'db/migrate/20240301000000_remove_price.rb:7 require-lock-timeout',
    ]);
  });

  it('marks as not analysed only the Rails, Alembic and Django migrations that use more than raw SQL', async () => {
    const notAnalysed = async (name: string) => (await analyseRepository(path.join(FIXTURE_REPOS, name))).sets[0]!.migrations.map((m) => m.notAnalysed);
    // Rails' create_table is read as the CREATE TABLE it runs.
    expect(await notAnalysed('rails')).toEqual([undefined, undefined]);
    // Alembic's create_table is read as the CREATE TABLE it runs.
    expect(await notAnalysed('alembic')).toEqual([undefined, undefined]);
    // Django's CreateModel is read as the CREATE TABLE it runs.
    expect(await notAnalysed('django')).toEqual([undefined, undefined]);
  });
});
