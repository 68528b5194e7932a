import { defineServiceCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import type { CiCommand } from '../../src/migrations/ci';
import { shownDirectory } from '../../src/migrations/scope';
import type { StartupApply } from '../../src/migrations/startup';
import type { MigrationSet, MigrationTool } from '../../src/migrations/types';
import { plural } from '../../src/util';

/** Tools whose migrations a Node program's own `migrate()` may apply. */
const JS_TOOLS: ReadonlySet<MigrationTool> = new Set(['knex', 'sequelize', 'typeorm', 'node-pg-migrate', 'db-migrate', 'mikro-orm', 'kysely', 'js-migrations']);

function at(command: { file: string; line: number }): string {
  return `${command.file}:${command.line}`;
}

/**
 * The applier of the module that holds the set: the one whose folder shares the
 * most of the set's path (crates/a/src/db.rs for crates/a/migrations), then the
 * one whose code names the set's folder (`migrate!("./record-migrations")`), then
 * one in a folder above the set; else the first one found.
 */
function nearest(set: MigrationSet, found: StartupApply[]): StartupApply | undefined {
  const target = set.directory.split('/');
  const last = target.at(-1)!;
  const score = (apply: StartupApply): number => {
    const parts = apply.file.split('/').slice(0, -1);
    let common = 0;
    while (common < parts.length && parts[common] === target[common]) common++;
    const names = last !== '' && apply.code.split(/[^\w.-]+/).includes(last);
    return common * 4 + (names ? 2 : 0) + (common === parts.length ? 1 : 0);
  };
  // An embedded-migrations macro names its folder (`sqlx::migrate!("./migrations")`): it applies no other set.
  const namesAnother = (apply: StartupApply) => {
    const named = /\b(?:migrate|embed_migrations)!\s*\(\s*"(?:\.{1,2}\/)*([^"]+?)\/?"/.exec(apply.code)?.[1];
    return named !== undefined && set.directory !== named && !set.directory.endsWith(`/${named}`);
  };
  // A stable sort: among equals the first one found stays first.
  return found.filter((apply) => !namesAnother(apply)).sort((a, b) => score(b) - score(a))[0];
}

/** How one set's migrations reach production, in words, and whether that is a deploy step. */
function reach(set: MigrationSet, applies: (CiCommand & { tool: MigrationTool })[], startup: StartupApply[], onlySet: boolean): { text: string; deployed: boolean; evidence: Evidence[] } {
  const ci = applies.filter((a) => a.tool === set.tool);
  const deploy = ci.find((a) => a.purpose === 'deploy');
  const start = nearest(set, startup.filter((s) => s.tool === set.tool)) ?? nearest(set, startup.filter((s) => !s.tool && (JS_TOOLS.has(set.tool) || onlySet)));
  const evidence: Evidence[] = [
    ...ci.map((a) => ({ source: at(a), field: `CI ${a.purpose === 'unknown' ? 'job' : `${a.purpose} job`} runs ${set.tool}${a.job ? ` (job ${a.job}; ${a.why})` : ` (${a.why})`}`, value: a.command })),
    ...(start ? [{ source: at(start), field: `applied ${start.when} by ${start.how}`, value: start.code }] : []),
  ];
  if (deploy) return { text: `applied by the deploy job${deploy.job ? ` ${deploy.job}` : ''} (${at(deploy)}: \`${deploy.command}\`; ${deploy.why})`, deployed: true, evidence };
  if (start) return { text: `applied ${start.when} by ${at(start)} (${start.how}: \`${start.code}\`)`, deployed: true, evidence };
  const test = ci.find((a) => a.purpose === 'test');
  if (test) return { text: `applied only by CI test jobs against throwaway databases (${at(test)}; ${test.why}); no deploy job, release step or start-up code was found that applies them`, deployed: false, evidence };
  const unknown = ci.find((a) => a.purpose === 'unknown');
  if (unknown) return { text: `run by CI${unknown.job ? ` job ${unknown.job}` : ''} (${at(unknown)}: \`${unknown.command}\`), but whether that job deploys or tests could not be told (${unknown.why})`, deployed: false, evidence };
  return { text: 'no deploy job, release step or start-up code was found that applies them', deployed: false, evidence };
}

export default defineServiceCheck({
  scope: 'service',
  requires: 'repo',
  id: 'repo.migration-tool',
  title: 'Schema migrations are versioned and applied by the deploy, not by hand',
  severity: 'medium',
  description:
    'Finds every migration tool in the repository (sqitch, Supabase CLI, golang-migrate, goose, Flyway, Liquibase, dbmate, Knex, TypeORM, Sequelize, node-pg-migrate, db-migrate, MikroORM, Kysely, Prisma, Drizzle Kit, Rails, Alembic, Django, Laravel, EF Core, Ecto, Diesel, SQLx, pop/popx, and numbered SQL files of a tool it does not recognise) and the database each set is written for, and how the migrations reach production: a CI deploy job (push to the default branch, tags, releases, environments; told apart from pull-request test jobs against throwaway databases), or the application itself at start-up or release (golang-migrate/goose in Go, Diesel/SQLx embedded migrations in Rust, Flyway/Liquibase under Spring Boot, Micronaut or Quarkus, EF Core Database.Migrate() in .NET, Ecto.Migrator in Elixir, Knex/Umzug/db-migrate/node-pg-migrate/TypeORM/MikroORM/Kysely/Drizzle in Node, container entrypoints, s6-overlay init services and the npm scripts, Node and shell scripts they run, Procfile release, Kubernetes jobs). ORM schema sync at start-up (GORM AutoMigrate, Sequelize sync, TypeORM synchronize, Hibernate ddl-auto) leaves no reviewable migrations and fails.',
  remediation:
    'Keep schema changes as versioned migration files in the repository and apply them from the deployment (a deploy job running `sqitch deploy`, `migrate up`, `flyway migrate`, `supabase db push`, or the application at start-up), not by hand or by the ORM synchronising the schema.',
  docs: 'docs/migrations.md#repomigration-tool',
  evaluate({ service, facts: repo }): FindingDraft[] {
    const { name, sets, ci, startup } = repo;
    const resource = `repo:${name}`;
    const evidence: Evidence[] = [{ source: 'repository', field: 'name', value: name }];
    if (sets.length === 0) {
      return [{
        resource,
        status: 'fail',
        message: `no migration tool found in repository ${name}`,
        evidence: [...evidence, { source: 'repository', field: 'migration tools', value: 'none found' }],
        answerText: `No migration tool was found in repository ${name}.`,
      }];
    }
    const parts: string[] = [];
    const primaries = sets.filter((s) => !s.variantOf && !s.autoMigration);
    let deployed = 0;
    for (const set of sets.filter((s) => s.autoMigration)) {
      evidence.push({ source: set.marker, field: `${set.tool} auto-migration`, value: set.notes[0] ?? set.tool });
      parts.push(`${set.notes[0] ?? `${set.tool} changes the schema at start-up`} (${set.marker}).`);
    }
    for (const set of primaries) {
      const newest = set.migrations.at(-1);
      const variants = sets.filter((s) => s.variantOf === set.directory);
      const how = reach(set, ci.applies, startup, primaries.length === 1);
      if (how.deployed) deployed++;
      evidence.push(
        { source: shownDirectory(set.directory), field: `${set.tool} migrations (${set.dialect}: ${set.dialectSource})`, value: set.migrations.length },
        ...variants.map((v) => ({ source: shownDirectory(v.directory), field: `the same ${set.tool} migrations for ${v.dialect} (${v.dialectSource}), counted once`, value: v.migrations.length })),
        ...how.evidence,
      );
      const dialect = set.dialect === 'postgresql' ? '' : ` for ${set.dialect}, not linted`;
      const siblings = variants.length > 0 ? `; the same migrations for ${variants.map((v) => `${v.dialect} (${shownDirectory(v.directory)})`).join(', ')} are counted once and not linted` : '';
      parts.push(
        `${set.tool === 'sql-files' ? 'numbered SQL files' : set.tool} in ${shownDirectory(set.directory)}${dialect}: ${plural(set.migrations.length, 'migration')}${newest ? `, newest ${newest.id}` : ''}${set.forwardOnly ? ' (forward-only tool)' : ''}${siblings}; ${how.text}.`,
      );
    }
    const answerText = parts.join(' ');
    if (primaries.length === 0) {
      return [{ resource, status: 'fail', message: `the schema is changed by ORM auto-migration at start-up in ${service.name}'s repository; there are no reviewable migrations`, evidence, answerText }];
    }
    if (deployed < primaries.length) {
      return [{
        resource,
        status: 'warn',
        message: `migrations are versioned, but ${primaries.length - deployed} of ${plural(primaries.length, 'migration set')} ${primaries.length - deployed === 1 ? 'is' : 'are'} not applied by a deploy job or at start-up`,
        evidence,
        answerText,
        remediation: 'Apply the migrations from the deployment (a deploy job on the default branch or a release, or the application at start-up), so that what is merged is what is applied; a CI job on pull requests only tests them.',
      }];
    }
    const auto = sets.some((s) => s.autoMigration);
    return [{ resource, status: auto ? 'warn' : 'pass', message: `migrations are versioned and applied by the deploy${auto ? ', but an ORM also changes the schema at start-up' : ''}`, evidence, answerText }];
  },
});
