// The database dialect of each migration set: from its folder names (Flyway's
// `{vendor}` folders: h2/, mysql/, postgres/), from the tool's configuration
// (JDBC URLs, Knex client, Prisma provider, Sequelize dialect, db-migrate
// driver, Rails adapter, Django engine, Alembic URL), or from the files'
// syntax. Only PostgreSQL sets are linted as PostgreSQL; sibling folders of the
// same migrations for other databases are counted once.
import { baseOf, dirOf, type RepoFiles } from './repo-files';
import type { DetectedSet, Dialect, MigrationSet, MigrationTool } from './types';

/** Folder names that name a dialect. */
export const FOLDER_DIALECTS: Record<string, Dialect> = {
  postgres: 'postgresql',
  postgresql: 'postgresql',
  pg: 'postgresql',
  pgsql: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mariadb',
  h2: 'h2',
  hsqldb: 'hsqldb',
  hsql: 'hsqldb',
  oracle: 'oracle',
  sqlserver: 'sqlserver',
  mssql: 'sqlserver',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  db2: 'db2',
  derby: 'derby',
  clickhouse: 'clickhouse',
  cockroach: 'cockroachdb',
  cockroachdb: 'cockroachdb',
  snowflake: 'snowflake',
  redshift: 'redshift',
};

/** Names the configurations use for a database (JDBC subprotocols, driver and client names, URL schemes). */
const DIALECT_NAMES: [RegExp, Dialect][] = [
  [/^(postgres(ql)?|pg|pgsql|pg-native|psycopg2?|asyncpg|postgis|postgrex)$/, 'postgresql'],
  [/^(mysql2?|mysqlclient|pymysql|aurora-mysql|trilogy|myxql)$/, 'mysql'],
  [/^mariadb$/, 'mariadb'],
  [/^h2$/, 'h2'],
  [/^hsqldb$/, 'hsqldb'],
  [/^(oracle|oracledb|cx_oracle)$/, 'oracle'],
  [/^(sqlserver|mssql|tedious|sqlsrv|tds)$/, 'sqlserver'],
  [/^(sqlite3?|better-sqlite3|ecto_sqlite3)$/, 'sqlite'],
  [/^clickhouse$/, 'clickhouse'],
  [/^cockroachdb$/, 'cockroachdb'],
];

export function dialectNamed(name: string): Dialect | undefined {
  const lower = name.toLowerCase().replace(/\+.*$/, '');
  return DIALECT_NAMES.find(([pattern]) => pattern.test(lower))?.[1];
}

/** Syntax only other databases accept, per dialect: a file holding one is of that dialect. */
const SYNTAX: [RegExp, Dialect, string][] = [
  [/\bENGINE\s*=\s*(Replicated|Shared)?(MergeTree|ReplacingMergeTree|SummingMergeTree|AggregatingMergeTree|CollapsingMergeTree|Log|TinyLog|Memory|Distributed|Kafka)\b/i, 'clickhouse', 'a ClickHouse table engine'],
  [/\bENGINE\s*=\s*(InnoDB|MyISAM|MEMORY|Aria)\b|\bAUTO_INCREMENT\b|`\w+`\s+(int|varchar|bigint|text|datetime)/i, 'mysql', 'MySQL syntax (ENGINE=, AUTO_INCREMENT, backquoted names)'],
  [/^\s*GO\s*$|\bNVARCHAR\s*\(\s*MAX\s*\)|\[dbo\]\.|\bIDENTITY\s*\(\s*1\s*,\s*1\s*\)/im, 'sqlserver', 'SQL Server syntax (GO, NVARCHAR(MAX), [dbo])'],
  [/\bVARCHAR2\s*\(|\bNUMBER\s*\(\s*\d+|\bNVARCHAR2\b/i, 'oracle', 'Oracle syntax (VARCHAR2, NUMBER(n))'],
  [/\bAUTOINCREMENT\b/i, 'sqlite', 'SQLite syntax (AUTOINCREMENT)'],
];

export interface DialectDecision {
  dialect: Dialect;
  /** Why: `folder mysql/`, `knexfile.js: client 'mysql2'`, `syntax: MySQL syntax (…) in V1__init.sql`, or the default. */
  source: string;
}

/** A decision read from a configuration file, with that file. */
interface ConfiguredDecision extends DialectDecision {
  file: string;
}

/** What the repository's configuration files say about the database, per tool family. */
interface ConfiguredDialects {
  jdbc: ConfiguredDecision[];
  knex: ConfiguredDecision[];
  sequelize: ConfiguredDecision[];
  typeorm: ConfiguredDecision[];
  dbMigrate: ConfiguredDecision[];
  prisma: ConfiguredDecision[];
  rails: ConfiguredDecision[];
  django: ConfiguredDecision[];
  alembic: ConfiguredDecision[];
  /** The Ecto adapter's driver among mix.exs dependencies. */
  ecto: ConfiguredDecision[];
  /** DB_CONNECTION in Laravel's .env files and config/database.php. */
  laravel: ConfiguredDecision[];
  golangMigrate: ConfiguredDecision[];
  /** The database features of the diesel and the sqlx crates in Cargo.toml. */
  diesel: ConfiguredDecision[];
  sqlx: ConfiguredDecision[];
}

const TEST_PATH = /(^|\/)(test|tests|spec|__tests__|src\/test)\//;

async function matches(repo: RepoFiles, files: string[], pattern: RegExp, label: (file: string, name: string) => string): Promise<ConfiguredDecision[]> {
  const found: ConfiguredDecision[] = [];
  for (const file of files.filter((f) => !TEST_PATH.test(f))) {
    const text = await repo.read(file);
    for (const match of text.matchAll(pattern)) {
      const dialect = dialectNamed(match[1]!);
      if (dialect) found.push({ dialect, source: label(file, match[1]!), file });
    }
  }
  return found;
}

/** A crate's database feature: `diesel = { version = "2", features = ["postgres"] }`, or `features = [...]` under `[dependencies.sqlx]`. */
function cargoFeature(crate: string): RegExp {
  return new RegExp(String.raw`^\s*(?:${crate}\s*=[^\n[]*|\[dependencies\.${crate}\]\s*\n(?:[^\n[]*\n)*?\s*)features\s*=\s*\[[^\]]*?"(postgres|mysql|sqlite)"`, 'gm');
}

async function configuredDialects(repo: RepoFiles): Promise<ConfiguredDialects> {
  return {
    jdbc: await matches(repo, repo.named(/^(flyway\.(conf|toml)|application[\w-]*\.(ya?ml|properties)|liquibase\.properties|bootstrap[\w-]*\.(ya?ml|properties))$/), /jdbc:(\w+):/g, (f, n) => `${f}: JDBC URL jdbc:${n}:`),
    knex: await matches(repo, repo.named(/^knexfile\.(c|m)?(j|t)s$/), /\bclient\s*:\s*['"]([\w-]+)['"]/g, (f, n) => `${f}: client '${n}'`),
    sequelize: await matches(repo, [...repo.named(/^(config\.json|\.sequelizerc)$/), ...repo.files.filter((f) => /(^|\/)(config|db|models)\/[^/]+\.(c|m)?(j|t)s$/.test(f))], /["']?dialect["']?\s*:\s*['"](\w+)['"]/g, (f, n) => `${f}: dialect '${n}'`),
    typeorm: await matches(repo, [...repo.named(/^(ormconfig\.(json|ya?ml|js|ts)|data-?source\.(j|t)s)$/)], /["']?type["']?\s*:\s*['"](\w+)['"]/g, (f, n) => `${f}: type '${n}'`),
    dbMigrate: await matches(repo, repo.named(/^database\.json$/), /["']driver["']\s*:\s*['"](\w+)['"]/g, (f, n) => `${f}: driver '${n}'`),
    prisma: await matches(repo, repo.named(/\.prisma$/), /\bprovider\s*=\s*"(\w+)"/g, (f, n) => `${f}: provider "${n}"`),
    // database.yml, or the sample a checkout ships instead of it; the Gemfile's database adapter gem.
    rails: [
      ...(await matches(repo, repo.named(/^database\.yml(\.(sample|example|dist|template))?$/), /\badapter\s*:\s*(\w+)/g, (f, n) => `${f}: adapter ${n}`)),
      ...(await matches(repo, repo.named(/^Gemfile$/), /^\s*gem\s+["'](pg|mysql2|trilogy|sqlite3)["']/gm, (f, n) => `${f}: gem "${n}"`)),
    ],
    django: await matches(repo, repo.named(/^settings\.py$|^settings_\w+\.py$/), /django\.db\.backends\.(\w+)/g, (f, n) => `${f}: ENGINE django.db.backends.${n}`),
    alembic: await matches(repo, repo.named(/^alembic\.ini$/), /sqlalchemy\.url\s*=\s*([\w+]+):\/\//g, (f, n) => `${f}: sqlalchemy.url ${n}://`),
    ecto: await matches(repo, repo.named(/^mix\.exs$/), /\{:(postgrex|myxql|ecto_sqlite3|tds)\b/g, (f, n) => `${f}: depends on :${n}`),
    // config/database.php's default counts only where no .env file sets DB_CONNECTION, as in Laravel.
    laravel: await (async () => {
      const env = await matches(repo, repo.named(/^\.env(\.example|\.dist|\.sample)?$/), /^DB_CONNECTION\s*=\s*["']?(\w+)/gm, (f, n) => `${f}: DB_CONNECTION=${n}`);
      const defaults = await matches(repo, repo.named(/^database\.php$/), /env\(\s*['"]DB_CONNECTION['"]\s*,\s*['"](\w+)['"]/g, (f, n) => `${f}: DB_CONNECTION defaults to ${n}`);
      return [...env, ...defaults.filter((d) => !env.some((e) => projectOf(e.file) === projectOf(d.file)))];
    })(),
    // The migrate CLI's -database URL, or the database driver a Go program imports.
    golangMigrate: [
      ...(await matches(repo, repo.named(GOLANG_MIGRATE_FILES), /-database[= ]+["']?(\w+):\/\//g, (f, n) => `${f}: migrate -database ${n}://`)),
      ...(await matches(repo, repo.named(/\.go$/), /golang-migrate\/migrate\/v4\/database\/(\w+)"/g, (f, n) => `${f}: imports the golang-migrate ${n} driver`)),
    ],
    diesel: await matches(repo, repo.named(/^Cargo\.toml$/), cargoFeature('diesel'), (f, n) => `${f}: diesel feature "${n}"`),
    sqlx: await matches(repo, repo.named(/^Cargo\.toml$/), cargoFeature('sqlx'), (f, n) => `${f}: sqlx feature "${n}"`),
  };
}

/** Files that run the migrate CLI: make, shell, CI and compose files. */
const GOLANG_MIGRATE_FILES = /^(Makefile|[\w.-]+\.mk|Dockerfile[\w.-]*|[\w.-]+\.sh|[\w.-]+\.ya?ml|Taskfile[\w.-]*|justfile)$/;

/** A migrate command that names both the set's folder (-path or -source file://) and a -database URL: that URL's database is the set's. */
async function golangMigrateCommand(repo: RepoFiles, set: DetectedSet): Promise<DialectDecision | undefined> {
  const files = repo.named(GOLANG_MIGRATE_FILES).filter((f) => !TEST_PATH.test(f));
  for (const file of files) {
    for (const line of (await repo.read(file)).split('\n')) {
      const path = /(?:-path[= ]+|-source[= ]+["']?file:\/\/)["']?\.?\/?([\w./-]+?)\/?["']?(?=\s|$)/.exec(line)?.[1];
      const scheme = /-database[= ]+["']?(\w+):\/\//.exec(line)?.[1];
      const dialect = scheme ? dialectNamed(scheme) : undefined;
      if (path === set.directory && dialect) return { dialect, source: `${file}: migrate -path ${path} -database ${scheme}://` };
    }
  }
  return undefined;
}

/** pop migrations with `.postgres` files are written for PostgreSQL too: those (else the generic ones) are its migrations. */
function popPostgresVariants(set: DetectedSet): DialectDecision | undefined {
  const variant = set.migrations.find((m) => /\.postgres(\.autocommit)?\.up\.sql$/.test(m.up));
  return variant ? { dialect: 'postgresql', source: `PostgreSQL variants of its migrations (${baseOf(variant.up)})` } : undefined;
}

/**
 * Liquibase's change types are written once for every database: changesets of
 * the repository written for PostgreSQL (`dbms="postgresql"`, or a context named
 * for it) show that it runs on PostgreSQL too, whatever else its configuration names.
 */
function liquibaseForPostgres(sets: DetectedSet[]): DialectDecision | undefined {
  const changeset = sets.filter((s) => s.tool === 'liquibase').flatMap((s) => s.migrations).find((m) => m.dialects?.includes('postgresql'));
  return changeset ? { dialect: 'postgresql', source: `changesets written for PostgreSQL (by dbms or context, e.g. ${changeset.id} in ${changeset.up})` } : undefined;
}

/** Drizzle Kit's journal names the database its migrations were generated for (`turso` is SQLite's libSQL). */
async function drizzleJournal(repo: RepoFiles, set: DetectedSet): Promise<DialectDecision | undefined> {
  try {
    const declared = (JSON.parse(await repo.read(set.marker)) as { dialect?: string }).dialect;
    const dialect = declared === 'turso' ? 'sqlite' : declared && dialectNamed(declared);
    return dialect ? { dialect, source: `${set.marker}: dialect "${declared}"` } : undefined;
  } catch {
    return undefined;
  }
}

/** The connection types a Rust crate's code uses (`SqlitePool`, `PgPool`), when its Cargo.toml names no database feature (a workspace dependency). */
async function rustCrateDialect(repo: RepoFiles, set: DetectedSet): Promise<DialectDecision | undefined> {
  const crates = repo.named(/^Cargo\.toml$/).map(dirOf).filter((folder) => folder === '' || set.directory.startsWith(`${folder}/`));
  const crate = crates.sort((a, b) => b.length - a.length)[0];
  if (crate === undefined || crate === '') return undefined;
  const used = new Set<Dialect>();
  for (const file of repo.files.filter((f) => f.startsWith(`${crate}/`) && f.endsWith('.rs'))) {
    const text = await repo.read(file);
    if (/\b(Sqlite(Pool|Connection|ConnectOptions)|sqlite::)/.test(text)) used.add('sqlite');
    if (/\b(Pg(Pool|Connection|ConnectOptions)|postgres::)/.test(text)) used.add('postgresql');
    if (/\b(MySql(Pool|Connection|ConnectOptions)|mysql::)/.test(text)) used.add('mysql');
  }
  return used.size === 1 ? { dialect: [...used][0]!, source: `${crate}/: its code connects with ${[...used][0]} types only` } : undefined;
}

/** Tools that migrate one kind of database only. */
const TOOL_DIALECTS: Partial<Record<MigrationTool, DialectDecision>> = {
  'clickhouse-migrations': { dialect: 'clickhouse', source: 'clickhouse-migrations migrates ClickHouse only' },
};

const CONFIG_OF_TOOL: Partial<Record<MigrationTool, keyof ConfiguredDialects>> = {
  flyway: 'jdbc',
  liquibase: 'jdbc',
  'hibernate-ddl-auto': 'jdbc',
  knex: 'knex',
  sequelize: 'sequelize',
  'sequelize-sync': 'sequelize',
  typeorm: 'typeorm',
  'typeorm-synchronize': 'typeorm',
  'db-migrate': 'dbMigrate',
  prisma: 'prisma',
  rails: 'rails',
  django: 'django',
  alembic: 'alembic',
  laravel: 'laravel',
  ecto: 'ecto',
  'golang-migrate': 'golangMigrate',
  diesel: 'diesel',
  sqlx: 'sqlx',
};

/** The configured dialect when the configuration names exactly one (a PostgreSQL one wins over an embedded test database). */
function single(decisions: DialectDecision[]): DialectDecision | undefined {
  const dialects = [...new Set(decisions.map((d) => d.dialect))];
  if (dialects.length === 1) return decisions[0];
  // Applications often configure H2 or SQLite beside the real database for local runs.
  const real = decisions.filter((d) => !['h2', 'hsqldb', 'sqlite', 'derby'].includes(d.dialect));
  return new Set(real.map((d) => d.dialect)).size === 1 ? real[0] : undefined;
}

/**
 * The decisions of the configuration files in the deepest folder that holds the
 * set (a workspace's crate or a module configures its own database); none when
 * no configuration file holds it (the caller then looks at the repository's).
 */
function nearestConfigured(decisions: ConfiguredDecision[], directory: string): ConfiguredDecision[] {
  const enclosing = decisions.filter((d) => {
    const folder = projectOf(d.file);
    return folder === '' || directory === folder || directory.startsWith(`${folder}/`);
  });
  if (enclosing.length === 0) return [];
  // The folders that hold the set are prefixes of one another: the longest is the deepest.
  const deepest = Math.max(...enclosing.map((d) => projectOf(d.file).length));
  return enclosing.filter((d) => projectOf(d.file).length === deepest);
}

/** The project a configuration file configures: its folder, above a `config/` (Laravel: also `app/Config/`) or `src/main/resources/` folder that holds it. */
function projectOf(file: string): string {
  return dirOf(file).replace(/(^|\/)((app\/)?config|conf|src\/main\/resources(\/config)?)$/i, '');
}

/** A folder named for a database (`mysql/`), else one whose name holds one as a word (`migration_postgres/`, `mysql-persistence/`), deepest first. */
function folderDialect(directory: string): DialectDecision | undefined {
  const segments = directory.split('/');
  const path = (i: number) => segments.slice(0, i + 1).join('/');
  for (let i = segments.length - 1; i >= 0; i--) {
    const dialect = FOLDER_DIALECTS[segments[i]!.toLowerCase()];
    if (dialect) return { dialect, source: `folder ${path(i)}/` };
  }
  for (let i = segments.length - 1; i >= 0; i--) {
    const word = dialectWord(segments[i]!);
    if (word) return { dialect: FOLDER_DIALECTS[word]!, source: `folder ${path(i)}/ (${word})` };
  }
  return undefined;
}

/**
 * The database a folder name holds as a word, split at -, _ and ., and at
 * camelCase (`PostgresMigrations`), two words joined too (`MySqlMigrations`);
 * undefined when it names none, or several databases.
 */
function dialectWord(segment: string): string | undefined {
  const camel = segment.split(/[-_.]|(?<=[a-z0-9])(?=[A-Z])/).map((w) => w.toLowerCase());
  const candidates = [...segment.toLowerCase().split(/[-_.]/), ...camel, ...camel.slice(1).map((w, j) => `${camel[j]}${w}`)];
  const words = [...new Set(candidates)].filter((word) => FOLDER_DIALECTS[word]);
  return new Set(words.map((word) => FOLDER_DIALECTS[word])).size === 1 ? words[0] : undefined;
}

async function syntaxDialect(repo: RepoFiles, set: DetectedSet): Promise<DialectDecision | undefined> {
  const files = set.migrations.map((m) => m.up).filter((f) => f.endsWith('.sql')).slice(0, 20);
  for (const file of files) {
    const text = await repo.read(file);
    const found = SYNTAX.find(([pattern]) => pattern.test(text));
    if (found) return { dialect: found[1], source: `syntax: ${found[2]} in ${file}` };
  }
  return undefined;
}

/** Decide each set's dialect, and mark sets that hold the same migrations for another database as variants of one set. */
export async function assignDialects(repo: RepoFiles, sets: DetectedSet[]): Promise<MigrationSet[]> {
  const configured = await configuredDialects(repo);
  const liquibasePostgres = liquibaseForPostgres(sets);
  const decided = await Promise.all(
    sets.map(async (set): Promise<MigrationSet> => {
      const config = CONFIG_OF_TOOL[set.tool];
      const decision =
        folderDialect(set.directory) ??
        TOOL_DIALECTS[set.tool] ??
        (set.tool === 'golang-migrate' ? await golangMigrateCommand(repo, set) : undefined) ??
        (set.tool === 'pop' ? popPostgresVariants(set) : undefined) ??
        (set.tool === 'drizzle' ? await drizzleJournal(repo, set) : undefined) ??
        (set.tool === 'liquibase' ? liquibasePostgres : undefined) ??
        (config ? single(nearestConfigured(configured[config], set.directory)) : undefined) ??
        (set.tool === 'sqlx' || set.tool === 'diesel' ? await rustCrateDialect(repo, set) : undefined) ??
        (config ? single(configured[config]) : undefined) ??
        (await syntaxDialect(repo, set)) ?? { dialect: 'postgresql' as const, source: 'no other database named by folder, configuration or syntax' };
      return { ...set, dialect: decision.dialect, dialectSource: decision.source };
    }),
  );
  // Sibling folders of one tool that differ only by a dialect folder (db/migration/h2, db/migration/postgres) hold the same migrations.
  const siblings = new Map<string, MigrationSet[]>();
  for (const set of decided) {
    if (!folderDialect(set.directory)) continue;
    // The folder named for a database, or the word of it naming one (util/PostgresMigrations beside util/MySqlMigrations), is the wildcard.
    const key = `${set.tool}\u0000${set.directory
      .split('/')
      .map((segment) => (FOLDER_DIALECTS[segment.toLowerCase()] ? '*' : segment.replace(new RegExp(dialectWord(segment) ?? '^$', 'i'), '*')))
      .join('/')}`;
    siblings.set(key, [...(siblings.get(key) ?? []), set]);
  }
  for (const group of siblings.values()) {
    if (group.length < 2) continue;
    const primary = group.find((s) => s.dialect === 'postgresql') ?? group[0]!;
    for (const set of group) if (set !== primary) set.variantOf = primary.directory;
  }
  return decided;
}
