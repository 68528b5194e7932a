// Tools whose migrations are SQL files: sqitch, Supabase CLI, golang-migrate,
// Flyway, dbmate, goose, Prisma, Drizzle Kit, gobuffalo pop / Ory popx, and Rust's Diesel
// and SQLx; numbered SQL files in ClickHouse folders; and release folders or
// numbered files of SQL migrations run by a tool not recognised.
import { FOLDER_DIALECTS } from '../dialects';
import { parseStatements } from '../sql';
import { baseOf, dirOf, type RepoFiles } from '../repo-files';
import type { DownStatus, Migration, DetectedSet } from '../types';
import { groupBy } from '../../util';
import { lineAt } from './code-text';
import { setsByDirectory } from './sets';

/** True when a down script does nothing: no statements, or only BEGIN/COMMIT, `SELECT 1` and empty DO blocks. */
export function isNoOpSql(sql: string): boolean {
  if (sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim() === '') return true;
  try {
    return parseStatements(sql).every(
      ({ kind, node }) =>
        kind === 'TransactionStmt' ||
        (kind === 'SelectStmt' && !node.fromClause && !JSON.stringify(node.targetList ?? []).includes('FuncCall')) ||
        (kind === 'DoStmt' && /^\s*(begin\s+(null\s*;\s*)?end\s*;?)?\s*$/i.test(node.args?.[0]?.DefElem?.arg?.String?.sval ?? '')),
    );
  } catch {
    return false; // unparseable is not "nothing"
  }
}

/** Versions made of digits, in numeric order (they may exceed Number's precision: 20260703000000000000). */
function byNumber(a: string, b: string): number {
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function downOf(sql: string | undefined, path: string | undefined): Migration['down'] {
  if (sql === undefined || path === undefined) return { status: 'missing' };
  const status: DownStatus = isNoOpSql(sql) ? 'empty' : 'present';
  return { status, path };
}

// ---- sqitch ---------------------------------------------------------------

interface PlanChange {
  name: string;
  /** The tag after which the change was reworked, naming its older script files. */
  reworkedAt?: string;
}

/** Changes in plan order; a reworked change's earlier scripts are named `name@tag.sql`. */
export function parseSqitchPlan(plan: string): PlanChange[] {
  const entries: ({ change: string } | { tag: string })[] = [];
  for (const raw of plan.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('%') || line.startsWith('#')) continue;
    if (line.startsWith('@')) entries.push({ tag: line.slice(1).split(/\s/)[0]! });
    else entries.push({ change: line.split(/[\s[]/)[0]! });
  }
  return entries.flatMap((entry, index) => {
    if (!('change' in entry)) return [];
    const later = entries.slice(index + 1);
    const reworked = later.some((e) => 'change' in e && e.change === entry.change);
    if (!reworked) return [{ name: entry.change }];
    const tag = later.find((e): e is { tag: string } => 'tag' in e);
    return [{ name: entry.change, ...(tag ? { reworkedAt: tag.tag } : {}) }];
  });
}

async function sqitch(repo: RepoFiles): Promise<DetectedSet[]> {
  const sets: DetectedSet[] = [];
  for (const planPath of repo.named(/^sqitch\.plan$/)) {
    const dir = dirOf(planPath);
    const confPath = `${dir ? `${dir}/` : ''}sqitch.conf`;
    const conf = repo.has(confPath) ? await repo.read(confPath) : '';
    const topDir = /^\s*top_dir\s*=\s*(\S+)/m.exec(conf)?.[1];
    const base = [dir, topDir && topDir !== '.' ? topDir : ''].filter(Boolean).join('/');
    const at = (sub: string, name: string) => `${base ? `${base}/` : ''}${sub}/${name}.sql`;
    const migrations: Migration[] = [];
    for (const change of parseSqitchPlan(await repo.read(planPath))) {
      const file = change.reworkedAt ? `${change.name}@${change.reworkedAt}` : change.name;
      const deploy = at('deploy', file);
      const revert = at('revert', file);
      const verify = at('verify', file);
      if (!repo.has(deploy)) continue;
      const up = await repo.read(deploy);
      const hasRevert = repo.has(revert);
      const downSql = hasRevert ? await repo.read(revert) : undefined;
      migrations.push({
        id: file,
        up: deploy,
        down: downOf(downSql, hasRevert ? revert : undefined),
        ...(repo.has(verify) && !isNoOpSql(await repo.read(verify)) ? { verify } : {}),
        // sqitch runs scripts through psql: only the BEGIN/COMMIT in the script make a transaction.
        sql: [{ path: deploy, sql: up, line: 1, transaction: 'autocommit' }],
        runnable: { up, ...(downSql !== undefined ? { down: downSql } : {}) },
      });
    }
    sets.push({ tool: 'sqitch', directory: base || '.', marker: planPath, forwardOnly: false, autoMigration: false, migrations, notes: [] });
  }
  return sets;
}

// ---- Supabase CLI and Prisma (forward-only) ---------------------------------

async function supabase(repo: RepoFiles): Promise<DetectedSet[]> {
  const files = repo.files.filter((f) => /(^|\/)supabase\/migrations\/[^/]+\.sql$/.test(f));
  return Promise.all(
    [...groupBy(files, dirOf)].map(async ([directory, paths]) => ({
      tool: 'supabase' as const,
      directory,
      marker: directory,
      forwardOnly: true,
      autoMigration: false,
      migrations: await Promise.all(
        paths.map(async (p) => ({
          id: baseOf(p).replace(/\.sql$/, ''),
          up: p,
          down: { status: 'forward-only' as const, detail: 'the Supabase CLI has no down migrations' },
          // The CLI runs the statements of each migration file one by one in a transaction of its own.
          sql: [{ path: p, sql: await repo.read(p), line: 1, transaction: 'tool-per-statement' as const }],
        })),
      ),
      notes: [],
    })),
  );
}

async function prisma(repo: RepoFiles): Promise<DetectedSet[]> {
  // `migrations/<name>/migration.sql`, or `<timestamp>_<name>/migration.sql` under a folder prisma.config.ts names otherwise.
  const files = repo.files.filter((f) => /(^|\/)(migrations\/[^/]+|[^/]+\/\d+_[\w-]+)\/migration\.sql$/.test(f));
  return Promise.all(
    [...groupBy(files, (f) => dirOf(dirOf(f)))].map(async ([directory, paths]) => ({
      tool: 'prisma' as const,
      directory,
      marker: repo.has(`${directory}/migration_lock.toml`) ? `${directory}/migration_lock.toml` : directory,
      forwardOnly: true,
      autoMigration: false,
      migrations: await Promise.all(
        paths.map(async (p) => ({
          id: baseOf(dirOf(p)),
          up: p,
          down: { status: 'forward-only' as const, detail: 'Prisma Migrate has no down migrations' },
          sql: [{ path: p, sql: await repo.read(p), line: 1, transaction: 'implicit' as const }],
        })),
      ),
      notes: [],
    })),
  );
}

// ---- golang-migrate -----------------------------------------------------------

const GOLANG_MIGRATE = /^(\d+)_(.+)\.(up|down)\.sql$/;

async function golangMigrate(repo: RepoFiles, claimed: Set<string>): Promise<DetectedSet[]> {
  const files = repo.named(GOLANG_MIGRATE).filter((f) => !claimed.has(f));
  const sets: DetectedSet[] = [];
  for (const [directory, paths] of groupBy(files, dirOf)) {
    const byVersion = groupBy(paths, (p) => GOLANG_MIGRATE.exec(baseOf(p))![1]!);
    const versions = [...byVersion.keys()].sort(byNumber);
    const migrations: Migration[] = [];
    for (const version of versions) {
      const group = byVersion.get(version)!;
      const upPath = group.find((p) => p.endsWith('.up.sql'));
      const downPath = group.find((p) => p.endsWith('.down.sql'));
      if (!upPath) continue;
      const up = await repo.read(upPath);
      const down = downPath ? await repo.read(downPath) : undefined;
      migrations.push({
        id: baseOf(upPath).replace(/\.up\.sql$/, ''),
        up: upPath,
        down: downOf(down, downPath),
        // The file is sent as one query: PostgreSQL runs several statements as one implicit transaction.
        sql: [{ path: upPath, sql: up, line: 1, transaction: 'implicit' }],
        runnable: { up, ...(down !== undefined ? { down } : {}) },
      });
    }
    // Down files alone (`002_fn.down.sql` beside `002_fn.sql`) are another tool's.
    if (migrations.length > 0) sets.push({ tool: 'golang-migrate', directory, marker: migrations[0]!.up, forwardOnly: false, autoMigration: false, migrations, notes: [] });
  }
  return sets;
}

// ---- gobuffalo pop / Ory popx ------------------------------------------------------

/** `<version>_<name>[.<dialect>][.autocommit].(up|down).(sql|fizz)`: a dialect's file replaces the generic one for that database. */
const POP_FILE = /^(\d+)_([^.]+)(?:\.(postgres|cockroach|mysql|sqlite3?|mssql))?(\.autocommit)?\.(up|down)\.(sql|fizz)$/;

/**
 * pop's (and Ory popx's) migrations: a folder where some file names a
 * database (`.postgres.up.sql`, `.mysql.up.sql`), runs without a transaction
 * (`.autocommit`), or is written in fizz. The migration PostgreSQL runs is the
 * `.postgres` file, else the generic one; the other databases' files are
 * counted with it, not linted. Each runs in a transaction unless `.autocommit`.
 */
async function pop(repo: RepoFiles): Promise<DetectedSet[]> {
  const files = repo.named(POP_FILE);
  const sets: DetectedSet[] = [];
  for (const [directory, paths] of groupBy(files, dirOf)) {
    const parsed = paths.map((path) => {
      const [, version, name, dialect, autocommit, direction, extension] = POP_FILE.exec(baseOf(path))!;
      return { path, version: version!, id: `${version}_${name}`, dialect, autocommit: autocommit !== undefined, direction: direction!, fizz: extension === 'fizz' };
    });
    if (!parsed.some((f) => f.dialect || f.autocommit || f.fizz)) continue;
    const postgresFile = (group: typeof parsed, direction: string) =>
      group.find((f) => f.direction === direction && f.dialect === 'postgres') ?? group.find((f) => f.direction === direction && !f.dialect);
    const byId = groupBy(parsed, (f) => f.id);
    const ids = [...byId.keys()].sort((a, b) => {
      return byNumber(byId.get(a)![0]!.version, byId.get(b)![0]!.version) || a.localeCompare(b);
    });
    const migrations: Migration[] = [];
    for (const id of ids) {
      const group = byId.get(id)!;
      const up = postgresFile(group, 'up');
      // Only other databases' files: nothing runs on PostgreSQL for this version.
      if (!up) continue;
      const down = postgresFile(group, 'down');
      const upText = await repo.read(up.path);
      const downText = down ? await repo.read(down.path) : undefined;
      migrations.push({
        id,
        up: up.path,
        down: down?.fizz ? { status: downText!.trim() ? 'present' : 'empty', path: down.path } : downOf(downText, down?.path),
        sql: up.fizz ? [] : [{ path: up.path, sql: upText, line: 1, transaction: up.autocommit ? 'implicit' : 'tool' }],
        ...(up.fizz ? { notAnalysed: 'a fizz migration (pop\'s schema DSL), not SQL' } : {}),
      });
    }
    const others = [...new Set(parsed.map((f) => f.dialect).filter((d): d is string => d !== undefined && d !== 'postgres'))].sort();
    sets.push({
      tool: 'pop',
      directory,
      marker: migrations[0]?.up ?? paths[0]!,
      forwardOnly: false,
      autoMigration: false,
      migrations,
      notes: others.length > 0 ? [`the ${others.join(', ')} variants of these migrations are counted with them, not linted`] : [],
    });
  }
  return sets;
}

// ---- Rust: Diesel and SQLx ------------------------------------------------------------

/** The crates (folders of a Cargo.toml) that depend on a crate, e.g. `diesel_migrations` or `sqlx`. */
async function cratesUsing(repo: RepoFiles, dependency: RegExp): Promise<string[]> {
  const crates: string[] = [];
  for (const manifest of repo.named(/^Cargo\.toml$/)) if (dependency.test(await repo.read(manifest))) crates.push(dirOf(manifest));
  return crates;
}

/**
 * The migrations folders a crate names (`sqlx::migrate!("db/migrations")`,
 * `embed_migrations!("migrations")`), or the default `migrations` of the crate
 * and, for Diesel, which searches upwards for it, of the folders above.
 */
async function migrationFolders(repo: RepoFiles, crate: string, macro: RegExp, upwards = false): Promise<string[]> {
  const folders = new Set<string>([crate ? `${crate}/migrations` : 'migrations']);
  for (let dir = crate; upwards && dir !== ''; ) {
    dir = dirOf(dir);
    folders.add(dir ? `${dir}/migrations` : 'migrations');
  }
  for (const file of repo.files.filter((f) => f.endsWith('.rs') && (crate === '' || f.startsWith(`${crate}/`)))) {
    for (const m of (await repo.read(file)).matchAll(macro)) folders.add(crate ? `${crate}/${m[1]!.replace(/^\.\//, '')}` : m[1]!.replace(/^\.\//, ''));
  }
  return [...folders];
}

/**
 * Diesel: `migrations/<version>_<name>/up.sql` and `down.sql`, in a crate that
 * depends on diesel (or beside a diesel.toml). Each migration runs in a
 * transaction, unless its metadata.toml says `run_in_transaction = false`:
 * then the file is sent as one query.
 */
async function diesel(repo: RepoFiles): Promise<DetectedSet[]> {
  const crates = new Set([...(await cratesUsing(repo, /^\s*diesel(_migrations)?\s*=|\[dependencies\.diesel(_migrations)?\]/m)), ...repo.named(/^diesel\.toml$/).map(dirOf)]);
  const sets: DetectedSet[] = [];
  for (const crate of crates) {
    for (const folder of await migrationFolders(repo, crate, /embed_migrations!\s*\(\s*"([^"]+)"/g, true)) {
      const ups = repo.files.filter((f) => dirOf(dirOf(f)) === folder && baseOf(f) === 'up.sql').sort();
      if (ups.length === 0 || sets.some((s) => s.directory === folder)) continue;
      const migrations: Migration[] = [];
      for (const upPath of ups) {
        const dir = dirOf(upPath);
        const downPath = repo.has(`${dir}/down.sql`) ? `${dir}/down.sql` : undefined;
        const up = await repo.read(upPath);
        const down = downPath ? await repo.read(downPath) : undefined;
        const metadata = repo.has(`${dir}/metadata.toml`) ? await repo.read(`${dir}/metadata.toml`) : '';
        const inTransaction = !/^\s*run_in_transaction\s*=\s*false\b/m.test(metadata);
        migrations.push({
          id: baseOf(dir),
          up: upPath,
          down: downOf(down, downPath),
          sql: [{ path: upPath, sql: up, line: 1, transaction: inTransaction ? 'tool' : 'implicit' }],
        });
      }
      sets.push({ tool: 'diesel', directory: folder, marker: migrations[0]!.up, forwardOnly: false, autoMigration: false, migrations, notes: [] });
    }
  }
  return sets;
}

const SQLX_FILE = /^(\d+)_(.+?)(\.(up|down))?\.sql$/;

/**
 * SQLx: `migrations/<version>_<description>.sql` (simple) or `.up.sql` and
 * `.down.sql` (reversible), in a crate that depends on sqlx. Each migration runs
 * in a transaction, unless its first line is `-- no-transaction`: then the file
 * is sent as one query.
 */
async function sqlx(repo: RepoFiles): Promise<DetectedSet[]> {
  const sets: DetectedSet[] = [];
  for (const crate of await cratesUsing(repo, /^\s*sqlx\s*=|\[dependencies\.sqlx\]/m)) {
    for (const folder of await migrationFolders(repo, crate, /\bmigrate!\s*\(\s*"([^"]+)"/g)) {
      const files = repo.files.filter((f) => dirOf(f) === folder && SQLX_FILE.test(baseOf(f)));
      if (files.length === 0 || sets.some((s) => s.directory === folder)) continue;
      const byVersion = groupBy(files, (f) => SQLX_FILE.exec(baseOf(f))![1]!);
      const versions = [...byVersion.keys()].sort(byNumber);
      const migrations: Migration[] = [];
      for (const version of versions) {
        const group = byVersion.get(version)!;
        const upPath = group.find((p) => !p.endsWith('.down.sql'));
        if (!upPath) continue;
        const downPath = group.find((p) => p.endsWith('.down.sql'));
        const up = await repo.read(upPath);
        const down = downPath ? await repo.read(downPath) : undefined;
        migrations.push({
          id: baseOf(upPath).replace(/(\.up)?\.sql$/, ''),
          up: upPath,
          down: downOf(down, downPath),
          sql: [{ path: upPath, sql: up, line: 1, transaction: /^\s*--\s*no-transaction\b/.test(up) ? 'implicit' : 'tool' }],
        });
      }
      sets.push({ tool: 'sqlx', directory: folder, marker: migrations[0]?.up ?? folder, forwardOnly: false, autoMigration: false, migrations, notes: [] });
    }
  }
  return sets;
}

// ---- Flyway ---------------------------------------------------------------------

const FLYWAY = /^([VUR])([\d._]*)__(.+)\.sql$/;

/**
 * Flyway replaces `${name}` placeholders before it runs a script (placeholder
 * replacement is on by default). Their values are configuration the scan does
 * not read: each is read as the quoted name `"name"`, so the statements parse
 * and are linted, and the migration says it was not fully analysed.
 */
function flywayPlaceholders(sql: string): { sql: string; placeholders: string[] } {
  const placeholders = new Set<string>();
  const replaced = sql.replace(/\$\{([\w.:-]+)\}/g, (_, name: string) => {
    placeholders.add(name);
    return `"${name}"`;
  });
  return { sql: replaced, placeholders: [...placeholders] };
}

async function flyway(repo: RepoFiles): Promise<DetectedSet[]> {
  const files = repo.named(FLYWAY).filter((f) => {
    const m = FLYWAY.exec(baseOf(f))!;
    return m[1] === 'R' ? m[2] === '' : m[2] !== '';
  });
  const sets: DetectedSet[] = [];
  for (const [directory, paths] of groupBy(files, dirOf)) {
    const parsed = paths.map((p) => {
      const m = FLYWAY.exec(baseOf(p))!;
      return { path: p, kind: m[1]!, version: m[2]!, name: m[3]! };
    });
    const versionKey = (v: string) => v.split(/[._]/).map(Number);
    const compare = (a: string, b: string) => {
      const x = versionKey(a);
      const y = versionKey(b);
      for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
      return 0;
    };
    /** A version as compare() tells versions apart (1.0 is 1, 1_1 is 1.1): looked up in a map, not searched for each migration. */
    const sameVersion = (v: string) => {
      const key = versionKey(v);
      while (key.at(-1) === 0) key.pop();
      return key.join('.');
    };
    const undoByVersion = new Map<string, (typeof parsed)[number]>();
    for (const p of parsed) if (p.kind === 'U' && !undoByVersion.has(sameVersion(p.version))) undoByVersion.set(sameVersion(p.version), p);
    const ordered = [
      ...parsed.filter((p) => p.kind === 'V').sort((a, b) => compare(a.version, b.version)),
      ...parsed.filter((p) => p.kind === 'R'),
    ];
    const migrations: Migration[] = [];
    for (const entry of ordered) {
      const conf = `${entry.path}.conf`;
      const nonTransactional = repo.has(conf) && /^\s*executeInTransaction\s*=\s*false/m.test(await repo.read(conf));
      const undo = undoByVersion.get(sameVersion(entry.version));
      const down: Migration['down'] =
        entry.kind === 'R'
          ? { status: 'missing', detail: 'repeatable script: Flyway has no undo for it' }
          : downOf(undo ? await repo.read(undo.path) : undefined, undo?.path);
      const { sql, placeholders } = flywayPlaceholders(await repo.read(entry.path));
      migrations.push({
        id: entry.kind === 'R' ? `R__${entry.name}` : `V${entry.version}__${entry.name}`,
        up: entry.path,
        down,
        sql: [{ path: entry.path, sql, line: 1, transaction: nonTransactional ? 'autocommit' : 'flyway' }],
        ...(placeholders.length > 0 ? { notAnalysed: `Flyway placeholders read as names, their values not known: ${placeholders.map((p) => `\${${p}}`).join(', ')}` } : {}),
      });
    }
    sets.push({ tool: 'flyway', directory, marker: migrations[0]?.up ?? directory, forwardOnly: false, autoMigration: false, migrations, notes: [] });
  }
  return sets;
}

// ---- dbmate ---------------------------------------------------------------------

const DBMATE_MARKER = /^--\s*migrate:(up|down)\b(.*)$/gm;

/** The up and down sections of a dbmate file, with their start lines and transaction options. */
export function dbmateSections(text: string): { up?: Section; down?: Section } {
  const markers = [...text.matchAll(DBMATE_MARKER)];
  const sections: { up?: Section; down?: Section } = {};
  markers.forEach((m, i) => {
    const start = m.index! + m[0].length + 1;
    const end = markers[i + 1]?.index ?? text.length;
    sections[m[1] as 'up' | 'down'] = {
      sql: text.slice(Math.min(start, end), end),
      line: lineAt(text, start),
      transaction: !/transaction\s*:\s*false/.test(m[2] ?? ''),
    };
  });
  return sections;
}

interface Section {
  sql: string;
  line: number;
  transaction: boolean;
}

async function dbmate(repo: RepoFiles, claimed: Set<string>): Promise<DetectedSet[]> {
  const candidates = repo.files.filter((f) => f.endsWith('.sql') && !claimed.has(f) && /(^|\/)(db|migrations?|schema)(\/|$)/.test(dirOf(f)));
  const found: { path: string; text: string }[] = [];
  for (const path of candidates) {
    const text = await repo.read(path);
    if (/^--\s*migrate:up\b/m.test(text)) found.push({ path, text });
  }
  return setsByDirectory(
    'dbmate',
    found.map(({ path, text }): Migration => {
      const { up, down } = dbmateSections(text);
      return {
        id: baseOf(path).replace(/\.sql$/, ''),
        up: path,
        down: downOf(down?.sql, path),
        sql: up ? [{ path, sql: up.sql, line: up.line, transaction: up.transaction ? 'tool' : 'implicit' }] : [],
        ...(up
          ? {
              runnable: {
                up: up.transaction ? `BEGIN;\n${up.sql}\n;COMMIT;` : up.sql,
                ...(down ? { down: down.transaction ? `BEGIN;\n${down.sql}\n;COMMIT;` : down.sql } : {}),
              },
            }
          : {}),
      };
    }),
  );
}

// ---- goose ---------------------------------------------------------------------

/** The up and down sections of a goose file (`-- +goose Up` / `-- +goose Down`). */
function gooseSections(text: string): { up?: Section; down?: Section } {
  const markers = [...text.matchAll(/^--\s*\+goose\s+(Up|Down)\b.*$/gim)];
  const noTransaction = /^--\s*\+goose\s+NO\s+TRANSACTION\b/im.test(text);
  const sections: { up?: Section; down?: Section } = {};
  markers.forEach((m, i) => {
    const start = m.index! + m[0].length + 1;
    const end = markers[i + 1]?.index ?? text.length;
    // StatementBegin/End only group statements for goose's splitter; the SQL between them is unchanged.
    sections[m[1]!.toLowerCase() as 'up' | 'down'] = { sql: text.slice(Math.min(start, end), end), line: lineAt(text, start), transaction: !noTransaction };
  });
  return sections;
}

async function goose(repo: RepoFiles, claimed: Set<string>): Promise<DetectedSet[]> {
  const found: Migration[] = [];
  for (const path of repo.files.filter((f) => f.endsWith('.sql') && !claimed.has(f))) {
    const text = await repo.read(path);
    if (!/^--\s*\+goose\s+Up\b/im.test(text)) continue;
    const { up, down } = gooseSections(text);
    found.push({
      id: baseOf(path).replace(/\.sql$/, ''),
      up: path,
      down: downOf(down?.sql, path),
      // goose splits a section into statements and runs them one by one, in a transaction unless `+goose NO TRANSACTION`.
      sql: up ? [{ path, sql: up.sql, line: up.line, transaction: up.transaction ? 'tool-per-statement' : 'autocommit' }] : [],
    });
  }
  return setsByDirectory('goose', found);
}

// ---- clickhouse-migrations --------------------------------------------------------

/** Where the clickhouse-migrations CLI is told its migrations live: --migrations-home=<dir> or CH_MIGRATIONS_HOME. */
const MIGRATIONS_HOME = /(?:--migrations-home[= ]|\bCH_MIGRATIONS_HOME\s*[=:]\s*)["']?\.?\/?([\w./-]+?)\/?["']?(?=[\s"',;]|$)/gm;
const HOME_FILES = /(^|\/)(package\.json|Makefile|Dockerfile|docker-compose[\w.-]*\.ya?ml|compose[\w.-]*\.ya?ml|[^/]+\.sh|\.env[\w.-]*|\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.yml)$/;
/** clickhouse-migrations names its files <version>_<text>.sql; it has no down migrations. */
const CLICKHOUSE_MIGRATION = /^\d+_.+\.sql$/;

async function clickhouseMigrations(repo: RepoFiles): Promise<DetectedSet[]> {
  const homes = new Set<string>();
  for (const file of repo.files.filter((f) => HOME_FILES.test(f))) {
    const text = await repo.read(file);
    if (!/clickhouse-migrations|CH_MIGRATIONS_HOME/.test(text)) continue;
    const base = dirOf(file);
    for (const match of text.matchAll(MIGRATIONS_HOME)) homes.add(joinPath(base, match[1]!));
  }
  const sets: DetectedSet[] = [];
  for (const home of homes) {
    const files = repo.files.filter((f) => dirOf(f) === home && CLICKHOUSE_MIGRATION.test(baseOf(f))).sort((a, b) => Number(/^\d+/.exec(baseOf(a))![0]) - Number(/^\d+/.exec(baseOf(b))![0]));
    if (files.length === 0) continue;
    const migrations = files.map((path): Migration => ({ id: baseOf(path).replace(/\.sql$/, ''), up: path, down: { status: 'missing' }, sql: [] }));
    sets.push({ tool: 'clickhouse-migrations', directory: home, marker: files[0]!, forwardOnly: true, autoMigration: false, migrations, notes: [] });
  }
  return sets;
}

/** A directory relative to the file that names it (`./db/ch` in web/package.json is web/db/ch). */
function joinPath(base: string, relative: string): string {
  const parts = base ? base.split('/') : [];
  for (const segment of relative.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment && segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}

// ---- numbered SQL files in ClickHouse folders ----------------------------------------

/** SQL files under a `clickhouse` folder that no tool claimed: migrations of a ClickHouse database, named as such, not linted. */
async function clickhouseFiles(repo: RepoFiles, claimed: Set<string>): Promise<DetectedSet[]> {
  const files = repo.files.filter((f) => f.endsWith('.sql') && !claimed.has(f) && /(^|\/)clickhouse(\/|$)/i.test(dirOf(f)) && /^\d/.test(baseOf(f)) && !/\.down\.sql$/.test(f));
  return setsByDirectory(
    'sql-files',
    files.map((path) => {
      const downPath = path.replace(/(\.up)?\.sql$/, '.down.sql');
      return { id: baseOf(path).replace(/\.sql$/, ''), up: path, down: repo.has(downPath) && downPath !== path ? { status: 'present' as const, path: downPath } : { status: 'missing' as const }, sql: [] };
    }),
  );
}

// ---- Drizzle Kit -----------------------------------------------------------

/**
 * Drizzle Kit: `<out>/<NNNN>_<tag>.sql` listed in `<out>/meta/_journal.json`,
 * in the journal's order; no down migrations. Drizzle's migrator runs the
 * pending migrations in one transaction, each `--> statement-breakpoint`
 * chunk (a SQL comment to the parser) on its own.
 */
async function drizzle(repo: RepoFiles): Promise<DetectedSet[]> {
  const sets: DetectedSet[] = [];
  for (const journal of repo.files.filter((f) => /(^|\/)meta\/_journal\.json$/.test(f))) {
    const directory = dirOf(dirOf(journal));
    let entries: { idx?: number; tag?: string }[];
    try {
      entries = (JSON.parse(await repo.read(journal)) as { entries?: { idx?: number; tag?: string }[] }).entries ?? [];
    } catch {
      continue; // not Drizzle's journal
    }
    const migrations: Migration[] = [];
    for (const { tag } of [...entries].sort((a, b) => (a.idx ?? 0) - (b.idx ?? 0))) {
      const path = `${directory ? `${directory}/` : ''}${tag}.sql`;
      if (!tag || !repo.has(path)) continue;
      migrations.push({
        id: tag,
        up: path,
        down: { status: 'forward-only', detail: 'Drizzle Kit has no down migrations' },
        sql: [{ path, sql: await repo.read(path), line: 1, transaction: 'tool-per-statement' }],
      });
    }
    if (migrations.length > 0) sets.push({ tool: 'drizzle', directory, marker: journal, forwardOnly: true, autoMigration: false, migrations, notes: [] });
  }
  return sets;
}

// ---- versioned SQL files of a tool not recognised --------------------------

/** A folder named for a release (`0.22`, `v1.14`): its SQL files are that release's migrations. */
const VERSION_FOLDER = /^v?\d+(\.\d+)+$/;
/** Folders a migration layout sits under; version folders elsewhere (documentation, examples) are not migrations. */
const MIGRATION_ANCESTOR = /(^|\/)(migrations?|migrate|versioned|schema|db|database)(\/|$)/i;

/** Statements whose outcome depends on the transaction block they run in (looked for outside comments and function bodies). */
const TRANSACTION_SENSITIVE = /\b(CONCURRENTLY|VACUUM|ADD\s+VALUE|BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION)\b/i;

/** Release versions in numeric order (`0.9` before `0.10`). */
function byVersion(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.replace(/^v/, '').split('.').map(Number));
  for (let i = 0; i < Math.max(x!.length, y!.length); i++) if ((x![i] ?? 0) !== (y![i] ?? 0)) return (x![i] ?? 0) - (y![i] ?? 0);
  return 0;
}

/**
 * SQL migrations no known tool claimed, run by the project's own code or an
 * uncommon tool (memos' Go migrator, temporal-sql-tool): release folders of SQL
 * files (`migration/postgres/0.22/01__memo_tags.sql`), or numbered files in a
 * `migrations` folder (`migrations/003_add_index.sql`, authelia's
 * `V0001.Initial_Schema.up.sql`). How the runner sends
 * them is not known: statements are linted one by one, and a file whose
 * statements depend on the transaction block is not fully analysed.
 */
export async function versionedSqlFiles(repo: RepoFiles, known: DetectedSet[]): Promise<DetectedSet[]> {
  // A folder of a recognised tool holds its files, whether or not they are its migrations (pop's other databases').
  const claimed = new Set(known.flatMap((s) => [s.directory, ...s.migrations.flatMap((m) => [m.up, ...(m.down.path ? [m.down.path] : []), ...m.sql.map((q) => q.path)])]));
  const roots = new Map<string, { path: string; version: string }[]>();
  for (const path of repo.files) {
    if (!path.endsWith('.sql') || claimed.has(path) || claimed.has(dirOf(path)) || /(^|\/)(tests?|testdata|fixtures?|examples?)\//.test(path) || /[._-]down\.sql$/.test(path)) continue;
    const folder = dirOf(path);
    const release = baseOf(folder);
    // A migrations folder, or a folder of it named for a database (authelia's migrations/postgres/).
    const migrationsFolder = /(^|\/)migrations?$/i.test(folder) || (/(^|\/)migrations?$/i.test(dirOf(folder)) && FOLDER_DIALECTS[release.toLowerCase()] !== undefined);
    const root = VERSION_FOLDER.test(release) ? dirOf(folder) : migrationsFolder && /^V?\d+[._-]/.test(baseOf(path)) ? folder : undefined;
    if (root === undefined || !MIGRATION_ANCESTOR.test(`${root}/`)) continue;
    roots.set(root, [...(roots.get(root) ?? []), { path, version: root === folder ? '0' : release }]);
  }
  return Promise.all(
    [...roots]
      .filter(([, files]) => files.length >= 2)
      .map(async ([directory, files]): Promise<DetectedSet> => {
        const ordered = [...files].sort((a, b) => byVersion(a.version, b.version) || (baseOf(a.path) < baseOf(b.path) ? -1 : 1));
        const migrations = await Promise.all(ordered.map(async ({ path }): Promise<Migration> => {
          const downPath = path.replace(/(\.up)?\.sql$/, '.down.sql');
          const sql = await repo.read(path);
          return {
            id: path.slice(directory.length + 1).replace(/(\.up)?\.sql$/, ''),
            up: path,
            down: repo.has(downPath) ? downOf(await repo.read(downPath), downPath) : { status: 'missing' },
            sql: [{ path, sql, line: 1, transaction: 'autocommit' }],
            ...(TRANSACTION_SENSITIVE.test(sql.replace(/\$(\w*)\$[\s\S]*?\$\1\$|--[^\n]*/g, '')) ? { notAnalysed: 'its runner is not recognised, so whether its statements run in a transaction block is not known: statements that depend on it (CONCURRENTLY, VACUUM, ADD VALUE, BEGIN/COMMIT) were not judged' } : {}),
          };
        }));
        return {
          tool: 'sql-files' as const,
          directory,
          marker: migrations[0]!.up,
          forwardOnly: false,
          autoMigration: false,
          migrations,
          notes: ['SQL files of a migration tool continuity does not recognise: linted statement by statement'],
        };
      }),
  );
}

export async function detectSqlTools(repo: RepoFiles): Promise<DetectedSet[]> {
  // SQLx's reversible files and pop's are named as golang-migrate's: a sqlx crate's folder is SQLx's, a pop folder pop's.
  const first = [...(await diesel(repo)), ...(await sqlx(repo)), ...(await pop(repo))];
  const filesOf = (sets: DetectedSet[]) => sets.flatMap((s) => s.migrations.flatMap((m) => [m.up, ...(m.down.path ? [m.down.path] : [])]));
  const popFolders = new Set(first.filter((s) => s.tool === 'pop').map((s) => s.directory));
  const sets = [
    ...first,
    ...(await sqitch(repo)),
    ...(await supabase(repo)),
    ...(await prisma(repo)),
    ...(await drizzle(repo)),
    ...(await golangMigrate(repo, new Set([...filesOf(first), ...repo.files.filter((f) => popFolders.has(dirOf(f)))]))),
    ...(await flyway(repo)),
    ...(await clickhouseMigrations(repo)),
  ];
  const claimed = new Set(filesOf(sets));
  const marked = [...(await dbmate(repo, claimed)), ...(await goose(repo, claimed))];
  for (const m of marked.flatMap((s) => s.migrations)) claimed.add(m.up);
  return [...sets, ...marked, ...(await clickhouseFiles(repo, claimed))];
}
