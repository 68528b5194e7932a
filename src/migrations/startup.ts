// Migrations applied when the application starts or is released, outside CI:
// Go services calling golang-migrate or goose in main, Rust services running
// Diesel's or SQLx's embedded migrations, Spring/Micronaut/Quarkus
// running Flyway or Liquibase at start-up, Node servers calling Knex, Umzug,
// db-migrate, node-pg-migrate or TypeORM, container entrypoints and CMDs,
// Procfile release phases, Kubernetes/Helm jobs. Read statically, never run.
import { commandExpander, APPLY_COMMANDS, DEVELOPMENT_COMMANDS } from './ci';
import type { RepoFiles } from './repo-files';
import type { MigrationTool } from './types';
import { lineAt, maskCode } from './tools/code-text';

export interface StartupApply {
  /** The tool applied, when the code names it; a project's own `migrate()` names none. */
  tool?: MigrationTool;
  file: string;
  line: number;
  /** The code or command, shortened. */
  code: string;
  /** When it runs: `at start-up`, `at container start`, `in the release phase`, `by a Kubernetes job`. */
  when: string;
  /** What applies it: `golang-migrate (m.Up())`, `Spring Boot's Flyway auto-configuration`. */
  how: string;
}

const TEST_OR_VENDORED = /(^|\/)(test|tests|spec|specs|__tests__|testdata|e2e|fixtures?|examples?|docs?|migrations?|db\/migrate)\//i;
/** A folder of test support code by one of the words of its name: `medusa-test-utils/`, `testing/`, `test_helpers/`, `__mocks__/`. */
const TEST_SUPPORT_WORD = /^(test|tests|testing|testutils?|testhelpers?|spec|specs|e2e|mocks?|fixtures?|__mocks__|__tests__)$/i;

function inTestSupportFolder(file: string): boolean {
  return file.split('/').slice(0, -1).some((folder) => folder.split(/[-_.]/).some((word) => TEST_SUPPORT_WORD.test(word)));
}

/** Test code, test support code, examples, docs or the migrations themselves: nothing there runs when the application starts. */
function notApplicationCode(file: string): boolean {
  return TEST_OR_VENDORED.test(file) || inTestSupportFolder(file);
}
const NOT_APP_FILE = /(_test\.go|\.(test|spec)\.(c|m)?(j|t)sx?|Test\.(java|kt))$/;

function shorten(code: string): string {
  const flat = code.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}

/** The whole source line holding an offset. */
function lineOf(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? text.length : end);
}

/** Code patterns that apply migrations when the program runs, per language. */
const CODE_PATTERNS: { files: RegExp; requires?: RegExp; pattern: RegExp; tool?: MigrationTool; how: string }[] = [
  { files: /\.go$/, requires: /golang-migrate\/migrate/, pattern: /\.\s*(Up|Steps|Migrate)\s*\(/, tool: 'golang-migrate', how: 'golang-migrate' },
  { files: /\.go$/, pattern: /\bgoose\s*\.\s*(Up|UpContext|UpTo|UpToContext|Run|RunContext)\s*\(/, tool: 'goose', how: 'goose' },
  { files: /\.go$/, requires: /ariga\.io\/atlas/, pattern: /\.\s*(ExecuteN|Execute)\s*\(/, how: 'Atlas' },
  { files: /\.(java|kt|scala)$/, pattern: /\bFlyway\b[\s\S]{0,400}?\.\s*migrate\s*\(\s*\)/, tool: 'flyway', how: 'Flyway' },
  { files: /\.(java|kt|scala)$/, pattern: /\bnew\s+Liquibase\s*\([\s\S]{0,400}?\.\s*update\s*\(/, tool: 'liquibase', how: 'Liquibase' },
  { files: /\.(c|m)?(j|t)s$/, pattern: /\.\s*migrate\s*\.\s*latest\s*\(/, tool: 'knex', how: 'Knex (migrate.latest())' },
  { files: /\.(c|m)?(j|t)s$/, requires: /\bUmzug\b/, pattern: /\.\s*up\s*\(/, tool: 'sequelize', how: 'Umzug (up())' },
  { files: /\.(c|m)?(j|t)s$/, requires: /\bdb-migrate\b/, pattern: /\.\s*up\s*\(/, tool: 'db-migrate', how: 'db-migrate (up())' },
  { files: /\.(c|m)?(j|t)s$/, requires: /['"]node-pg-migrate['"]/, pattern: /\b(runner|migrate)\s*\(\s*\{/, tool: 'node-pg-migrate', how: 'node-pg-migrate (runner())' },
  { files: /\.(c|m)?(j|t)s$/, pattern: /\bmigrationsRun\s*:\s*true\b|\.\s*runMigrations\s*\(/, tool: 'typeorm', how: 'TypeORM (runMigrations)' },
  { files: /\.(c|m)?(j|t)s$/, requires: /@mikro-orm\//, pattern: /\.\s*getMigrator\s*\(\s*\)\s*\.\s*up\s*\(/, tool: 'mikro-orm', how: 'MikroORM (getMigrator().up())' },
  { files: /\.(c|m)?(j|t)s$/, requires: /drizzle-orm\/[\w-]+\/migrator/, pattern: /\bmigrate\s*\(\s*\w+\s*,\s*\{/, tool: 'drizzle', how: "Drizzle (migrate() of drizzle-orm's migrator)" },
  { files: /\.(c|m)?(j|t)s$/, requires: /['"]kysely['"]/, pattern: /\.\s*migrateToLatest\s*\(/, tool: 'kysely', how: 'Kysely (migrateToLatest())' },
  { files: /\.py$/, pattern: /\bcall_command\s*\(\s*['"]migrate['"]/, tool: 'django', how: "Django (call_command('migrate'))" },
  { files: /\.py$/, pattern: /\bcommand\s*\.\s*upgrade\s*\(/, tool: 'alembic', how: 'Alembic (command.upgrade())' },
  { files: /\.exs?$/, pattern: /\bEcto\.Migrator\.(run|with_repo)\s*\(/, tool: 'ecto', how: 'Ecto.Migrator' },
  { files: /\.cs$/, pattern: /\.\s*Database\s*\.\s*Migrate(Async)?\s*\(/, tool: 'ef-core', how: 'EF Core (Database.Migrate())' },
  { files: /\.rb$/, pattern: /\bActiveRecord::(Migrator|MigrationContext|Tasks::DatabaseTasks\.migrate)\b/, tool: 'rails', how: 'ActiveRecord migrations' },
  { files: /\.rs$/, requires: /diesel_migrations/, pattern: /\.\s*run_pending_migrations\s*\(/, tool: 'diesel', how: 'Diesel (run_pending_migrations())' },
  { files: /\.rs$/, pattern: /\bmigrate!\s*\([^)]*\)\s*\.\s*run\s*\(|\bMigrator::new\s*\(/, tool: 'sqlx', how: 'SQLx (migrate!().run())' },
];

/** A Node server that calls its own migration function (`await migrateDb()`) before it serves. */
const OWN_MIGRATE_CALL = /(?<![\w$.]|function\s)(?:await\s+)?((?:run|apply)?[Mm]igrat(?:e|ions?)(?:Db|Database|All|Latest)?)\s*\(/;

async function codeApplies(repo: RepoFiles): Promise<StartupApply[]> {
  const found: StartupApply[] = [];
  const appFiles = repo.files.filter((f) => /\.(go|java|kt|scala|(c|m)?(j|t)s|py|rb|rs|cs|exs?)$/.test(f) && !notApplicationCode(f) && !NOT_APP_FILE.test(f) && !f.endsWith('.d.ts'));
  for (const file of appFiles) {
    const text = await repo.read(file);
    // A Rust lifetime (`impl<'r>`, `&'static str`) is no quote: read as one, it would hide the code after it.
    const masked = maskCode(file.endsWith('.rs') ? text.replace(/'(?=[A-Za-z_]\w*\b(?!'))/g, ' ') : text);
    for (const { files, requires, pattern, tool, how } of CODE_PATTERNS) {
      if (!files.test(file) || (requires && !requires.test(text))) continue;
      const match = pattern.exec(masked);
      if (match) found.push({ ...(tool ? { tool } : {}), file, line: lineAt(text, match.index), code: shorten(lineOf(text, match.index)), when: 'at start-up', how });
    }
    if (/\.(c|m)?(j|t)s$/.test(file) && /\.listen\s*\(|createServer\s*\(|\bfastify\s*\(|new\s+Koa\b/.test(masked)) {
      const own = OWN_MIGRATE_CALL.exec(masked);
      if (own && !found.some((f) => f.file === file)) found.push({ file, line: lineAt(text, own.index), code: shorten(lineOf(text, own.index)), when: 'at start-up', how: `the server's own ${own[1]}()` });
    }
  }
  return found;
}

/** Spring Boot, Micronaut and Quarkus run Flyway/Liquibase at start-up when the library is a dependency, unless configured off. */
async function frameworkApplies(repo: RepoFiles): Promise<StartupApply[]> {
  const found: StartupApply[] = [];
  const builds = repo.named(/^(pom\.xml|build\.gradle(\.kts)?)$/);
  const configs = repo.named(/^application[\w-]*\.(ya?ml|properties)$/).filter((f) => !notApplicationCode(f));
  const configText = (await Promise.all(configs.map((f) => repo.read(f)))).join('\n');
  for (const file of builds) {
    const text = await repo.read(file);
    const springBoot = /org\.springframework\.boot|spring-boot/.test(text);
    for (const [tool, dependency, setting] of [
      ['flyway', /flyway-(core|database-postgresql|mysql)/, /spring\.flyway\.enabled\s*[:=]\s*false|flyway:\s*\n\s*enabled:\s*false/],
      ['liquibase', /liquibase-core/, /spring\.liquibase\.enabled\s*[:=]\s*false|liquibase:\s*\n\s*enabled:\s*false/],
    ] as const) {
      const match = dependency.exec(text);
      if (!match || !springBoot || setting.test(configText)) continue;
      found.push({ tool, file, line: lineAt(text, match.index), code: match[0], when: 'at start-up', how: `Spring Boot's ${tool === 'flyway' ? 'Flyway' : 'Liquibase'} auto-configuration` });
    }
  }
  for (const file of configs) {
    const text = await repo.read(file);
    for (const [tool, pattern, how] of [
      ['flyway', /quarkus\.flyway\.migrate-at-start\s*=\s*true/, 'Quarkus (quarkus.flyway.migrate-at-start)'],
      ['liquibase', /quarkus\.liquibase\.migrate-at-start\s*=\s*true/, 'Quarkus (quarkus.liquibase.migrate-at-start)'],
      ['flyway', /^flyway:\s*\n\s+datasources:\s*\n\s+\w+:\s*\n\s+enabled:\s*true/m, 'Micronaut Flyway (flyway.datasources.*.enabled)'],
      ['liquibase', /^liquibase:\s*\n\s+datasources:/m, 'Micronaut Liquibase (liquibase.datasources)'],
      ['flyway', /spring\.flyway\.enabled\s*[:=]\s*true|^spring:\s*\n(\s+.*\n)*?\s+flyway:\s*\n\s+enabled:\s*true/m, "Spring Boot's Flyway auto-configuration"],
    ] as const) {
      const match = pattern.exec(text);
      if (match && !found.some((f) => f.tool === tool && f.how === how)) found.push({ tool, file, line: lineAt(text, match.index), code: shorten(match[0]), when: 'at start-up', how });
    }
  }
  return found;
}

/** Files for development machines: `docker-entrypoint-dev.sh`, `dev.Dockerfile`, `Dockerfile.dev`, `docker-compose.development.yml`. */
const DEVELOPMENT_FILE = /(^|\/)([^/]*[-._])?(dev|development|local)([-._][^/]*)?$/i;

/** Where commands run at start or release, and which of their lines run then. */
const COMMAND_FILES: { files: RegExp; lines: RegExp; when: string }[] = [
  { files: /(^|\/)(Dockerfile|Containerfile)[\w.-]*$/, lines: /^\s*(CMD|ENTRYPOINT)\b/i, when: 'at container start' },
  { files: /(^|\/)([\w-]*entrypoint[\w.-]*|start(-\w+)?\.sh|run\.sh|boot\.sh)$|(^|\/)bin\/(docker-entrypoint|start)$/, lines: /./, when: 'at container start' },
  // s6-overlay's init services and cont-init.d scripts, and entrypoint hook folders, run when the container starts.
  { files: /(^|\/)s6-overlay\/s6-rc\.d\/[^/]+\/(run|up)$|(^|\/)cont-init\.d\/[^/]+$|(^|\/)docker-entrypoint\.d\/[^/]+$/, lines: /^(?!\s*#)/, when: 'at container start' },
  { files: /(^|\/)docker-compose[\w.-]*\.ya?ml$|(^|\/)compose\.ya?ml$/, lines: /^\s*(command|entrypoint)\s*:/, when: 'at container start' },
  // uWSGI runs its hooks and exec-* commands when it starts the application.
  { files: /(^|\/)uwsgi[\w.-]*\.ini$/, lines: /^\s*(hook-[\w-]+|exec-[\w-]+)\s*=/, when: 'at start-up' },
  { files: /(^|\/)Procfile$/, lines: /^\s*release\s*:/, when: 'in the release phase' },
  { files: /(^|\/)Procfile$/, lines: /^\s*web\s*:/, when: 'at start-up' },
  { files: /(^|\/)(k8s|kubernetes|helm|charts|deploy|manifests)\/.*\.ya?ml$/, lines: /./, when: 'by a Kubernetes job or init container' },
];

async function commandApplies(repo: RepoFiles): Promise<StartupApply[]> {
  const expand = await commandExpander(repo);
  const found: StartupApply[] = [];
  const tools = Object.entries(APPLY_COMMANDS).filter(([tool, pattern]) => pattern && tool !== 'js-migrations') as [MigrationTool, RegExp][];
  for (const { files, lines, when } of COMMAND_FILES) {
    for (const file of repo.files.filter((f) => files.test(f) && !/(^|\/)(examples?)\//.test(f) && !inTestSupportFolder(f) && !DEVELOPMENT_FILE.test(f))) {
      const text = await repo.read(file);
      if (when.startsWith('by a Kubernetes') && !/initContainers|kind:\s*Job|helm\.sh\/hook/.test(text)) continue;
      let offset = 0;
      for (const line of text.split('\n')) {
        const at = offset;
        offset += line.length + 1;
        if (!lines.test(line)) continue;
        const expanded = expand(line);
        // A development command (prisma migrate dev, mix ecto.setup) rebuilds a local database: it deploys nothing.
        if (DEVELOPMENT_COMMANDS.test(expanded)) continue;
        const hit = tools.find(([, pattern]) => pattern.test(expanded));
        const generic = !hit && /\bnpm\s+run\s+(db:)?migrat|\bmigrat\w*\b.*\b(up|latest|deploy)\b/i.exec(expanded);
        if (!hit && !generic) continue;
        found.push({ ...(hit ? { tool: hit[0] } : {}), file, line: lineAt(text, at), code: shorten(line), when, how: hit ? hit[0] : 'a migration command' });
      }
    }
  }
  return found;
}

export async function findStartupApplies(repo: RepoFiles): Promise<StartupApply[]> {
  return [...(await codeApplies(repo)), ...(await frameworkApplies(repo)), ...(await commandApplies(repo))];
}
