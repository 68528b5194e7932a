// ClickHouse migrations in a repository: found as ClickHouse (clickhouse-migrations, golang-migrate
// with a ClickHouse -database URL or driver, a clickhouse/ folder), counted, and never parsed or
// linted as PostgreSQL, even when their SQL is not PostgreSQL's.
import { afterAll, describe, expect, it } from 'vitest';
import check from '../../checks/repo/migration-tool';
import { analyseRepository } from '../../src/migrations/detect';
import { evaluateWith } from '../support/repo-facts';
import { tempRepos } from '../support/temp-repo';

const repos = tempRepos();
afterAll(() => repos.cleanup());

// ClickHouse DDL that PostgreSQL's parser refuses: linted as PostgreSQL it would be a parse error.
const OTEL_LOGS = 'CREATE TABLE IF NOT EXISTS otel_logs (Timestamp DateTime64(9), Body String) ENGINE = MergeTree ORDER BY Timestamp;\n';
const PG_TABLE = 'CREATE TABLE orders (id bigint PRIMARY KEY);\n';

async function analyse(files: Record<string, string>) {
  const repo = await repos.create(files);
  const analysis = await analyseRepository(repo.dir);
  return { analysis, finding: evaluateWith(check, { name: 'repo', ...analysis })[0]! };
}

describe('ClickHouse migrations', () => {
  it('finds clickhouse-migrations by its --migrations-home, counts them as ClickHouse and does not lint them', async () => {
    const { analysis, finding } = await analyse({
      'package.json': JSON.stringify({ scripts: { 'migrate:ch': 'clickhouse-migrations migrate --migrations-home=./db/otel' }, devDependencies: { 'clickhouse-migrations': '^1.0.0' } }),
      'db/otel/1_logs.sql': OTEL_LOGS,
      'db/otel/2_traces.sql': OTEL_LOGS.replace(/otel_logs/g, 'otel_traces'),
      'db/otel/10_ttl.sql': 'ALTER TABLE otel_logs MODIFY TTL toDateTime(Timestamp) + INTERVAL 30 DAY;\n',
    });
    expect(analysis.sets.map((s) => [s.tool, s.directory, s.dialect, s.dialectSource, s.migrations.map((m) => m.id)])).toEqual([
      ['clickhouse-migrations', 'db/otel', 'clickhouse', 'clickhouse-migrations migrates ClickHouse only', ['1_logs', '2_traces', '10_ttl']],
    ]);
    expect(analysis.lint).toEqual([]);
    expect(finding.answerText).toContain('clickhouse-migrations in db/otel for clickhouse, not linted: 3 migrations, newest 10_ttl (forward-only tool)');
  });

  it('reads CH_MIGRATIONS_HOME from a compose or env file', async () => {
    const { analysis } = await analyse({
      'docker-compose.yml': 'services:\n  migrate:\n    image: node:20\n    command: npx clickhouse-migrations migrate\n    environment:\n      CH_MIGRATIONS_HOME: /app/clickhouse-schema\n',
      'clickhouse-schema/1_init.sql': OTEL_LOGS,
    });
    // /app is the container's path: the folder is named relative to the compose file.
    expect(analysis.sets.map((s) => [s.tool, s.dialect])).toEqual([]);
    const relative = await analyse({ '.env.example': 'CH_MIGRATIONS_HOME=./clickhouse-schema\n', 'clickhouse-schema/1_init.sql': OTEL_LOGS });
    expect(relative.analysis.sets.map((s) => [s.tool, s.directory, s.dialect])).toEqual([['clickhouse-migrations', 'clickhouse-schema', 'clickhouse']]);
  });

  it('tells a golang-migrate ClickHouse set from a PostgreSQL one by the -database URL of the command that names its folder', async () => {
    const { analysis, finding } = await analyse({
      Makefile:
        'migrate-pg:\n\tmigrate -path db/migrations -database "postgres://$(PG)" up\nmigrate-otel:\n\tmigrate -path ./db/otel -database "clickhouse://$(CH)?x-multi-statement=true" up\n',
      'db/migrations/000001_orders.up.sql': PG_TABLE,
      'db/migrations/000001_orders.down.sql': 'DROP TABLE orders;\n',
      'db/otel/000001_logs.up.sql': OTEL_LOGS,
      'db/otel/000001_logs.down.sql': 'DROP TABLE otel_logs;\n',
      'db/otel/000002_traces.up.sql': OTEL_LOGS.replace(/otel_logs/g, 'otel_traces'),
    });
    expect(analysis.sets.map((s) => [s.directory, s.dialect, s.dialectSource])).toEqual([
      ['db/migrations', 'postgresql', 'Makefile: migrate -path db/migrations -database postgres://'],
      ['db/otel', 'clickhouse', 'Makefile: migrate -path db/otel -database clickhouse://'],
    ]);
    expect(analysis.lint.map((f) => f.path)).toEqual(['db/migrations/000001_orders.up.sql']);
    expect(finding.answerText).toContain('golang-migrate in db/otel for clickhouse, not linted: 2 migrations');
  });

  it('takes the ClickHouse driver a Go program imports for golang-migrate', async () => {
    const { analysis } = await analyse({
      'cmd/migrate/main.go': 'package main\n\nimport (\n\t"github.com/golang-migrate/migrate/v4"\n\t_ "github.com/golang-migrate/migrate/v4/database/clickhouse"\n)\n',
      'schema/000001_logs.up.sql': 'CREATE TABLE otel_logs (Body String) ENGINE = Log;\n',
    });
    expect(analysis.sets.map((s) => [s.directory, s.dialect, s.dialectSource])).toEqual([['schema', 'clickhouse', 'cmd/migrate/main.go: imports the golang-migrate clickhouse driver']]);
    expect(analysis.lint).toEqual([]);
  });
});
