// What a repository says about how its databases are migrated. Paths are
// relative to the repository root, with forward slashes.
import type { Severity } from '../model';
import type { RuleCategory } from './rules/rule';
import type { TransactionMode } from './transactions';

export type { TransactionMode };

/** The PostgreSQL major version whose grammar the linter parses with (libpg-query's major version). */
export const PARSER_PG_MAJOR = 17;

export const MIGRATION_TOOLS = [
  'sqitch',
  'supabase',
  'golang-migrate',
  'flyway',
  'liquibase',
  'dbmate',
  'goose',
  'knex',
  'typeorm',
  'sequelize',
  'node-pg-migrate',
  'db-migrate',
  'mikro-orm',
  'kysely',
  'js-migrations',
  'prisma',
  'drizzle',
  'diesel',
  'sqlx',
  'pop',
  'rails',
  'alembic',
  'django',
  'laravel',
  'ef-core',
  'ecto',
  'sql-files',
  'clickhouse-migrations',
  'gorm-automigrate',
  'sequelize-sync',
  'typeorm-synchronize',
  'hibernate-ddl-auto',
] as const;
export type MigrationTool = (typeof MIGRATION_TOOLS)[number];

/** Databases a migration set can be written for; only `postgresql` sets are linted. */
export type Dialect =
  | 'postgresql'
  | 'mysql'
  | 'mariadb'
  | 'h2'
  | 'hsqldb'
  | 'oracle'
  | 'sqlserver'
  | 'sqlite'
  | 'db2'
  | 'derby'
  | 'clickhouse'
  | 'cockroachdb'
  | 'snowflake'
  | 'redshift';

/**
 * How a migration can be undone: `present` is a real down/revert, `empty` a
 * down that does nothing (counts as none), `partial` a down that leaves a step
 * undone (counts as none), `missing` no down at all, `irreversible` a down that
 * raises, `forward-only` a tool without downs.
 */
export type DownStatus = 'present' | 'empty' | 'partial' | 'missing' | 'irreversible' | 'forward-only';

/** Where a piece of SQL runs: a file, or a statically readable string inside a code migration. */
export interface SqlSource {
  path: string;
  /** The SQL text. */
  sql: string;
  /** 1-based line of `sql`'s first character in the file. */
  line: number;
  /** How the tool sends this SQL to PostgreSQL (transactions.ts). */
  transaction: TransactionMode;
  /** The code this SQL was derived from (a schema-builder call such as `table.dropColumn('a')`), shown as evidence instead of the SQL. */
  code?: string;
}

export interface Migration {
  /** Version or change name as the tool orders it. */
  id: string;
  /** The forward script or code file. */
  up: string;
  down: { status: DownStatus; path?: string; detail?: string };
  /** A verify script (sqitch) or test tied to this migration. */
  verify?: string;
  /** The SQL this migration runs forward, where it can be read statically. */
  sql: SqlSource[];
  /** Why (some of) this migration's changes were not linted, e.g. a Rails DSL file. */
  notAnalysed?: string;
  /** Every change was read and none touches the schema (Liquibase data changes): no SQL is no gap. */
  dataOnly?: boolean;
  /** Round-trip verification: the SQL to run up and down, for tools verify-migrations supports. */
  runnable?: { up: string; down?: string };
  /** A changeset written for other databases only (Liquibase `dbms`): not linted. */
  dialects?: string[];
}

export interface MigrationSet {
  tool: MigrationTool;
  /** The directory that holds the migrations (or the file that configures auto-migration). */
  directory: string;
  /** The file that identified the tool, e.g. `db/sqitch.plan`. */
  marker: string;
  /** The tool has no down migrations at all (Prisma, Supabase CLI, ORM auto-migration). */
  forwardOnly: boolean;
  /** ORM schema sync at start-up: no reviewable migration files. */
  autoMigration: boolean;
  /** Oldest first, in the tool's order. */
  migrations: Migration[];
  notes: string[];
  /** The database the migrations are written for (dialects.ts); only PostgreSQL sets are linted. */
  dialect: Dialect;
  /** How the dialect was decided: a folder name, a configuration file, the files' syntax, or the default. */
  dialectSource: string;
  /** The directory of the set that holds the same migrations for PostgreSQL (or another database): this one is counted there, once. */
  variantOf?: string;
}

/** A set as a tool detector finds it, before its dialect is decided (dialects.ts). */
export type DetectedSet = Omit<MigrationSet, 'dialect' | 'dialectSource' | 'variantOf'>;

export interface LintHit {
  rule: string;
  severity: Severity;
  category: RuleCategory;
  path: string;
  line: number;
  message: string;
  /** The statement, shortened, for evidence. */
  statement: string;
  /** Set when an inline `-- continuity-ignore rule: reason` covers the hit. */
  suppressed?: string;
}

export interface LintedFile {
  path: string;
  statements: number;
  hits: LintHit[];
  parseError?: { line: number; message: string };
  /** SQL that runs but could not be read: dynamic EXECUTE in a DO block, a body in another language. */
  notAnalysed?: { line: number; reason: string }[];
}
