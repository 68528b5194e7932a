// End to end through the CLI, as a user runs it: one `continuity scan` over the
// synthetic repositories of every defect class of issue 12, each copied to a
// temporary directory and given by its absolute path. The answers are read
// from scan.json, and every output (Markdown, HTML, JSON, SARIF, JUnit, stdout,
// stderr) is searched for the temporary directory's path, which must not appear.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../../src/model';
import { runCli, type CliResult } from '../support/cli';
import { FIXTURE_REPOS } from '../support/repo-facts';
import { questionnaireOf } from '../support/questionnaire';

const REPOSITORIES = ['flyway-vendors', 'db-migrate', 'knex-builders', 'sequelize-builders', 'do-block', 'go-startup', 'dockerfile-migrate', 'docker-npm-run-all', 'diesel', 'sqlx', 'pop', 'pr-only-ci', 'up-down-ci'];

let work: string;
let result: CliResult;
let scan: ScanResult;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'continuity-e2e-'));
  for (const name of REPOSITORIES) await cp(path.join(FIXTURE_REPOS, name), path.join(work, 'checkouts', name), { recursive: true });
  const services = REPOSITORIES.map((name) => `  - name: ${name}\n    repo: ${path.join(work, 'checkouts', name)}`).join('\n');
  await writeFile(path.join(work, 'continuity.yaml'), `services:\n${services}\n`);
  result = await runCli(['scan', '--config', 'continuity.yaml', '--format', 'md,html,json,sarif,junit', '--out', 'out', '--no-history'], { cwd: work });
  scan = JSON.parse(await readFile(path.join(work, 'out/scan.json'), 'utf8')) as ScanResult;
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function service(name: string) {
  const found = scan.services.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name} in scan.json (stderr: ${result.stderr})`);
  const answer = (row: string) => questionnaireOf(found).find((q) => q.control === row)!;
  const findings = (check: string) => found.findings.filter((f: Finding) => f.checkId === check);
  return { answer, findings };
}

describe('scan of the defect-class repositories through the CLI', () => {
  it('runs and writes every format', async () => {
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(path.join(work, 'out'))).sort()).toEqual(expect.arrayContaining(['scan.json', 'continuity.sarif', 'continuity-junit.xml', 'index.html', 'flyway-vendors.md', 'up-down-ci.html']));
  });

  it('shows no path of the scanning machine in any output', async () => {
    const outputs = [result.stdout, result.stderr];
    for (const file of await readdir(path.join(work, 'out'), { recursive: true })) {
      const full = path.join(work, 'out', file);
      if (!/\.(md|html|json|sarif|xml)$/.test(file)) continue;
      const text = await readFile(full, 'utf8');
      outputs.push(text);
    }
    expect(outputs.length).toBeGreaterThan(10);
    for (const text of outputs) {
      expect(text).not.toContain(work);
      expect(text).not.toContain(os.tmpdir() + path.sep + path.basename(work));
    }
    const sarif = JSON.parse(await readFile(path.join(work, 'out/continuity.sarif'), 'utf8'));
    const uris = sarif.runs[0].results.flatMap((r: { locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }) => r.locations.map((l) => l.physicalLocation?.artifactLocation.uri).filter(Boolean));
    expect(uris.length).toBeGreaterThan(5);
    for (const uri of uris) expect(uri).not.toMatch(/^\/|^file:|\.\./);
  });

  it('Flyway tree with h2/mysql/postgres siblings: counted once, only PostgreSQL linted, no parse errors, applied at start-up by Spring Boot', () => {
    const { answer, findings } = service('flyway-vendors');
    expect(answer('migrations').answer).toContain('flyway in src/main/resources/db/migration/postgres: 2 migrations, newest V2__drop_nickname; the same migrations for h2 (src/main/resources/db/migration/h2), mysql (src/main/resources/db/migration/mysql) are counted once and not linted; applied at start-up by pom.xml:12');
    expect(answer('rollbacks').answer).toMatch(/^No: none of the 2 migrations/);
    expect(answer('compatibility').answer).toBe('No: 1 of all 2 migrations breaks old or new application code (e.g. drop-column at src/main/resources/db/migration/postgres/V2__drop_nickname.sql:2).');
    expect(findings('repo.migration-compatibility').filter((f) => f.status === 'error')).toEqual([]);
    expect(findings('repo.migration-compatibility').every((f) => !f.location || f.location.path.includes('/postgres/'))).toBe(true);
  });

  it('db-migrate: recognised by name, runSql and builder calls read, no-op downs (callback, return null, empty SQL) count as none', () => {
    const { answer } = service('db-migrate');
    expect(answer('migrations').answer).toMatch(/^db-migrate in migrations: 4 migrations/);
    expect(answer('rollbacks').answer).toBe('Partly: 1 of 4 migrations (25%) have a real down/revert script; without one: 20240104000000-add-index, 20240103000000-drop-legacy, 20240102000000-add-nickname (its down does nothing).');
    expect(answer('compatibility').answer).toMatch(
      /^No: 2 of all 4 migrations break old or new application code \(e\.g\. add-not-null-column-without-default at migrations\/20240102000000-add-nickname\.js:4; drop-column at migrations\/20240103000000-drop-legacy\.js:4\)\. 1 migration would fail or lose data when applied \(e\.g\. concurrently-in-transaction at migrations\/20240104000000-add-index\.js:4\)\./,
    );
  });

  it('Knex builder drops and renames are findings of the SQL rules, and a raw fragment in a builder chain is not a statement', () => {
    const { answer, findings } = service('knex-builders');
    expect(answer('compatibility').answer).toMatch(/^No: 1 of all 2 migrations breaks old or new application code \(e\.g\. rename-column at migrations\/20240201000000_rename\.js:3; drop-column at migrations\/20240201000000_rename\.js:4; rename-table at migrations\/20240201000000_rename\.js:6\)/);
    const compatibility = findings('repo.migration-compatibility');
    expect(compatibility.filter((f) => f.status === 'error')).toEqual([]);
    expect(compatibility.find((f) => f.rule === 'drop-column')!.evidence[0]!.value).toBe("table.dropColumn('referrer')");
  });

  it('Sequelize queryInterface drops, renames and type changes are findings with file and line', () => {
    const { findings } = service('sequelize-builders');
    const located = findings('repo.migration-compatibility').filter((f) => f.rule && f.rule !== 'require-lock-timeout').map((f) => `${f.rule}:${f.location!.line}`);
    expect(located).toEqual(['drop-column:5', 'rename-column:6', 'change-column-type:7', 'drop-not-null:7', 'rename-table:8']);
  });

  it('a migration that calls no tool API (it runs a script) counts with its folder\'s Sequelize migrations', () => {
    const { answer } = service('sequelize-builders');
    expect(answer('migrations').answer).toMatch(/^sequelize in migrations: 2 migrations, newest 20240102000000-backfill-users;/);
    expect(answer('migrations').answer).not.toContain('js-migrations');
    expect(answer('rollbacks').answer).toContain('20240102000000-backfill-users (its down does nothing)');
  });

  it('a DO block with a drop is a breaking change; dynamic EXECUTE is not fully assessed, never Yes', () => {
    const { answer } = service('do-block');
    expect(answer('compatibility').answer).toMatch(/^No: 1 of all 3 migrations breaks old or new application code \(e\.g\. drop-column at supabase\/migrations\/20240201000000_cleanup\.sql:6; rename-enum-value at supabase\/migrations\/20240201000000_cleanup\.sql:8\)\. 1 migration was not fully analysed \(e\.g\. 20240301000000_dynamic: supabase\/migrations\/20240301000000_dynamic\.sql:7: DO block runs dynamic SQL \(EXECUTE\)/);
  });

  it('a Go service that migrates at start: applied at start-up, with file and line; ClickHouse migrations beside it are named, not linted', () => {
    const { answer } = service('go-startup');
    expect(answer('migrations').answer).toContain('golang-migrate in db/migrations: 2 migrations, newest 000002_orders_note; applied at start-up by cmd/server/main.go:18 (golang-migrate: `if err := m.Up(); err != nil && err != migrate.ErrNoChange {`)');
    expect(answer('migrations').answer).toContain('numbered SQL files in clickhouse/migrations for clickhouse, not linted: 2 migrations');
    expect(answer('compatibility').answer).toContain('Not linted: clickhouse (2 migrations in clickhouse/migrations).');
  });

  it('a Dockerfile that migrates: applied at container start', () => {
    expect(service('dockerfile-migrate').answer('migrations').answer).toMatch(/^knex in migrations: 2 migrations, newest 20240201000000_sessions_user; applied at container start by Dockerfile:5/);
  });

  it('a Dockerfile CMD whose npm script runs npm-run-all, then a Node script that runs `prisma migrate deploy`, applies the migrations at container start', () => {
    expect(service('docker-npm-run-all').answer('migrations').answer).toMatch(/^prisma in prisma\/migrations: 1 migration, newest 01_init \(forward-only tool\); applied at container start by Dockerfile:5 /);
  });

  it('Diesel: folders of up.sql/down.sql, run in a transaction unless metadata.toml turns it off, applied at start-up by run_pending_migrations', () => {
    const { answer } = service('diesel');
    expect(answer('migrations').answer).toMatch(/^diesel in migrations: 4 migrations, newest 2024-03-01-000000_index_orders; applied at start-up by src\/main\.rs:8 \(Diesel/);
    expect(answer('rollbacks').answer).toBe('Yes: all 4 migrations have a real down/revert script.');
    // CONCURRENTLY fails in Diesel's transaction; with run_in_transaction = false it runs alone and succeeds.
    expect(answer('compatibility').answer).toContain('1 migration would fail or lose data when applied (e.g. concurrently-in-transaction at migrations/2024-03-01-000000_index_orders/up.sql:1)');
  });

  it('SQLx: simple and reversible files of a sqlx crate (not golang-migrate), in a transaction unless `-- no-transaction`, applied at start-up by migrate!().run()', () => {
    const { answer } = service('sqlx');
    expect(answer('migrations').answer).toMatch(/^sqlx in migrations: 3 migrations, newest 20240301000000_index_sessions; applied at start-up by src\/main\.rs:4 \(SQLx/);
    expect(answer('rollbacks').answer).toMatch(/^Partly: 2 of 3 migrations \(66\.7%\) have a real down\/revert script; without one: 20240301000000_index_sessions/);
    expect(answer('compatibility').answer).toContain('1 migration would fail or lose data when applied (e.g. concurrently-in-transaction at migrations/20240301000000_index_sessions.sql:1)');
  });

  it('pop/popx: the .postgres (else the generic) file of each migration is linted, other databases\' variants are not, .autocommit runs without a transaction, fizz is not fully analysed', () => {
    const { answer, findings } = service('pop');
    expect(answer('migrations').answer).toMatch(/^pop in migrations: 5 migrations, newest 20200601000000_sessions;/);
    expect(answer('rollbacks').answer).toBe('Partly: 4 of 5 migrations (80%) have a real down/revert script; without one: 20200401000000_drop_legacy (no down/revert script).');
    expect(answer('compatibility').answer).toMatch(
      /^No: 1 of all 5 migrations breaks old or new application code \(e\.g\. drop-column at migrations\/20200401000000_drop_legacy\.postgres\.up\.sql:1\)\. 1 migration was not fully analysed \(e\.g\. 20200601000000_sessions: a fizz migration/,
    );
    // No MySQL or SQLite file is parsed as PostgreSQL, and the .autocommit CREATE INDEX CONCURRENTLY runs alone, outside a transaction.
    const rules = findings('repo.migration-compatibility').map((f) => `${f.rule ?? f.status} ${f.location?.path ?? ''}`);
    expect(rules.filter((r) => /mysql|sqlite3|concurrently-in-transaction|error/.test(r))).toEqual([]);
  });

  it('a pull-request-only migration job is a test job, not a deploy', () => {
    const { answer, findings } = service('pr-only-ci');
    expect(answer('migrations').answer).toContain('applied only by CI test jobs against throwaway databases (.github/workflows/test.yml:18; service container postgres:17)');
    expect(findings('repo.migration-tool')[0]!.status).toBe('warn');
  });

  it('a CI job that applies every up then every down is a database test; the deploy job is told apart', () => {
    const { answer } = service('up-down-ci');
    expect(answer('migrations').answer).toBe(
      'golang-migrate in db/migrations: 1 migration, newest 000001_create_tickets; applied by the deploy job deploy (.github/workflows/migrations.yml:26: `migrate -path db/migrations -database "$DATABASE_URL" up`; environment: production).\nDatabase tests: run in CI by round trip (golang-migrate up, then down) (.github/workflows/migrations.yml:18).',
    );
  });
});
