// Detection details: JavaScript export shapes and no-op downs, schema-builder
// calls per tool, dialects, Liquibase dbms, CI job purposes and start-up appliers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCi } from '../../src/migrations/ci';
import { detectMigrations, lintSets } from '../../src/migrations/detect';
import { loadParser } from '../../src/migrations/sql';
import { findStartupApplies } from '../../src/migrations/startup';
import { tempRepos } from '../support/temp-repo';

const repos = tempRepos();
beforeAll(loadParser);
afterAll(() => repos.cleanup());

async function sets(files: Record<string, string>) {
  return detectMigrations(await repos.create(files));
}

describe('JavaScript and TypeScript migrations', () => {
  it.each([
    ['exports.up = function (knex) { return knex.raw("SELECT 1"); };\nexports.down = function (knex) { return knex.raw("DROP TABLE x"); };', 'present'],
    ['module.exports = { up: async (knex) => { await knex.raw("SELECT 1"); }, down: async () => {} };', 'empty'],
    ['module.exports = { async up(knex) { await knex.raw("SELECT 1"); }, async down(knex) { await knex.raw("DROP TABLE x"); } };', 'present'],
    ['const up = function (knex) { return knex.raw("SELECT 1"); };\nconst down = function () { return null; };\nmodule.exports = { up, down };', 'empty'],
    ['export async function up(knex) { await knex.raw("SELECT 1"); }\nexport async function down(knex) { return Promise.resolve(); }', 'empty'],
    ['export const up = async (knex) => knex.raw("SELECT 1");\nexport const down = (knex) => knex.raw("");', 'empty'],
    ['exports.up = function (db, callback) { db.runSql("SELECT 1", callback); };\nexports.down = function (db, callback) { callback(); };', 'empty'],
    ['exports.up = function (db, cb) { db.runSql("SELECT 1", cb); };\nexports.down = function (db, cb) { db.runSql("", cb); };', 'empty'],
    ['exports.up = function (db, cb) { db.runSql("SELECT 1", cb); };\nexports.down = function (db) {\n  throw new Error("irreversible");\n};', 'irreversible'],
    ['exports.up = function (knex) { return knex.raw("SELECT 1"); };', 'missing'],
  ])('finds up and judges the down of: %s', async (source, down) => {
    const [set] = await sets({ 'migrations/20240101_a.js': source });
    expect(set!.migrations[0]!.down.status).toBe(down);
    expect(set!.migrations[0]!.sql.map((s) => s.sql)).toEqual(['SELECT 1']);
  });

  it('finds TypeORM class methods and reads queryRunner builder calls', async () => {
    const [set] = await sets({
      'src/migrations/1700000000000-Reshape.ts': `import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
export class Reshape1700000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'legacy');
    await queryRunner.addColumn('users', new TableColumn({ name: 'tier', type: 'varchar', isNullable: false }));
  }
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'tier');
  }
}`,
    });
    expect(set!.tool).toBe('typeorm');
    expect(set!.migrations[0]!.sql.map((s) => `${s.line} ${s.sql}`)).toEqual(['4 ALTER TABLE users DROP COLUMN legacy', '5 ALTER TABLE users ADD COLUMN tier varchar NOT NULL']);
  });

  it('reads node-pg-migrate pgm calls, and counts builder calls with names built at run time as not analysed', async () => {
    const [set] = await sets({
      'migrations/1700000000000_reshape.js': `exports.up = (pgm) => {
  pgm.renameColumn('users', 'name', 'full_name');
  pgm.alterColumn('users', 'age', { type: 'bigint', notNull: true });
  pgm.createIndex('users', 'email', { concurrently: true });
  pgm.dropColumns(process.env.TABLE, ['legacy']);
};
exports.down = false;`,
    });
    expect(set!.tool).toBe('node-pg-migrate');
    expect(set!.migrations[0]!.sql.map((s) => s.sql)).toEqual([
      'ALTER TABLE users RENAME COLUMN name TO full_name',
      'ALTER TABLE users ALTER COLUMN age TYPE bigint',
      'ALTER TABLE users ALTER COLUMN age SET NOT NULL',
      'CREATE INDEX CONCURRENTLY ON users (email)',
    ]);
    expect(set!.migrations[0]!.notAnalysed).toBe('1 schema-builder call(s) with names or options built at run time');
  });

  it('does not take a raw fragment of a builder chain for a statement', async () => {
    const [set] = await sets({
      'migrations/20240101_backfill.js': `exports.up = async (knex) => {
  await knex('orders').update({ total: knex.raw('total * 100') }).where(knex.raw('total < 1000'));
  const rows = await knex.select(knex.raw('count(*)')).from(knex.raw('orders o'));
  await knex.raw('ANALYZE orders');
};
exports.down = async () => {};`,
    });
    expect(set!.migrations[0]!.sql.map((s) => s.sql)).toEqual(['ANALYZE orders']);
    expect(lintSets([set!]).flatMap((f) => (f.parseError ? [f.parseError] : []))).toEqual([]);
  });

  it('reads Kysely migrations: db.schema builder calls as the SQL they run, sql`…`.execute(db) as statements (fragments are not), in the Migrator\'s transaction, applied by migrateToLatest()', async () => {
    const repo = await repos.create({
      'src/database/migrations/20250101T000000-reshape.ts': `import { Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('spaces')
    .addColumn('is_personal', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('owner_id', 'uuid', (col) => col.notNull())
    .dropColumn('legacy')
    .execute();
  await db.schema.alterTable('pages').renameColumn('slug', 'slug_id').execute();
  await db.schema.alterTable('pages').alterColumn('title', (col) => col.setDataType('varchar(100)')).execute();
  await db.schema.withSchema('app').dropTable('old_pages').ifExists().execute();
  await db.schema.createIndex('pages_owner_idx').on('pages').column('owner_id').execute();
  await db.schema.createTable('tags').addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql\`gen_random_uuid()\`)).execute();
  await sql\`CREATE INDEX CONCURRENTLY pages_title_idx ON pages (title)\`.execute(db);
  await db.updateTable('pages').set({ title: sql\`upper(title)\` }).execute();
  await db.schema.alterTable('pages').modifyColumn('title', 'text').execute();
  await db.schema.alterTable('pages').addColumn('token', sql.raw('uuid')).execute();
  const later = sql\`DROP TABLE pages\`;
  await later.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {}
`,
      'src/database/migration.service.ts': "import { Migrator } from 'kysely';\nexport async function migrate(db) {\n  const migrator = new Migrator({ db, provider });\n  await migrator.migrateToLatest();\n}\n",
    });
    const [set] = await detectMigrations(repo);
    expect(set!.tool).toBe('kysely');
    const migration = set!.migrations[0]!;
    expect(migration.sql.map((s) => `${s.line} ${s.transaction} ${s.sql}`)).toEqual([
      '4 tool ALTER TABLE spaces ADD COLUMN is_personal boolean NOT NULL DEFAULT false',
      '4 tool ALTER TABLE spaces ADD COLUMN owner_id uuid NOT NULL',
      '4 tool ALTER TABLE spaces DROP COLUMN legacy',
      '10 tool ALTER TABLE pages RENAME COLUMN slug TO slug_id',
      '11 tool ALTER TABLE pages ALTER COLUMN title TYPE varchar(100)',
      '12 tool DROP TABLE app.old_pages',
      '13 tool CREATE INDEX pages_owner_idx ON pages (owner_id)',
      '14 tool CREATE TABLE tags (id integer)',
      '15 tool CREATE INDEX CONCURRENTLY pages_title_idx ON pages (title)',
      '18 tool ALTER TABLE pages ADD COLUMN token text',
    ]);
    // modifyColumn is MySQL's, and a template kept in a variable may run later: neither is read, so the migration is not fully analysed.
    expect(migration.notAnalysed).toBe('1 raw query call(s) with SQL built at run time; 1 schema-builder call(s) with names or options built at run time');
    expect(migration.down.status).toBe('empty');
    const rules = lintSets([set!]).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect(rules).toEqual(expect.arrayContaining(['add-not-null-column-without-default 4', 'drop-column 4', 'rename-column 10', 'change-column-type 11', 'drop-table 12', 'index-without-concurrently 13', 'concurrently-in-transaction 15']));
    // NOT NULL with a default is safe; without one it fails on a table with rows.
    expect(lintSets([set!]).flatMap((f) => f.hits).filter((h) => h.rule === 'add-not-null-column-without-default').map((h) => h.message)).toEqual([expect.stringContaining('owner_id')]);
    expect((await findStartupApplies(repo)).map((f) => `${f.file}:${f.line} ${f.tool}`)).toEqual(['src/database/migration.service.ts:4 kysely']);
  });

  it('counts the empty downgrade of an Alembic merge point (an upgrade that does nothing) as its revert, and an empty one after a change as none', async () => {
    const [set] = await sets({
      'migrations/versions/a1_change.py': 'revision = "a1"\ndown_revision = None\n\ndef upgrade():\n    op.execute("ALTER TABLE t ADD COLUMN c int")\n\ndef downgrade():\n    pass\n',
      'migrations/versions/b2_merge.py': 'revision = "b2"\ndown_revision = ("a1", "a0")\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n',
    });
    expect(set!.migrations.map((m) => `${m.id} ${m.down.status}`)).toEqual(['a1 empty', 'b2 present']);
  });

  it('finds SQL migrations of a tool it does not recognise (release folders, numbered files), lints them statement by statement, and does not judge transaction-dependent statements', async () => {
    const found = await sets({
      'store/migration/postgres/0.9/00__init.sql': 'CREATE TABLE memo (id int, tag text);\n',
      'store/migration/postgres/0.10/00__drop_tag.sql': 'ALTER TABLE memo DROP COLUMN tag;\n',
      'store/migration/postgres/0.10/01__index.sql': '-- BEGIN in a comment is nothing\nCREATE INDEX CONCURRENTLY memo_id ON memo (id);\n',
      'store/migration/mysql/0.9/00__init.sql': 'CREATE TABLE memo (id int, tag text);\n',
      'store/migration/mysql/0.10/00__drop_tag.sql': 'ALTER TABLE memo DROP COLUMN tag;\n',
      'db/migrations/001_users.sql': 'CREATE TABLE users (id int);\n',
      'db/migrations/002_fn.sql': "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\n",
      'db/migrations/002_fn.down.sql': 'DROP FUNCTION f();\n',
      'docs/1.2/example.sql': 'DROP TABLE users;\n',
      'docs/1.3/example.sql': 'DROP TABLE users;\n',
    });
    expect(found.map((s) => `${s.tool} ${s.directory} ${s.dialect}${s.variantOf ? ` variant of ${s.variantOf}` : ''}: ${s.migrations.map((m) => `${m.id} ${m.down.status}${m.notAnalysed ? ' (not fully analysed)' : ''}`).join(', ')}`)).toEqual([
      'sql-files db/migrations postgresql: 001_users missing, 002_fn present',
      'sql-files store/migration/mysql mysql variant of store/migration/postgres: 0.9/00__init missing, 0.10/00__drop_tag missing',
      'sql-files store/migration/postgres postgresql: 0.9/00__init missing, 0.10/00__drop_tag missing, 0.10/01__index missing (not fully analysed)',
    ]);
    const hits = lintSets(found).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.path}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect(hits).toEqual(['drop-column store/migration/postgres/0.10/00__drop_tag.sql']);
  });

  it('reads Laravel migrations: Schema and Blueprint calls as the SQL they run, DB::statement literals, in a transaction unless $withinTransaction is false', async () => {
    const [set] = await sets({
      'database/migrations/2024_01_01_000000_reshape_users.php': `<?php

use Illuminate\\Database\\Migrations\\Migration;
use Illuminate\\Database\\Schema\\Blueprint;
use Illuminate\\Support\\Facades\\DB;
use Illuminate\\Support\\Facades\\Schema;

return new class extends Migration
{
    public function up(): void
    {
        Schema::table('users', function (Blueprint $table) {
            // a comment before a call
            $table->string('nickname')->nullable();
            $table->string('tier');
            $table->boolean('active')->default(true);
            $table->dropColumn(['legacy', 'old_flag']);
            $table->renameColumn('name', 'full_name');
            $table->text('bio')->change();
            $table->foreignId('team_id')->nullable()->constrained();
        });
        Schema::rename('posts', 'articles');
        Schema::dropIfExists('sessions');
        Schema::table($name, function (Blueprint $table) {
            $table->dropColumn('x');
        });
        DB::statement('CREATE INDEX CONCURRENTLY users_tier ON users (tier)');
    }

    public function down(): void {}
};
`,
      'database/migrations/2024_02_01_000000_index.php': `<?php
return new class extends Migration
{
    public $withinTransaction = false;

    public function up(): void
    {
        DB::statement('CREATE INDEX CONCURRENTLY users_active ON users (active)');
    }

    public function down(): void
    {
        DB::statement('DROP INDEX CONCURRENTLY users_active');
    }
};
`,
    });
    expect(set!.tool).toBe('laravel');
    const [first, second] = set!.migrations;
    expect(first!.sql.map((s) => `${s.line} ${s.sql}`)).toEqual([
      '14 ALTER TABLE "users" ADD COLUMN "nickname" varchar(255)',
      '15 ALTER TABLE "users" ADD COLUMN "tier" varchar(255) NOT NULL',
      '16 ALTER TABLE "users" ADD COLUMN "active" boolean NOT NULL DEFAULT true',
      '17 ALTER TABLE "users" DROP COLUMN "legacy"',
      '17 ALTER TABLE "users" DROP COLUMN "old_flag"',
      '18 ALTER TABLE "users" RENAME COLUMN "name" TO "full_name"',
      '19 ALTER TABLE "users" ALTER COLUMN "bio" TYPE text',
      '19 ALTER TABLE "users" ALTER COLUMN "bio" SET NOT NULL',
      '20 ALTER TABLE "users" ADD COLUMN "team_id" bigint REFERENCES "teams"',
      '22 ALTER TABLE "posts" RENAME TO "articles"',
      '23 DROP TABLE "sessions"',
      '27 CREATE INDEX CONCURRENTLY users_tier ON users (tier)',
    ]);
    expect(first!.notAnalysed).toBe('1 schema-builder call(s) not read (names built at run time, or calls continuity does not translate)');
    expect(first!.down.status).toBe('empty');
    expect(second!.sql.map((s) => s.transaction)).toEqual(['autocommit']);
    expect(second!.down.status).toBe('present');
    const hits = lintSets([set!]).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect(hits).toEqual(expect.arrayContaining(['add-not-null-column-without-default 15', 'drop-column 17', 'rename-column 18', 'change-column-type 19', 'rename-table 22', 'drop-table 23', 'concurrently-in-transaction 27']));
    expect(hits.filter((h) => h.endsWith(' 14') || h.endsWith(' 16'))).toEqual([]);
    expect(hits.filter((h) => h.startsWith('concurrently-in-transaction'))).toEqual(['concurrently-in-transaction 27']);
  });

  it('finds Laravel migrations applied by artisan at container start and by a deploy job, and artisan migrate:fresh as a test application', async () => {
    const repo = await repos.create({
      'database/migrations/2024_01_01_000000_create_users.php': "<?php\nreturn new class extends Migration {\n    public function up(): void { Schema::create('users', function (Blueprint $table) { $table->id(); }); }\n};\n",
      'docker/entrypoint.sh': '#!/bin/sh\nphp artisan migrate --force\nexec php-fpm\n',
      'Dockerfile': 'FROM php:8.3-fpm\nENTRYPOINT ["/app/docker/entrypoint.sh"]\n',
      '.github/workflows/tests.yml': 'on: [pull_request]\njobs:\n  tests:\n    runs-on: ubuntu-latest\n    steps:\n      - run: php artisan migrate:fresh --seed\n      - run: php artisan migrate:status\n',
      '.github/workflows/deploy.yml': 'on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: php artisan migrate --force\n      - run: php artisan migrate:rollback --step=1\n',
    });
    expect((await findStartupApplies(repo)).map((f) => `${f.file}:${f.line} ${f.tool} ${f.when}`)).toEqual(['docker/entrypoint.sh:2 laravel at container start']);
    const ci = await readCi(repo, ['laravel']);
    expect(ci.applies.map((a) => `${a.file}:${a.line} ${a.purpose}`).sort()).toEqual(['.github/workflows/deploy.yml:8 deploy', '.github/workflows/tests.yml:6 test']);
  });

  it('reads Drizzle Kit migrations in their journal\'s order and database, in the migrator\'s transaction, forward-only, applied by migrate() of drizzle-orm\'s migrator', async () => {
    const repo = await repos.create({
      'packages/db/drizzle/meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, tag: '0000_init', breakpoints: true }, { idx: 1, tag: '0001_drop_legacy', breakpoints: true }] }),
      'packages/db/drizzle/0000_init.sql': 'CREATE TABLE "users" ("id" serial PRIMARY KEY, "legacy" text);\n',
      'packages/db/drizzle/0001_drop_legacy.sql': 'ALTER TABLE "users" DROP COLUMN "legacy";--> statement-breakpoint\nCREATE INDEX CONCURRENTLY "users_id" ON "users" ("id");\n',
      'apps/sqlite-cache/drizzle/meta/_journal.json': JSON.stringify({ version: '5', dialect: 'turso', entries: [{ idx: 0, tag: '0000_cache' }] }),
      'apps/sqlite-cache/drizzle/0000_cache.sql': 'CREATE TABLE `cache` (`id` integer PRIMARY KEY);\n',
      'apps/api/src/db.ts': "import { migrate } from 'drizzle-orm/node-postgres/migrator';\nawait migrate(db, { migrationsFolder: './drizzle' });\n",
    });
    const found = await detectMigrations(repo);
    expect(found.map((s) => `${s.tool} ${s.directory} ${s.dialect} ${s.migrations.map((m) => `${m.id} ${m.down.status}`).join(', ')}`).sort()).toEqual([
      'drizzle apps/sqlite-cache/drizzle sqlite 0000_cache forward-only',
      'drizzle packages/db/drizzle postgresql 0000_init forward-only, 0001_drop_legacy forward-only',
    ]);
    const hits = lintSets(found).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.path}:${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect(hits).toEqual(['drop-column packages/db/drizzle/0001_drop_legacy.sql:1', 'concurrently-in-transaction packages/db/drizzle/0001_drop_legacy.sql:2']);
    expect((await findStartupApplies(repo)).map((f) => `${f.file}:${f.line} ${f.tool}`)).toEqual(['apps/api/src/db.ts:2 drizzle']);
  });

  it('finds migrations run at container start by s6-overlay init services and uWSGI hooks, and V<n>.<name>.up.sql files in a migrations folder named for a database', async () => {
    const repo = await repos.create({
      'src/documents/migrations/0001_initial.py': 'from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = []\n',
      'docker/rootfs/etc/s6-overlay/s6-rc.d/init-migrations/run': '#!/command/with-contenv bash\n# python3 manage.py migrate runs below\ncd /usr/src/paperless/src\npython3 manage.py migrate --skip-checks --no-input\n',
      'docker/uwsgi.ini': '[uwsgi]\n# Note: manage.py migrate will also run system checks\nhook-pre-app = exec:./manage.py migrate\n',
      'internal/storage/migrations/postgres/V0001.Initial_Schema.up.sql': 'CREATE TABLE users (id int);\n',
      'internal/storage/migrations/postgres/V0001.Initial_Schema.down.sql': 'DROP TABLE users;\n',
      'internal/storage/migrations/postgres/V0002.Drop.up.sql': 'ALTER TABLE users DROP COLUMN id;\n',
    });
    expect((await findStartupApplies(repo)).map((f) => `${f.file}:${f.line} ${f.tool} ${f.when}`).sort()).toEqual(['docker/rootfs/etc/s6-overlay/s6-rc.d/init-migrations/run:4 django at container start', 'docker/uwsgi.ini:3 django at start-up']);
    const found = await detectMigrations(repo);
    expect(found.filter((s) => s.tool === 'sql-files').map((s) => `${s.directory}: ${s.migrations.map((m) => `${m.id} ${m.down.status}`).join(', ')}`)).toEqual(['internal/storage/migrations/postgres: V0001.Initial_Schema present, V0002.Drop missing']);
  });

  it('reads EF Core migrations: MigrationBuilder calls as the SQL they run on PostgreSQL, Sql() literals, the migration\'s transaction unless suppressTransaction, Database.Migrate() at start-up, and the PostgresMigrations folder beside MySqlMigrations as one set', async () => {
    const migration = (name: string, up: string, down = '') =>
      `using Microsoft.EntityFrameworkCore.Migrations;\n\nnamespace App.Migrations;\n\npublic partial class ${name} : Migration\n{\n    protected override void Up(MigrationBuilder migrationBuilder)\n    {\n${up}    }\n\n    protected override void Down(MigrationBuilder migrationBuilder)\n    {\n${down}    }\n}\n`;
    const repo = await repos.create({
      'util/PostgresMigrations/Migrations/20260101000000_Reshape.cs': migration(
        'Reshape',
        [
          '        migrationBuilder.AddColumn<string>(name: "Note", table: "Order", type: "text", nullable: true);',
          '        migrationBuilder.AddColumn<int>(name: "Tier", table: "Order", type: "integer", nullable: false);',
          '        migrationBuilder.AddColumn<bool>(name: "Active", table: "Order", type: "boolean", nullable: false, defaultValue: false);',
          '        migrationBuilder.DropColumn(name: "Legacy", table: "Order");',
          '        migrationBuilder.RenameColumn(name: "Desc", table: "Order", newName: "Description");',
          '        migrationBuilder.AlterColumn<string>(name: "Code", table: "Order", type: "text", nullable: false, oldClrType: typeof(Guid), oldType: "uuid");',
          '        migrationBuilder.AlterColumn<string>(name: "Name", table: "Order", type: "text", nullable: true, oldClrType: typeof(string), oldType: "text");',
          '        migrationBuilder.CreateIndex(name: "IX_Order_Tier", table: "Order", column: "Tier");',
          '        migrationBuilder.Sql(@"CREATE INDEX CONCURRENTLY ""IX_Order_Note"" ON ""Order"" (""Note"");", suppressTransaction: true);',
          '        migrationBuilder.Sql("DROP VIEW order_totals");',
          '        migrationBuilder.InsertData(table: "Setting", columns: new[] { "Key" }, values: new object[] { "x" });',
          '        migrationBuilder.AlterColumn<string>(name: "Region", table: "Order", type: "text");',
          '',
        ].join('\n'),
        '        migrationBuilder.DropColumn(name: "Note", table: "Order");\n',
      ),
      'util/MySqlMigrations/Migrations/20260101000000_Reshape.cs': migration('Reshape', '        migrationBuilder.DropColumn(name: "Legacy", table: "Order");\n'),
      'util/PostgresMigrations/Migrations/20260101000000_Reshape.Designer.cs': 'partial class Reshape : Migration { MigrationBuilder b; }\n',
      'src/Api/Program.cs': 'var app = builder.Build();\nusing (var scope = app.Services.CreateScope()) { scope.ServiceProvider.GetRequiredService<AppDb>().Database.Migrate(); }\n',
    });
    const found = await detectMigrations(repo);
    expect(found.map((s) => `${s.tool} ${s.directory} ${s.dialect}${s.variantOf ? ` variant of ${s.variantOf}` : ''} ${s.migrations.length}`).sort()).toEqual([
      'ef-core util/MySqlMigrations/Migrations mysql variant of util/PostgresMigrations/Migrations 1',
      'ef-core util/PostgresMigrations/Migrations postgresql 1',
    ]);
    const reshape = found.find((s) => s.dialect === 'postgresql')!.migrations[0]!;
    expect(reshape.sql.map((s) => `${s.line} ${s.transaction} ${s.sql}`)).toEqual([
      '9 tool ALTER TABLE "Order" ADD COLUMN "Note" text',
      '10 tool ALTER TABLE "Order" ADD COLUMN "Tier" integer NOT NULL',
      '11 tool ALTER TABLE "Order" ADD COLUMN "Active" boolean NOT NULL DEFAULT \'0\'',
      '12 tool ALTER TABLE "Order" DROP COLUMN "Legacy"',
      '13 tool ALTER TABLE "Order" RENAME COLUMN "Desc" TO "Description"',
      '14 tool ALTER TABLE "Order" ALTER COLUMN "Code" TYPE text',
      '15 tool ALTER TABLE "Order" ALTER COLUMN "Name" DROP NOT NULL',
      '16 tool CREATE INDEX "IX_Order_Tier" ON "Order" ("Tier")',
      '17 autocommit CREATE INDEX CONCURRENTLY "IX_Order_Note" ON "Order" ("Note");',
      '18 tool DROP VIEW order_totals',
    ]);
    // An AlterColumn without its old type cannot be told: not analysed.
    expect(reshape.notAnalysed).toBe('MigrationBuilder calls not linted (names built at run time, or calls continuity does not translate): AlterColumn');
    expect(reshape.down.status).toBe('present');
    const hits = lintSets(found).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect([...new Set(hits)].sort()).toEqual(['add-not-null-column-without-default 10', 'change-column-type 14', 'drop-column 12', 'drop-not-null 15', 'drop-object 18', 'index-without-concurrently 16', 'rename-column 13'].sort());
    expect((await findStartupApplies(repo)).map((f) => `${f.file}:${f.line} ${f.tool}`)).toEqual(['src/Api/Program.cs:2 ef-core']);
  });

  it('reads Ecto migrations: change/0 and up/0 commands as the SQL they run, execute literals, the transaction unless @disable_ddl_transaction, what Ecto can reverse, Ecto.Migrator and the release phase, not a development entrypoint', async () => {
    const repo = await repos.create({
      'mix.exs': 'defp deps do\n  [{:phoenix, "~> 1.7"}, {:postgrex, ">= 0.0.0"}]\nend\n',
      'priv/repo/migrations/20240101000000_reshape.exs': `defmodule App.Repo.Migrations.Reshape do
  use Ecto.Migration

  def change do
    alter table(:users) do
      add :nickname, :string
      add :tier, :integer, null: false
      add(:active, :boolean, default: true, null: false)
      add :team_id, references(:teams, on_delete: :delete_all)
      remove :legacy, :string
      modify :age, :bigint, null: true, from: {:bigint, null: false}
    end

    rename table(:users), :name, to: :full_name
    rename table(:posts), to: table(:articles)

    execute(
      "ALTER INDEX users_name_index RENAME TO users_full_name_index",
      "ALTER INDEX users_full_name_index RENAME TO users_name_index"
    )

    create index(:users, [:tier])
    Enum.each(tables(), &drop_it/1)
  end
end
`,
      'priv/repo/migrations/20240201000000_backfill.exs': `defmodule App.Repo.Migrations.Backfill do
  use Ecto.Migration
  @disable_ddl_transaction true

  def change do
    execute """
    CREATE INDEX CONCURRENTLY users_active ON users (active)
    """
    drop table(:sessions)
  end
end
`,
      'priv/repo/migrations/20240301000000_oban.exs': 'defmodule App.Repo.Migrations.Oban do\n  use Ecto.Migration\n  def up, do: Oban.Migrations.up(version: 12)\n  def down, do: Oban.Migrations.down(version: 1)\nend\n',
      'lib/app/release.ex': 'def migrate do\n  {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :up, all: true))\nend\n',
      'docker-entrypoint-dev.sh': '#!/bin/sh\nmix ecto.setup\n',
      'Procfile': 'release: mix ecto.migrate\n',
    });
    const [set] = await detectMigrations(repo);
    expect(`${set!.tool} ${set!.dialect} (${set!.dialectSource})`).toBe('ecto postgresql (mix.exs: depends on :postgrex)');
    const [reshape, backfill, oban] = set!.migrations;
    expect(reshape!.sql.map((q) => `${q.line} ${q.transaction} ${q.sql}`)).toEqual([
      '6 tool ALTER TABLE "users" ADD COLUMN "nickname" varchar(255)',
      '7 tool ALTER TABLE "users" ADD COLUMN "tier" integer NOT NULL',
      '8 tool ALTER TABLE "users" ADD COLUMN "active" boolean NOT NULL DEFAULT true',
      '9 tool ALTER TABLE "users" ADD COLUMN "team_id" bigint REFERENCES "teams"',
      '10 tool ALTER TABLE "users" DROP COLUMN "legacy"',
      '11 tool ALTER TABLE "users" ALTER COLUMN "age" DROP NOT NULL',
      '14 tool ALTER TABLE "users" RENAME COLUMN "name" TO "full_name"',
      '15 tool ALTER TABLE "posts" RENAME TO "articles"',
      '17 tool ALTER INDEX users_name_index RENAME TO users_full_name_index',
      '22 tool CREATE INDEX "users_tier_index" ON "users" ("tier")',
    ]);
    expect(reshape!.notAnalysed).toBe('1 Ecto command(s) not linted (names built at run time, or commands continuity does not translate)');
    expect(reshape!.down.status).toBe('present');
    expect(backfill!.sql.map((q) => `${q.line} ${q.transaction} ${q.sql.trim()}`)).toEqual(['6 autocommit CREATE INDEX CONCURRENTLY users_active ON users (active)', '9 autocommit DROP TABLE "sessions"']);
    // execute/1 in change/0 cannot be reversed by Ecto.
    expect(backfill!.down.status).toBe('irreversible');
    expect(oban!.down.status).toBe('present');
    expect(oban!.notAnalysed).toBe('1 Ecto command(s) not linted (names built at run time, or commands continuity does not translate)');
    const hits = lintSets([set!]).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.path.split('_').pop()}:${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect([...new Set(hits)].sort()).toEqual(['add-not-null-column-without-default reshape.exs:7', 'constraint-without-not-valid reshape.exs:9', 'drop-column reshape.exs:10', 'drop-not-null reshape.exs:11', 'drop-table backfill.exs:9', 'index-without-concurrently reshape.exs:22', 'rename-column reshape.exs:14', 'rename-table reshape.exs:15'].sort());
    expect((await findStartupApplies(repo)).map((f) => `${f.file}:${f.line} ${f.tool} ${f.when}`).sort()).toEqual(['Procfile:1 ecto in the release phase', 'lib/app/release.ex:2 ecto at start-up']);
  });

  it('reads Alembic operations as the SQL they run: add_column, alter_column by what it changes, create/drop_index (concurrently in an autocommit block), keys and constraints; a dropped server default stays not analysed', async () => {
    const [set] = await sets({
      'migrations/versions/c3_reshape.py': `revision = "c3"
down_revision = "b2"

def upgrade():
    op.add_column("jobs", sa.Column("note", sa.String(50), nullable=True))
    op.add_column("jobs", sa.Column("tier", sa.Integer(), nullable=False))
    op.add_column("jobs", sa.Column("state", sa.Text(), nullable=False, server_default="new"), schema="app")
    op.alter_column("jobs", "total", type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=True)
    op.alter_column("jobs", "owner", nullable=True, existing_nullable=False)
    op.alter_column("jobs", "kind", type_=sa.Text(), existing_type=sa.Text())
    op.create_index(op.f("ix_jobs_tier"), "jobs", ["tier"], unique=False)
    op.create_foreign_key("fk_jobs_owner", "jobs", "users", ["owner_id"], ["id"], postgresql_not_valid=True)
    op.bulk_insert(jobs_table, [{"id": 1}])
    with op.get_context().autocommit_block():
        op.create_index("ix_jobs_note", "jobs", ["note"], postgresql_concurrently=True)
        op.execute("VACUUM jobs")
    op.alter_column("jobs", "created", server_default=None)

def downgrade():
    op.drop_column("jobs", "note")
`,
    });
    const [migration] = set!.migrations;
    expect(migration!.sql.map((q) => `${q.line} ${q.transaction} ${q.sql}`)).toEqual([
      '5 tool ALTER TABLE "jobs" ADD COLUMN "note" varchar(50)',
      '6 tool ALTER TABLE "jobs" ADD COLUMN "tier" integer NOT NULL',
      '7 tool ALTER TABLE "app"."jobs" ADD COLUMN "state" text NOT NULL DEFAULT \'new\'',
      '8 tool ALTER TABLE "jobs" ALTER COLUMN "total" TYPE bigint',
      '9 tool ALTER TABLE "jobs" ALTER COLUMN "owner" DROP NOT NULL',
      '11 tool CREATE INDEX "ix_jobs_tier" ON "jobs" ("tier")',
      '12 tool ALTER TABLE "jobs" ADD CONSTRAINT "fk_jobs_owner" FOREIGN KEY ("owner_id") REFERENCES "users" NOT VALID',
      '15 autocommit CREATE INDEX CONCURRENTLY "ix_jobs_note" ON "jobs" ("note")',
      '16 autocommit VACUUM jobs',
    ]);
    expect(migration!.notAnalysed).toBe('Alembic operations not linted (only SQL passed to op.execute and the operations in docs/migrations.md are): op.alter_column');
    const hits = lintSets([set!]).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect([...new Set(hits)].sort()).toEqual(['add-not-null-column-without-default 6', 'change-column-type 8', 'drop-not-null 9', 'index-without-concurrently 11'].sort());
  });

  it('reads Rails schema statements as the SQL they run: add_column, change_column(_null), indexes (concurrently), references with their index and key, foreign keys and checks (validate: false), timestamps; a default dropped or a call over several lines stays not analysed', async () => {
    const [set] = await sets({
      'db/migrate/20240101000000_reshape.rb': `class Reshape < ActiveRecord::Migration[7.1]
  def change
    add_column :users, :nickname, :string
    add_column :users, :tier, :integer, null: false
    add_column(:users, :active, :boolean, null: false, default: true)
    change_column :users, :age, :bigint
    change_column_null :users, :email, false
    add_index :users, %i[tier active], unique: true
    add_reference :posts, :author, null: false, foreign_key: { to_table: :users, validate: false }
    add_foreign_key :comments, :posts, validate: false
    add_check_constraint :users, "age >= 0", name: "age_positive"
    add_timestamps :tags
    change_column_default :users, :role, from: "member", to: nil
    add_index :users, :email,
      where: "deleted_at IS NULL"
  end
end
`,
      'db/migrate/20240201000000_concurrent.rb': `class Concurrent < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!

  def change
    add_index :users, :nickname, algorithm: :concurrently
    remove_index :users, name: :index_users_on_old, algorithm: :concurrently
  end
end
`,
    });
    const [reshape, concurrent] = set!.migrations;
    expect(reshape!.sql.map((q) => `${q.line} ${q.sql}`)).toEqual([
      '3 ALTER TABLE "users" ADD COLUMN "nickname" varchar',
      '4 ALTER TABLE "users" ADD COLUMN "tier" integer NOT NULL',
      '5 ALTER TABLE "users" ADD COLUMN "active" boolean NOT NULL DEFAULT true',
      '6 ALTER TABLE "users" ALTER COLUMN "age" TYPE bigint',
      '7 ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL',
      '8 CREATE UNIQUE INDEX "index_users_on_tier_and_active" ON "users" ("tier", "active")',
      '9 ALTER TABLE "posts" ADD COLUMN "author_id" bigint NOT NULL',
      '9 CREATE INDEX ON "posts" ("author_id")',
      '9 ALTER TABLE "posts" ADD FOREIGN KEY ("author_id") REFERENCES "users" NOT VALID',
      '10 ALTER TABLE "comments" ADD FOREIGN KEY ("post_id") REFERENCES "posts" NOT VALID',
      '11 ALTER TABLE "users" ADD CONSTRAINT "age_positive" CHECK (age >= 0)',
      '12 ALTER TABLE "tags" ADD COLUMN created_at timestamp(6) NOT NULL',
      '12 ALTER TABLE "tags" ADD COLUMN updated_at timestamp(6) NOT NULL',
    ]);
    expect(reshape!.notAnalysed).toBe('Rails migration DSL not linted (only SQL passed to execute and the calls in docs/migrations.md are): add_index, change_column_default');
    expect(concurrent!.sql.map((q) => `${q.transaction} ${q.sql}`)).toEqual(['implicit CREATE INDEX CONCURRENTLY "index_users_on_nickname" ON "users" ("nickname")', 'implicit DROP INDEX CONCURRENTLY "index_users_on_old"']);
    const hits = lintSets([set!]).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.path.split('_').pop()}:${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect([...new Set(hits)].sort()).toEqual(
      ['add-not-null-column-without-default reshape.rb:4', 'add-not-null-column-without-default reshape.rb:9', 'add-not-null-column-without-default reshape.rb:12', 'change-column-type reshape.rb:6', 'constraint-without-not-valid reshape.rb:11', 'index-without-concurrently reshape.rb:8', 'index-without-concurrently reshape.rb:9', 'set-not-null reshape.rb:7'].sort(),
    );
  });

  it('says an Alembic migration with batch operations or calls of its own functions is not fully analysed, and not for the arguments of a call continued on later lines', async () => {
    const [set] = await sets({
      'migrations/versions/d4_batch.py': `revision = "d4"
down_revision = "c3"

def upgrade():
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
    )
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("legacy")
    _backfill(op.get_bind())
`,
    });
    expect(set!.migrations[0]!.notAnalysed).toBe('Alembic operations not linted (only SQL passed to op.execute and the operations in docs/migrations.md are): op.batch_alter_table, op.get_bind; calls not read: batch_op.drop_column, _backfill');
  });

  it('says a Django migration with operations of another module is not fully analysed', async () => {
    const [set] = await sets({
      'shop/migrations/0003_search.py': `from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
import pgtrigger.migrations

class Migration(migrations.Migration):
    operations = [
        TrigramExtension(),
        pgtrigger.migrations.AddTrigger(model_name="order", trigger=None),
        migrations.RemoveField(model_name="order", name="legacy"),
    ]
`,
    });
    expect(set!.migrations[0]!.notAnalysed).toBe('Django operations not linted (only RunSQL literals and the operations in docs/migrations.md are): TrigramExtension, pgtrigger.migrations.AddTrigger');
  });

  it('says a Laravel or EF Core migration that calls its own methods for schema changes is not fully analysed', async () => {
    const found = await sets({
      'database/migrations/2024_01_01_000000_cleanup.php': "<?php\nreturn new class extends Migration {\n    public function up(): void\n    {\n        Schema::drop('legacy');\n        $this->dropOldIndexes('users');\n    }\n};\n",
      'Migrations/20240101000000_Cleanup.cs': 'public partial class Cleanup : Migration\n{\n    protected override void Up(MigrationBuilder migrationBuilder)\n    {\n        migrationBuilder.DropTable(name: "Legacy");\n        DropOldIndexes(migrationBuilder, "Users");\n    }\n}\n',
    });
    expect(found.map((s) => `${s.tool}: ${s.migrations[0]!.notAnalysed}`).sort()).toEqual([
      "ef-core: 1 call(s) of the migration's own methods given the MigrationBuilder, not read",
      "laravel: 1 call(s) of the migration's own methods, not read",
    ]);
  });

  it('says a migration of an API it does not read is not fully analysed, even when it also runs raw SQL', async () => {
    const [set] = await sets({
      'migrations/001_reshape.js': "exports.up = async (client) => {\n  await client.query('CREATE TABLE a (id int)');\n  await client.dropColumn('users', 'legacy');\n};\n",
    });
    expect(set!.tool).toBe('js-migrations');
    expect(set!.migrations[0]!.sql.map((s) => s.sql)).toEqual(['CREATE TABLE a (id int)']);
    expect(set!.migrations[0]!.notAnalysed).toBe('1 call(s) of a migration API continuity does not read');
  });

  it('says a migration that hands its handle to a function of its own is not fully analysed: what that function changes is not read', async () => {
    const [set] = await sets({
      'migrations/20240101_reshape.js': "const { dropLegacy } = require('../lib/schema');\nexports.up = async (knex) => {\n  await knex.raw('CREATE TABLE a (id int)');\n  await dropLegacy(knex, 'users');\n};\nexports.down = async (knex) => knex.raw('DROP TABLE a');\n",
    });
    expect(set!.tool).toBe('knex');
    expect(set!.migrations[0]!.notAnalysed).toBe("1 call(s) of the migration's own functions given its handle, not read");
  });
});

describe('dialects', () => {
  it('reads the dialect from the tool configuration and from the files\' syntax, and lints only PostgreSQL', async () => {
    const knex = await sets({ 'knexfile.js': "module.exports = { client: 'mysql2' };", 'migrations/1_a.js': 'exports.up = (knex) => knex.raw("ALTER TABLE `a` DROP COLUMN `b`");' });
    expect(knex.map((s) => [s.dialect, s.dialectSource])).toEqual([['mysql', "knexfile.js: client 'mysql2'"]]);
    expect(lintSets(knex)).toEqual([]);
    const prisma = await sets({ 'prisma/schema.prisma': 'datasource db {\n  provider = "sqlite"\n}', 'prisma/migrations/1_init/migration.sql': 'CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);' });
    expect(prisma[0]!.dialect).toBe('sqlite');
    const sniffed = await sets({ 'db/migrations/1_init.up.sql': 'CREATE TABLE a (id int NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) ENGINE=InnoDB;' });
    expect(sniffed[0]!.dialectSource).toBe('syntax: MySQL syntax (ENGINE=, AUTO_INCREMENT, backquoted names) in db/migrations/1_init.up.sql');
    const postgres = await sets({ 'db/migrations/1_init.up.sql': 'CREATE TABLE a (id bigint);' });
    expect(postgres[0]!.dialect).toBe('postgresql');
  });

  it('takes a database named as a word of a folder (migration_postgres, mysql-persistence) over a configuration that names another', async () => {
    const found = await sets({
      'server/src/main/resources/application.properties': 'spring.datasource.url=jdbc:sqlite:conductor.db\n',
      'postgres-persistence/src/main/resources/db/migration_postgres/V1__init.sql': 'CREATE TABLE a (id bigint);\n',
      'mysql-persistence/src/main/resources/db/migration/V1__init.sql': 'CREATE TABLE a (id bigint);\n',
      'sqlite-persistence/src/main/resources/db/migration_sqlite/V1__init.sql': 'CREATE TABLE a (id integer);\n',
    });
    expect(found.map((s) => `${s.directory.split('/')[0]}: ${s.dialect} (${s.dialectSource})`).sort()).toEqual([
      'mysql-persistence: mysql (folder mysql-persistence/ (mysql))',
      'postgres-persistence: postgresql (folder postgres-persistence/src/main/resources/db/migration_postgres/ (postgres))',
      'sqlite-persistence: sqlite (folder sqlite-persistence/src/main/resources/db/migration_sqlite/ (sqlite))',
    ]);
  });

  it('finds a Liquibase XML changelog by its databaseChangeLog root whatever its name, and no migrations of a build\'s test sources, stubs or fixtures', async () => {
    const changelog = (id: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n  <changeSet id="${id}" author="a"><sql>ALTER TABLE person DROP COLUMN legacy</sql></changeSet>\n</databaseChangeLog>\n`;
    const found = await sets({
      'api/src/main/resources/org/openmrs/liquibase/updates/liquibase-update-to-latest-2.8.x.xml': changelog('TRUNK-1'),
      'api/src/main/resources/hibernate.cfg.xml': '<?xml version="1.0"?>\n<hibernate-configuration/>\n',
      'web/src/test/resources/org/openmrs/liquibase/liquibase-changelog-tables.xml': changelog('test-1'),
      'pkg/migrate/testdata/migrations/1_a.up.sql': 'CREATE TABLE a (id int);\n',
      'oryx/popx/stub/migrations/legacy/20200607165100_settings.postgres.up.sql': 'ALTER TABLE a DROP COLUMN b;\n',
      'spec/fixtures/db/migrate/20240101000000_create_a.rb': 'class CreateA < ActiveRecord::Migration[7.1]\n  def change\n    drop_table :a\n  end\nend\n',
    });
    expect(found.map((s) => `${s.tool} ${s.directory} ${s.migrations.map((m) => m.id).join(',')}`)).toEqual(['liquibase api/src/main/resources/org/openmrs/liquibase/updates a:TRUNK-1']);
  });

  it('lints Flyway scripts with ${placeholders} read as names, and says their values were not known', async () => {
    const found = await sets({
      'db/migration_postgres/V1__payloads.sql': 'CREATE TABLE IF NOT EXISTS ${tableName} (id text PRIMARY KEY, data bytea NOT NULL);\nALTER TABLE ${tableName} ALTER COLUMN data SET STORAGE EXTERNAL;\n',
      'db/migration_postgres/V2__drop_legacy.sql': 'ALTER TABLE ${schema}.payloads DROP COLUMN legacy;\n',
    });
    const lint = lintSets(found);
    expect(lint.filter((f) => f.parseError)).toEqual([]);
    expect(lint.flatMap((f) => f.hits).filter((h) => h.rule === 'drop-column').map((h) => `${h.path}:${h.line} ${h.message}`)).toEqual(['db/migration_postgres/V2__drop_legacy.sql:1 drops column schema.payloads.legacy, which running code may still use']);
    expect(found[0]!.migrations.map((m) => m.notAnalysed)).toEqual([
      'Flyway placeholders read as names, their values not known: ${tableName}',
      'Flyway placeholders read as names, their values not known: ${schema}',
    ]);
  });

  it('does not lint a Liquibase changeset written for other databases only', async () => {
    const [set] = await sets({
      'db/changelog/db.changelog-master.xml': `<databaseChangeLog>
  <changeSet id="1" author="a" dbms="mysql"><sql>ALTER TABLE a DROP COLUMN b</sql></changeSet>
  <changeSet id="2" author="a" dbms="postgresql,h2"><sql>ALTER TABLE a DROP COLUMN c</sql></changeSet>
</databaseChangeLog>`,
    });
    expect(lintSets([set!]).flatMap((f) => f.hits).filter((h) => h.rule === 'drop-column').map((h) => h.message)).toEqual(['drops column a.c, which running code may still use']);
  });

  it('lints Liquibase change types as the SQL they run on PostgreSQL; data changes are nothing to judge; other types stay not analysed', async () => {
    const [set] = await sets({
      'db/changelog/changes.xml': `<databaseChangeLog>
  <changeSet id="1" author="a">
    <addColumn tableName="orders">
      <column name="note" type="VARCHAR(100)"/>
      <column name="region" type="\${text_type}"><constraints nullable="false"/></column>
      <column name="status" type="VARCHAR(10)" defaultValue="new"><constraints nullable="false"/></column>
      <column name="token" type="UUID" defaultValueComputed="gen_random_uuid()"/>
    </addColumn>
  </changeSet>
  <changeSet id="2" author="a">
    <modifyDataType tableName="orders" columnName="total" newDataType="BIGINT"/>
    <renameColumn tableName="orders" oldColumnName="desc" newColumnName="description"/>
    <dropColumn tableName="orders"><column name="legacy"/><column name="old"/></dropColumn>
  </changeSet>
  <changeSet id="3" author="a">
    <createIndex tableName="orders" indexName="orders_region"><column name="region"/></createIndex>
    <addForeignKeyConstraint baseTableName="orders" baseColumnNames="customer_id" referencedTableName="customers" referencedColumnNames="id" constraintName="orders_customer"/>
    <insert tableName="settings"><column name="k" value="v"/></insert>
  </changeSet>
  <changeSet id="4" author="a">
    <mergeColumns tableName="orders" column1Name="a" column2Name="b" finalColumnName="c" finalColumnType="text"/>
  </changeSet>
  <changeSet id="5" author="a">
    <insert tableName="settings"><column name="k" value="w"/></insert>
  </changeSet>
</databaseChangeLog>`,
    });
    expect(set!.migrations.map((m) => m.sql.map((q) => `${q.line} ${q.sql}`))).toEqual([
      [
        '3 ALTER TABLE "orders" ADD COLUMN "note" VARCHAR(100)',
        '3 ALTER TABLE "orders" ADD COLUMN "region" text NOT NULL',
        '3 ALTER TABLE "orders" ADD COLUMN "status" VARCHAR(10) NOT NULL DEFAULT \'0\'',
        '3 ALTER TABLE "orders" ADD COLUMN "token" UUID DEFAULT gen_random_uuid()',
      ],
      [
        '11 ALTER TABLE "orders" ALTER COLUMN "total" TYPE BIGINT',
        '12 ALTER TABLE "orders" RENAME COLUMN "desc" TO "description"',
        '13 ALTER TABLE "orders" DROP COLUMN "legacy"',
        '13 ALTER TABLE "orders" DROP COLUMN "old"',
      ],
      ['16 CREATE INDEX "orders_region" ON "orders" ("region")', '17 ALTER TABLE "orders" ADD CONSTRAINT "orders_customer" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id")'],
      [],
      [],
    ]);
    expect(set!.migrations.map((m) => m.notAnalysed)).toEqual([undefined, undefined, undefined, 'Liquibase changes not linted (only <sql> and the change types in docs/migrations.md are): mergeColumns', undefined]);
    expect(set!.migrations.map((m) => m.dataOnly ?? false)).toEqual([false, false, false, false, true]);
    const hits = lintSets([set!]).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect([...new Set(hits)].sort()).toEqual(['add-not-null-column-without-default 3', 'change-column-type 11', 'constraint-without-not-valid 17', 'drop-column 13', 'index-without-concurrently 16', 'rename-column 12', 'volatile-default 3'].sort());
  });

  it('lints Liquibase changelogs for PostgreSQL when changesets are written for it by context, whatever database the configuration names', async () => {
    const [set] = await sets({
      'src/main/resources/application.properties': 'spring.datasource.url=jdbc:mariadb://localhost:3306/app\n',
      'src/main/resources/db/changelog/parts/0001_schema.xml': `<databaseChangeLog>
  <changeSet id="1" author="a" context="mysql"><sql>ALTER TABLE a MODIFY b VARCHAR(10)</sql></changeSet>
  <changeSet id="2" author="a" context="postgresql"><sql>ALTER TABLE a DROP COLUMN c</sql></changeSet>
  <changeSet id="3" author="a" context="!test"><sql>ALTER TABLE a DROP COLUMN d</sql></changeSet>
</databaseChangeLog>`,
    });
    expect(`${set!.dialect} (${set!.dialectSource})`).toBe('postgresql (changesets written for PostgreSQL (by dbms or context, e.g. a:2 in src/main/resources/db/changelog/parts/0001_schema.xml))');
    const linted = lintSets([set!]);
    expect(linted.flatMap((f) => (f.parseError ? [f.parseError] : []))).toEqual([]);
    expect(linted.flatMap((f) => f.hits).filter((h) => h.rule === 'drop-column').map((h) => h.message)).toEqual(['drops column a.c, which running code may still use', 'drops column a.d, which running code may still use']);
  });

  it('reads the database of Rails from database.yml.sample and the Gemfile, and of Laravel from DB_CONNECTION', async () => {
    const found = await sets({
      'rails/Gemfile': 'source "https://rubygems.org"\ngem "rails"\ngem "trilogy"\n',
      'rails/db/migrate/20240101000000_create_users.rb': 'class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    execute "ALTER TABLE users ENGINE=InnoDB"\n  end\nend\n',
      'sample/config/database.yml.sample': 'production:\n  adapter: sqlite3\n',
      'sample/db/migrate/20240101000000_create_posts.rb': 'class CreatePosts < ActiveRecord::Migration[7.1]\n  def change\n    execute "SELECT 1"\n  end\nend\n',
      'app/.env.example': 'APP_NAME=x\nDB_CONNECTION=pgsql\n',
      'app/config/database.php': "<?php return ['default' => env('DB_CONNECTION', 'mysql')];\n",
      'app/database/migrations/2024_01_01_000000_create_users.php': "<?php\nreturn new class extends Migration {\n    public function up(): void { Schema::drop('legacy'); }\n};\n",
      // BookStack keeps its configuration in app/Config/.
      'wiki/app/Config/database.php': "<?php return ['default' => env('DB_CONNECTION', 'mysql')];\n",
      'wiki/database/migrations/2024_01_01_000000_create_pages.php': "<?php\nreturn new class extends Migration {\n    public function up(): void { Schema::drop('legacy'); }\n};\n",
    });
    expect(found.map((s) => `${s.tool} ${s.directory} ${s.dialect} (${s.dialectSource})`).sort()).toEqual([
      'laravel app/database/migrations postgresql (app/.env.example: DB_CONNECTION=pgsql)',
      'laravel wiki/database/migrations mysql (wiki/app/Config/database.php: DB_CONNECTION defaults to mysql)',
      'rails rails/db/migrate mysql (rails/Gemfile: gem "trilogy")',
      'rails sample/db/migrate sqlite (sample/config/database.yml.sample: adapter sqlite3)',
    ]);
  });
});

describe('how migrations reach production', () => {
  it('tells deploy jobs from test jobs in GitHub Actions and GitLab CI', async () => {
    const repo = await repos.create({
      '.github/workflows/ci.yml': `on:
  push:
    branches: [feature/*]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: dbmate up
  release:
    runs-on: ubuntu-latest
    if: github.ref == 'refs/heads/main'
    steps:
      - run: dbmate up
`,
      // langfuse's shape: a workflow on push to main and on pull requests, whose jobs apply the migrations to throwaway databases.
      '.github/workflows/pipeline.yml': `on:
  push:
    branches: [main]
    tags: ['v*']
  pull_request:
jobs:
  web:
    runs-on: ubuntu-latest
    steps:
      - run: dbmate up
`,
      '.github/workflows/nightly.yml': `on:
  push:
    branches: [main]
jobs:
  worker:
    if: startsWith(github.ref, 'refs/tags/') || github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
    steps:
      - run: npx prisma migrate dev
`,
      '.gitlab-ci.yml': `migrate-review:
  stage: test
  only: [merge_requests]
  script:
    - dbmate up
migrate-prod:
  stage: deploy
  environment: production
  script:
    - dbmate up
`,
    });
    const ci = await readCi(repo, ['dbmate', 'prisma']);
    expect(ci.applies.map((a) => `${a.file}:${a.line} ${a.job} ${a.purpose} (${a.why})`)).toEqual([
      '.github/workflows/ci.yml:9 test test (job test)',
      ".github/workflows/ci.yml:14 release deploy (if: github.ref == 'refs/heads/main')",
      '.github/workflows/nightly.yml:9 worker test (`prisma migrate dev` applies to a development database)',
      '.github/workflows/pipeline.yml:10 web test (on: push, pull_request: it runs for pull requests too)',
      '.gitlab-ci.yml:5 migrate-review test (runs for merge requests)',
      '.gitlab-ci.yml:10 migrate-prod deploy (environment: production)',
    ]);
  });

  it('finds migrations applied at start-up or release by Spring Boot, Micronaut, Quarkus, Node servers, entrypoints and Procfiles', async () => {
    const repo = await repos.create({
      'build.gradle.kts': 'plugins { id("org.springframework.boot") version "3.3.0" }\ndependencies { implementation("org.liquibase:liquibase-core") }',
      'service-b/src/main/resources/application.yml': 'flyway:\n  datasources:\n    default:\n      enabled: true\n',
      'service-c/src/main/resources/application.properties': 'quarkus.flyway.migrate-at-start=true\n',
      'api/src/server.ts': "import { migrateDb } from './db';\n\nawait migrateDb();\napp.listen(3000);\n",
      'worker/index.js': "const knex = require('knex')(config);\nknex.migrate.latest().then(() => start());\n",
      'Procfile': 'release: python manage.py migrate --noinput\nweb: gunicorn app.wsgi\n',
      'docker/entrypoint.sh': '#!/bin/sh\nset -e\nalembic upgrade head\nexec "$@"\n',
      'test/setup.js': 'knex.migrate.latest();\n',
    });
    const found = await findStartupApplies(repo);
    expect(found.map((f) => `${f.file}:${f.line} ${f.tool ?? '-'} ${f.when} (${f.how})`).sort()).toEqual([
      "Procfile:1 django in the release phase (django)",
      "api/src/server.ts:3 - at start-up (the server's own migrateDb())",
      'build.gradle.kts:2 liquibase at start-up (Spring Boot\'s Liquibase auto-configuration)',
      'docker/entrypoint.sh:3 alembic at container start (alembic)',
      'service-b/src/main/resources/application.yml:1 flyway at start-up (Micronaut Flyway (flyway.datasources.*.enabled))',
      'service-c/src/main/resources/application.properties:1 flyway at start-up (Quarkus (quarkus.flyway.migrate-at-start))',
      'worker/index.js:2 knex at start-up (Knex (migrate.latest()))',
    ]);
  });

  it('follows npm scripts through npm-run-all (globs too), Node scripts into the commands they run through child_process, and shell scripts', async () => {
    const repo = await repos.create({
      'package.json': JSON.stringify({
        scripts: {
          'start-docker': 'npm-run-all -s check-db start-server',
          'check-db': 'node ./scripts/check-db.js',
          'start-server': 'node server.js',
          'release:db': 'run-s "db:*"',
          'db:apply': 'node --enable-source-maps tools/apply.mjs',
          'check-env': 'node scripts/check-env.js',
        },
      }),
      'scripts/check-db.js': "const { execSync } = require('child_process');\nexecSync('prisma migrate deploy');\n",
      'tools/apply.mjs': "import { spawn } from 'node:child_process';\nspawn('knex', ['migrate:latest', '--env', 'production']);\n",
      'scripts/check-env.js': "// execSync('prisma migrate deploy') runs in check-db.js\nconsole.log('then run prisma migrate deploy');\n",
      'Dockerfile': 'FROM node:20\nCMD ["pnpm", "start-docker"]\n',
      'Procfile': 'release: npm run release:db\nweb: npm run check-env && node server.js\n',
      // langfuse's entrypoint runs a shell script that runs golang-migrate; a script that only names the command runs nothing.
      'docker/entrypoint.sh': '#!/bin/sh\ncd ./packages/shared\nsh ./clickhouse/scripts/up.sh\n',
      'packages/shared/clickhouse/scripts/up.sh': '#!/bin/sh\n# runs migrate up\nmigrate -source file://clickhouse/migrations -database "$CLICKHOUSE_URL" up\n',
      'bin/start': '#!/bin/sh\nbash scripts/hint.sh\nexec node server.js\n',
      'scripts/hint.sh': 'echo "first run: migrate -database $URL up"\n# migrate up\n',
    });
    const found = await findStartupApplies(repo);
    expect(found.map((f) => `${f.file}:${f.line} ${f.tool ?? '-'} ${f.when}`).sort()).toEqual([
      'Dockerfile:2 prisma at container start',
      'Procfile:1 knex in the release phase',
      'docker/entrypoint.sh:3 golang-migrate at container start',
    ]);
  });

  it('finds Rust migrations: the migrations folder above a Diesel crate, the one an SQLx crate names, with the database its Cargo features name', async () => {
    const found = await sets({
      'crates/db/Cargo.toml': '[dependencies]\ndiesel_migrations = "2.2"\n',
      'migrations/2024-01-01-000000_create_a/up.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n',
      'migrations/2024-01-01-000000_create_a/down.sql': 'DROP TABLE a;\n',
      'reports/Cargo.toml': '[dependencies.sqlx]\nversion = "0.8"\nfeatures = ["runtime-tokio", "mysql"]\n',
      'reports/src/main.rs': 'sqlx::migrate!("./db/migrations").run(&pool).await?;\n',
      'reports/db/migrations/20240101000000_init.up.sql': 'CREATE TABLE r (id int);\n',
      'reports/db/migrations/20240101000000_init.down.sql': 'DROP TABLE r;\n',
    });
    expect(found.map((s) => `${s.tool} ${s.directory} ${s.migrations.length} ${s.dialect} (${s.dialectSource})`)).toEqual([
      'diesel migrations 1 postgresql (no other database named by folder, configuration or syntax)',
      'sqlx reports/db/migrations 1 mysql (reports/Cargo.toml: sqlx feature "mysql")',
    ]);
  });

  it('takes a set\'s database from the configuration nearest to it: a workspace\'s SQLite client crate beside its PostgreSQL server crate', async () => {
    const found = await sets({
      'Cargo.toml': '[workspace.dependencies.sqlx]\nversion = "0.8"\nfeatures = ["runtime-tokio", "time"]\n',
      'crates/client/Cargo.toml': '[dependencies]\nsqlx = { workspace = true, features = ["sqlite", "regexp"] }\n',
      'crates/client/src/database.rs': 'sqlx::migrate!("./migrations").run(pool).await?;\n',
      'crates/client/migrations/20240101000000_init.sql': 'CREATE TABLE history (id integer PRIMARY KEY);\nDROP TABLE old_history;\n',
      'crates/server/Cargo.toml': '[dependencies]\nsqlx = { workspace = true, features = ["postgres", "tls-native-tls"] }\n',
      'crates/server/src/lib.rs': 'sqlx::migrate!("./migrations").run(pool).await?;\n',
      'crates/server/migrations/20240101000000_init.sql': 'CREATE TABLE history (id bigint PRIMARY KEY);\n',
    });
    expect(found.map((s) => `${s.directory} ${s.dialect} (${s.dialectSource})`)).toEqual([
      'crates/client/migrations sqlite (crates/client/Cargo.toml: sqlx feature "sqlite")',
      'crates/server/migrations postgresql (crates/server/Cargo.toml: sqlx feature "postgres")',
    ]);
    expect(lintSets(found).map((f) => f.path)).toEqual(['crates/server/migrations/20240101000000_init.sql']);
  });

  it('takes the database of a crate with no database feature from the connection types its code uses, and finds its applier past Rust lifetimes', async () => {
    const repo = await repos.create({
      'Cargo.toml': '[workspace.dependencies.sqlx]\nversion = "0.8"\n',
      'crates/server/Cargo.toml': '[dependencies]\nsqlx = { workspace = true, features = ["postgres"] }\n',
      'crates/server/migrations/20240101000000_init.sql': 'CREATE TABLE history (id bigint PRIMARY KEY);\n',
      'crates/kv/Cargo.toml': '[dependencies]\nsqlx = { workspace = true }\n',
      'crates/kv/src/database.rs': "use sqlx::sqlite::SqlitePool;\nimpl<'r> Store<'r> {\n    fn name(&self) -> &'static str { \"kv\" }\n    async fn setup(pool: &SqlitePool) {\n        sqlx::migrate!(\"./migrations\").run(pool).await?;\n    }\n}\n",
      'crates/kv/migrations/20240101000000_kv.sql': 'CREATE TABLE kv (k text);\nDROP TABLE old_kv;\n',
    });
    const found = await detectMigrations(repo);
    expect(found.map((s) => `${s.directory} ${s.dialect} (${s.dialectSource})`)).toEqual([
      'crates/kv/migrations sqlite (crates/kv/: its code connects with sqlite types only)',
      'crates/server/migrations postgresql (crates/server/Cargo.toml: sqlx feature "postgres")',
    ]);
    expect((await findStartupApplies(repo)).map((f) => `${f.file}:${f.line}`)).toEqual(['crates/kv/src/database.rs:5']);
  });

  it('reads MikroORM migrations (this.addSql), in a transaction unless isTransactional() is false, applied by getMigrator().up() in application code, not in test utilities', async () => {
    const migration = (name: string, body: string, extra = '') =>
      `import { Migration } from '@mikro-orm/migrations';\n\nexport class ${name} extends Migration {\n${extra}  async up(): Promise<void> {\n${body}\n  }\n}\n`;
    const repo = await repos.create({
      'packages/cart/src/migrations/Migration20240101.ts': migration('Migration20240101', `    this.addSql('alter table "cart" drop column "legacy";');`),
      'packages/cart/src/migrations/Migration20240201.ts': migration('Migration20240201', `    this.addSql('create index concurrently "IDX_cart_region" on "cart" (region_id);');`, '  isTransactional(): boolean {\n    return false;\n  }\n\n'),
      'packages/app/src/loaders/database.ts': "import { MikroORM } from '@mikro-orm/core';\nconst orm = await MikroORM.init(config);\nawait orm.getMigrator().up();\n",
      'packages/app-test-utils/src/database.ts': "import { MikroORM } from '@mikro-orm/core';\nawait orm.getMigrator().up();\n",
    });
    const found = await detectMigrations(repo);
    expect(found.map((s) => `${s.tool} ${s.directory} ${s.migrations.length}`)).toEqual(['mikro-orm packages/cart/src/migrations 2']);
    expect(found[0]!.migrations.map((m) => m.sql.map((q) => q.transaction))).toEqual([['tool'], ['implicit']]);
    expect(lintSets(found).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.path}:${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'))).toEqual(['drop-column packages/cart/src/migrations/Migration20240101.ts:5']);
    expect((await findStartupApplies(repo)).map((f) => `${f.file}:${f.line} ${f.tool}`)).toEqual(['packages/app/src/loaders/database.ts:3 mikro-orm']);
  });

  it('finds Prisma migrations in a folder prisma.config.ts names (not only migrations/), by their <timestamp>_<name>/migration.sql shape', async () => {
    const found = await sets({
      'packages/database/prisma.config.ts': 'export default defineConfig({ schema: "./schema", migrations: { path: "./.prisma-migrations" } });\n',
      'packages/database/migration/20230329205933_init/migration.sql': 'CREATE TABLE "Survey" ("id" TEXT NOT NULL);\n',
      'packages/database/migration/20230405105937_add_api_keys/migration.sql': 'ALTER TABLE "Survey" ADD COLUMN "apiKey" TEXT;\n',
      'packages/database/migration/20230406000000_backfill/migration.ts': 'export const backfill = async () => {};\n',
    });
    expect(found.map((s) => `${s.tool} ${s.directory} ${s.migrations.map((m) => m.id).join(',')}`)).toEqual(['prisma packages/database/migration 20230329205933_init,20230405105937_add_api_keys']);
  });

  it('lints the drops and renames of Django, Alembic and Rails migrations as the SQL they run; other operations stay not analysed', async () => {
    const found = await sets({
      'plane/db/migrations/0002_cleanup.py': `from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [("db", "0001_initial")]
    operations = [
        migrations.RemoveField(
            model_name="issue",
            name="legacy_state",
        ),
        migrations.RenameField(model_name="issue", old_name="desc", new_name="description"),
        migrations.AddField(model_name="issue", name="archived_at", field=models.DateTimeField(null=True)),
        migrations.DeleteModel(name="IssueBlocker"),
        migrations.RenameModel(old_name="Label", new_name="Tag"),
    ]
`,
      'alembic/versions/ab12_cleanup.py': `revision = "ab12"
down_revision = "aa00"

def upgrade():
    op.drop_column("recipes", "legacy", schema="app")
    op.alter_column("recipes", "desc", new_column_name="description", existing_type=sa.String())
    op.alter_column("recipes", "name", nullable=False)
    op.rename_table("shopping_lists", "lists")

def downgrade():
    op.rename_table("lists", "shopping_lists")
`,
      // An app with a proxy model: its DeleteModel may drop no table, so it is not judged.
      'shop/catalog/migrations/0001_initial.py': `from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel(name="FeaturedProduct", fields=[], options={"proxy": True}, bases=("catalog.product",)),
    ]
`,
      'shop/catalog/migrations/0002_drop_featured.py': `from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.DeleteModel(name="FeaturedProduct"),
    ]
`,
      'db/migrate/20240101000000_cleanup_users.rb': `class CleanupUsers < ActiveRecord::Migration[7.1]
  def change
    remove_column :users, :legacy_flag, :boolean
    rename_column(:users, :name, :full_name)
    add_index :users, :email
    drop_table :sessions do |t|
      t.string :token
    end
  end
end
`,
    });
    const hits = lintSets(found).flatMap((f) => f.hits).filter((h) => h.rule !== 'require-lock-timeout').map((h) => `${h.rule} ${h.path}:${h.line} ${h.statement}`);
    expect(hits.sort()).toEqual([
      'drop-column alembic/versions/ab12_cleanup.py:5 op.drop_column("recipes", "legacy", schema="app")',
      'drop-column db/migrate/20240101000000_cleanup_users.rb:3 remove_column :users, :legacy_flag, :boolean',
      'drop-column plane/db/migrations/0002_cleanup.py:6 migrations.RemoveField( model_name="issue", name="legacy_state", )',
      'drop-table db/migrate/20240101000000_cleanup_users.rb:6 drop_table :sessions do |t|',
      'drop-table plane/db/migrations/0002_cleanup.py:12 migrations.DeleteModel(name="IssueBlocker")',
      'index-without-concurrently db/migrate/20240101000000_cleanup_users.rb:5 add_index :users, :email',
      'rename-column alembic/versions/ab12_cleanup.py:6 op.alter_column("recipes", "desc", new_column_name="description", existing_type=sa.String())',
      'rename-column db/migrate/20240101000000_cleanup_users.rb:4 rename_column(:users, :name, :full_name)',
      'rename-column plane/db/migrations/0002_cleanup.py:10 migrations.RenameField(model_name="issue", old_name="desc", new_name="description")',
      'rename-table alembic/versions/ab12_cleanup.py:8 op.rename_table("shopping_lists", "lists")',
      'set-not-null alembic/versions/ab12_cleanup.py:7 op.alter_column("recipes", "name", nullable=False)',
    ]);
    expect(found.find((s) => s.directory === 'shop/catalog/migrations')!.migrations.map((m) => m.notAnalysed)).toEqual([
      'Django operations not linted (only RunSQL literals and the operations in docs/migrations.md are): CreateModel',
      'Django operations not linted (only RunSQL literals and the operations in docs/migrations.md are): DeleteModel',
    ]);
    expect(found.filter((s) => s.directory !== 'shop/catalog/migrations').map((s) => `${s.tool}: ${s.migrations[0]!.notAnalysed}`).sort()).toEqual([
      'alembic: undefined',
      // RenameModel renames no table when the model has a db_table of its own: not judged from the migration alone.
      'django: Django operations not linted (only RunSQL literals and the operations in docs/migrations.md are): RenameModel',
      'rails: undefined',
    ]);
  });

  it('reads sql`…` tagged templates (slonik) in an alterations folder, in the order of the timestamps in the names', async () => {
    const alteration = (body: string) => `import { sql } from '@silverhand/slonik';\n\nconst alteration = {\n  up: async (pool) => {\n${body}\n  },\n  down: async (pool) => {\n    await pool.query(sql\`select 1\`);\n  },\n};\n\nexport default alteration;\n`;
    const found = await sets({
      'packages/schemas/alterations/1.0.0_beta.10-1-logto-config.ts': alteration('    await pool.query(sql`create table logto_configs (key varchar(256) primary key)`);'),
      'packages/schemas/alterations/1.42.0-1784619793-drop-legacy.ts': alteration('    await pool.query(sql`alter table users drop column legacy`);'),
      'packages/schemas/alterations/1.9.0-1694418765-add-type.ts': alteration('    await pool.query(sql`alter table roles add column type varchar(64)`);\n    await pool.query(sql`drop index ${sql.identifier([name])}`);'),
    });
    expect(found.map((s) => `${s.tool} ${s.directory}: ${s.migrations.map((m) => m.id).join(', ')}`)).toEqual([
      'js-migrations packages/schemas/alterations: 1.0.0_beta.10-1-logto-config, 1.9.0-1694418765-add-type, 1.42.0-1784619793-drop-legacy',
    ]);
    expect(found[0]!.migrations.map((m) => [m.sql.map((q) => q.sql), m.notAnalysed])).toEqual([
      [['create table logto_configs (key varchar(256) primary key)'], undefined],
      [['alter table roles add column type varchar(64)'], '1 raw query call(s) with SQL built at run time'],
      [['alter table users drop column legacy'], undefined],
    ]);
  });

  it('judges no Django operation as SQL in a migration with SeparateDatabaseAndState (its operations may change only Django\'s state)', async () => {
    const found = await sets({
      'shop/orders/migrations/0003_move_field.py': `from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="order", name="legacy")],
            database_operations=[],
        ),
    ]
`,
    });
    expect(lintSets(found).flatMap((f) => f.hits)).toEqual([]);
    expect(found[0]!.migrations[0]!.notAnalysed).toBe('Django operations not linted (only RunSQL literals and the operations in docs/migrations.md are): SeparateDatabaseAndState, RemoveField');
  });

  it('judges a Django down that reverses schema operations but not a RunPython or RunSQL step with a no-op reverse as partial, and one with only such steps as empty', async () => {
    const migration = (operations: string) => `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n${operations}    ]\n`;
    const noop = '        migrations.RunPython(code=set_null_values, reverse_code=migrations.RunPython.noop),\n';
    const found = await sets({
      'wireless/migrations/0010_charfield_null_choices.py': migration(`        migrations.AlterField(model_name="wirelesslan", name="auth_type", field=models.CharField(null=True)),\n        migrations.AlterField(model_name="wirelesslink", name="auth_type", field=models.CharField(null=True)),\n${noop}`),
      'wireless/migrations/0011_backfill.py': migration(`${noop}        migrations.RunSQL("UPDATE wireless_wirelesslan SET ssid = ''", reverse_sql=migrations.RunSQL.noop),\n`),
      'wireless/migrations/0012_add_field.py': migration('        migrations.AddField(model_name="wirelesslan", name="note", field=models.TextField(null=True)),\n'),
    });
    expect(found[0]!.migrations.map((m) => [m.id, m.down.status, m.down.detail])).toEqual([
      ['0010_charfield_null_choices', 'partial', "Django reverses the other operations, but the reverse of RunPython is a no-op: its data change is not undone"],
      ['0011_backfill', 'empty', 'reverse is a no-op'],
      ['0012_add_field', 'present', 'Django reverses schema operations itself'],
    ]);
  });

  it('reads the Django operations whose SQL it is sure of: CreateModel, AddField (a foreign key with its constraint and index; a NOT NULL field with a Python default, whose database default Django drops again), AddIndex and RemoveIndex', async () => {
    const [set] = await sets({
      'shop/orders/migrations/0002_fields.py': `from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

class Migration(migrations.Migration):
    atomic = False
    operations = [
        migrations.CreateModel(name="Invoice", fields=[("id", models.BigAutoField(primary_key=True))], options={"db_table": "billing_invoice"}),
        migrations.AddField(model_name="order", name="note", field=models.CharField(max_length=50, null=True, blank=True)),
        migrations.AddField(model_name="order", name="kind", field=models.CharField(max_length=10, db_default="retail")),
        migrations.AddField(model_name="order", name="customer", field=models.ForeignKey(null=True, on_delete=models.deletion.CASCADE, to="shop.customer")),
        migrations.AddField(model_name="order", name="priority", field=models.IntegerField(default=0), preserve_default=False),
        migrations.AlterModelOptions(name="order", options={"ordering": ["-id"]}),
        AddIndexConcurrently(model_name="order", index=models.Index(fields=["-note"], name="order_note_idx")),
        migrations.RemoveIndex(model_name="order", name="order_old_idx"),
    ]
`,
    });
    const migration = set!.migrations[0]!;
    expect(migration.sql.map((s) => `${s.line} ${s.sql}`)).toEqual([
      '7 CREATE TABLE "billing_invoice" (id integer)',
      '8 ALTER TABLE "orders_order" ADD COLUMN "note" varchar(50)',
      '9 ALTER TABLE "orders_order" ADD COLUMN "kind" varchar(10) NOT NULL DEFAULT \'retail\'',
      '10 ALTER TABLE "orders_order" ADD COLUMN "customer_id" bigint',
      '10 ALTER TABLE "orders_order" ADD FOREIGN KEY ("customer_id") REFERENCES "shop_customer" DEFERRABLE INITIALLY DEFERRED',
      '10 CREATE INDEX ON "orders_order" ("customer_id")',
      '11 ALTER TABLE "orders_order" ADD COLUMN "priority" integer NOT NULL DEFAULT \'0\'',
      '11 ALTER TABLE "orders_order" ALTER COLUMN "priority" DROP DEFAULT',
      '13 CREATE INDEX CONCURRENTLY "order_note_idx" ON "orders_order" ("note")',
      '14 DROP INDEX "order_old_idx"',
    ]);
    expect(migration.notAnalysed).toBeUndefined();
    const hits = lintSets([set!]).flatMap((f) => f.hits).map((h) => `${h.rule} ${h.line}`).filter((h) => !h.startsWith('require-lock-timeout'));
    expect([...new Set(hits)].sort()).toEqual(['constraint-without-not-valid 10', 'drop-default-not-null 11', 'index-without-concurrently 10', 'index-without-concurrently 14'].sort());
  });

  it('reads a no-op reverse given as RunPython\'s or RunSQL\'s second argument as one, and not a no-op forward', async () => {
    const migration = (operations: string) => `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [\n${operations}    ]\n`;
    const found = await sets({
      'ipam/migrations/0083_populate.py': migration('        migrations.RunPython(populate_total_vlan_ids, migrations.RunPython.noop),\n'),
      'ipam/migrations/0084_populate.py': migration('        migrations.RunPython(\n            populate_ports,\n            migrations.RunPython.noop,\n        ),\n        migrations.RunSQL("UPDATE a SET b = 1", reverse_sql="UPDATE a SET b = 0"),\n'),
      'ipam/migrations/0085_unpopulate.py': migration('        migrations.RunPython(migrations.RunPython.noop, unpopulate),\n'),
      // RunSQL's reverse as its second positional argument, after a triple-quoted or a plain string.
      'ipam/migrations/0086_positional.py': migration('        migrations.RunSQL(\n            """UPDATE a SET b = \'x, y\'""",\n            "UPDATE a SET b = NULL",\n        ),\n        migrations.RunSQL("ANALYZE a", "SELECT 1"),\n'),
      'ipam/migrations/0087_no_reverse.py': migration('        migrations.RunSQL("UPDATE a SET b = 1", hints={"x": 1}),\n'),
    });
    expect(found[0]!.migrations.map((m) => [m.id, m.down.status])).toEqual([
      ['0083_populate', 'empty'],
      ['0084_populate', 'partial'],
      ['0085_unpopulate', 'present'],
      ['0086_positional', 'present'],
      ['0087_no_reverse', 'irreversible'],
    ]);
  });

  it('notes when ORM auto-migration is switched by an environment variable', async () => {
    const [set] = await sets({ 'cmd/api/main.go': 'package main\n\nfunc main() {\n\tif os.Getenv("AUTO_MIGRATE") == "true" {\n\t\tdb.AutoMigrate(&User{})\n\t}\n}\n' });
    expect(set!.notes[0]).toBe('GORM AutoMigrate changes the schema at start-up (when os.Getenv("AUTO_MIGRATE") == "true"): forward-only, with no reviewable migration');
  });
});
