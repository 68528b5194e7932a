// Tools whose migrations are code: Rails, Alembic and Django (JavaScript and
// TypeScript in js-migrations.ts); and ORM schema sync at start-up.
import type { RepoFiles } from '../repo-files';
import type { DownStatus, Migration, DetectedSet, MigrationTool, SqlSource, TransactionMode } from '../types';
import { lineAt, rawSqlLiterals, strippedCode } from './code-text';
import { detectJavaScript } from './js-migrations';
import { setsByDirectory } from './sets';

function sqlSources(path: string, text: string, body: { text: string; start: number } | undefined, call: RegExp, transaction: TransactionMode) {
  if (!body) return { sql: [] as SqlSource[], unreadable: 0 };
  const { literals, unreadable } = rawSqlLiterals(body.text, call);
  return {
    sql: literals.map((l) => ({ path, sql: l.sql, line: lineAt(text, body.start + l.index), transaction })),
    unreadable,
  };
}

function notAnalysedNote(parts: string[]): string | undefined {
  return parts.length > 0 ? parts.join('; ') : undefined;
}

// ---- Rails ----------------------------------------------------------------------

/** The body of a Ruby `def name` up to its matching `end`, by indentation. */
function rubyMethod(text: string, name: string): { text: string; start: number } | undefined {
  const match = new RegExp(`^([ \\t]*)def ${name}\\b.*$`, 'm').exec(text);
  if (!match) return undefined;
  const start = match.index + match[0].length + 1;
  const end = new RegExp(`^${match[1]}end\\b`, 'm').exec(text.slice(start));
  return { text: text.slice(start, end ? start + end.index : text.length), start };
}

/** Words that start a Ruby statement in a migration body without being a schema DSL call. */
const RUBY_NOT_DSL = new Set(['execute', 'end', 'do', 'if', 'unless', 'else', 'elsif', 'return', 'reversible', 'say', 'say_with_time', 'puts']);

/** The schema DSL calls (add_column, remove_column, ...) of a Rails migration body, heredocs blanked: they are not linted. */
function railsDslCalls(code: string): string[] {
  const calls = [...code.replace(/#.*$/gm, '').matchAll(/^\s*([a-z_]\w*[!?]?)(?=[\s(]|$)/gm)].map((m) => m[1]!);
  return [...new Set(calls.filter((call) => !RUBY_NOT_DSL.has(call)))];
}

async function rails(repo: RepoFiles): Promise<DetectedSet[]> {
  const files = repo.files.filter((f) => /(^|\/)db\/migrate\/\d+_[^/]+\.rb$/.test(f));
  const migrations = await Promise.all(
    files.map(async (path): Promise<Migration> => {
      const text = await repo.read(path);
      const transaction: TransactionMode = /disable_ddl_transaction!/.test(text) ? 'implicit' : 'tool';
      const change = rubyMethod(text, 'change');
      const up = rubyMethod(text, 'up') ?? change;
      const down = rubyMethod(text, 'down');
      let status: DownStatus;
      let detail: string | undefined;
      if (down) {
        const code = strippedCode(down.text);
        status = /raiseActiveRecord::IrreversibleMigration/.test(code) ? 'irreversible' : code === '' ? 'empty' : 'present';
      } else if (change) {
        // `change` is reversed by Rails, except raw SQL outside a `reversible` block.
        const raw = /\bexecute\b/.test(change.text) && !/\breversible\b/.test(change.text);
        status = raw ? 'irreversible' : 'present';
        detail = raw ? 'change runs raw SQL (execute) that Rails cannot reverse' : 'reversible change method';
      } else status = 'missing';
      const heredocs = [...(up?.text ?? '').matchAll(/execute\s*\(?\s*<<[~-]?(['"]?)(\w+)\1[^\n]*\n([\s\S]*?)^\s*\2\s*$/gm)].map((m) => ({
        sql: m[3]!,
        index: m.index! + m[0].indexOf('\n') + 1,
      }));
      // Heredocs blanked, not removed, so that offsets still point into the body.
      const code = (up?.text ?? '').replace(/<<[~-]?['"]?\w+['"]?[\s\S]*?^\s*\w+\s*$/gm, (heredoc) => heredoc.replace(/[^\n]/g, ' '));
      const inline = rawSqlLiterals(code, /\bexecute\s*\(?\s*(?=["'])/g).literals;
      const sql: SqlSource[] = up
        ? [...heredocs, ...inline].map((l) => ({ path, sql: l.sql, line: lineAt(text, up.start + l.index), transaction }))
        : [];
      // An execute with neither a literal nor a heredoc passes SQL built at run time.
      const unreadable = [...code.matchAll(/\bexecute\b/g)].length - heredocs.length - inline.length;
      const dsl = railsDslCalls(code);
      const notAnalysed = notAnalysedNote([
        ...(dsl.length > 0 ? [`Rails migration DSL not linted (only SQL passed to execute is): ${dsl.join(', ')}`] : []),
        ...(unreadable > 0 ? [`${unreadable} execute call(s) with SQL built at run time`] : []),
      ]);
      return {
        id: path.split('/').pop()!.replace(/\.rb$/, ''),
        up: path,
        down: { status, path, ...(detail ? { detail } : {}) },
        sql,
        ...(notAnalysed ? { notAnalysed } : {}),
      };
    }),
  );
  return setsByDirectory('rails', migrations);
}

// ---- Python: Alembic and Django -------------------------------------------------------

/** The body of a Python `def name(...)`: the lines indented deeper than the def. */
function pythonFunction(text: string, name: string): { text: string; start: number } | undefined {
  const match = new RegExp(`^([ \\t]*)def ${name}\\s*\\([^)]*\\)[^:]*:[^\\n]*\\n`, 'm').exec(text);
  if (!match) return undefined;
  const indent = match[1]!.length;
  const start = match.index + match[0].length;
  const lines = text.slice(start).split('\n');
  let length = 0;
  for (const line of lines) {
    if (line.trim() !== '' && line.length - line.trimStart().length <= indent) break;
    length += line.length + 1;
  }
  return { text: text.slice(start, start + length), start };
}

function pythonDown(body: string | undefined): Migration['down'] {
  if (body === undefined) return { status: 'missing' };
  const code = body.replace(/("""|''')[\s\S]*?\1/g, '').replace(/#.*$/gm, '').trim();
  if (/^raise\b/m.test(code)) return { status: 'irreversible', detail: 'downgrade raises' };
  return { status: code === '' || /^(pass|\.\.\.)$/.test(code) ? 'empty' : 'present' };
}

async function alembic(repo: RepoFiles): Promise<DetectedSet[]> {
  const files = repo.files.filter((f) => /(^|\/)versions\/[^/]+\.py$/.test(f));
  const found: Migration[] = [];
  for (const path of files) {
    const text = await repo.read(path);
    if (!/^revision\s*[:=]/m.test(text) || !/def upgrade\s*\(/.test(text)) continue;
    const up = pythonFunction(text, 'upgrade');
    const { sql, unreadable } = sqlSources(path, text, up, /\bop\.execute\s*\(/g, 'tool');
    const operations = [...new Set([...(up?.text ?? '').matchAll(/\bop\.(\w+)\s*\(/g)].map((m) => m[1]!))].filter((o) => o !== 'execute');
    const notAnalysed = notAnalysedNote([
      ...(operations.length > 0 ? [`Alembic operations not linted (only SQL passed to op.execute is): ${operations.map((o) => `op.${o}`).join(', ')}`] : []),
      ...(unreadable > 0 ? [`${unreadable} op.execute call(s) with SQL built at run time`] : []),
    ]);
    found.push({
      id: /^revision\s*(?::\s*str\s*)?=\s*['"]([^'"]+)/m.exec(text)?.[1] ?? path,
      up: path,
      down: { ...pythonDown(pythonFunction(text, 'downgrade')?.text), path },
      sql,
      ...(notAnalysed ? { notAnalysed } : {}),
    });
  }
  return setsByDirectory('alembic', found);
}

async function django(repo: RepoFiles): Promise<DetectedSet[]> {
  const files = repo.files.filter((f) => /(^|\/)migrations\/\d{4}_[^/]+\.py$/.test(f));
  const found: Migration[] = [];
  for (const path of files) {
    const text = await repo.read(path);
    if (!/class Migration\(migrations\.Migration\)/.test(text)) continue;
    const runSql = [...text.matchAll(/RunSQL\s*\(/g)].map((m) => text.slice(m.index!, m.index! + 2000));
    const runPython = [...text.matchAll(/RunPython\s*\(/g)].map((m) => text.slice(m.index!, m.index! + 600));
    // Django reverses its schema operations itself; RunSQL/RunPython need an explicit reverse.
    const irreversible =
      runSql.some((s) => !/reverse_sql\s*=/.test(s.split(/\)\s*,?\s*\n\s*(migrations\.|\])/)[0]!)) ||
      runPython.some((s) => !/reverse_code\s*=|RunPython\s*\(\s*\w+\s*,\s*\w+/.test(s.split(/\)\s*,?\s*\n/)[0]!));
    const noop = /reverse_(sql|code)\s*=\s*migrations\.Run(SQL|Python)\.noop/.test(text);
    const transaction: TransactionMode = /^\s*atomic\s*=\s*False/m.test(text) ? 'autocommit' : 'tool-per-statement';
    const { literals, unreadable } = rawSqlLiterals(text, /RunSQL\s*\(\s*(?:sql\s*=\s*)?/g);
    const operations = [...new Set([...text.matchAll(/\bmigrations\.([A-Z]\w*)\s*\(/g)].map((m) => m[1]!))].filter((o) => o !== 'RunSQL');
    const notAnalysed = notAnalysedNote([
      ...(operations.length > 0 ? [`Django operations not linted (only RunSQL literals are): ${operations.join(', ')}`] : []),
      ...(unreadable > 0 ? [`${unreadable} RunSQL call(s) not readable statically`] : []),
    ]);
    found.push({
      id: path.split('/').pop()!.replace(/\.py$/, ''),
      up: path,
      down: irreversible
        ? { status: 'irreversible', path, detail: 'RunSQL/RunPython without a reverse' }
        : noop
          ? { status: 'empty', path, detail: 'reverse is a no-op' }
          : { status: 'present', path, detail: 'Django reverses schema operations itself' },
      sql: literals.map((l) => ({ path, sql: l.sql, line: lineAt(text, l.index), transaction })),
      ...(notAnalysed ? { notAnalysed } : {}),
    });
  }
  return setsByDirectory('django', found);
}

// ---- ORM schema sync at start-up ------------------------------------------------------

const AUTO_MIGRATION: { tool: MigrationTool; files: RegExp; pattern: RegExp; what: string }[] = [
  { tool: 'gorm-automigrate', files: /\.go$/, pattern: /\.AutoMigrate\s*\(/, what: 'GORM AutoMigrate' },
  { tool: 'sequelize-sync', files: /\.(c|m)?(j|t)s$/, pattern: /\bsequelize\s*\.\s*sync\s*\(|\.sync\s*\(\s*\{\s*(alter|force)\s*:\s*true/, what: 'Sequelize sync()' },
  { tool: 'typeorm-synchronize', files: /\.(c|m)?(j|t)s$|ormconfig\.(json|ya?ml)$/, pattern: /\bsynchronize["']?\s*:\s*true/, what: 'TypeORM synchronize: true' },
  { tool: 'hibernate-ddl-auto', files: /\.(properties|ya?ml)$/, pattern: /(ddl-auto|hbm2ddl\.auto)\s*[:=]\s*(update|create|create-drop)\b/, what: 'Hibernate ddl-auto' },
];

async function autoMigration(repo: RepoFiles): Promise<DetectedSet[]> {
  const sets: DetectedSet[] = [];
  for (const { tool, files, pattern, what } of AUTO_MIGRATION) {
    for (const path of repo.files.filter((f) => files.test(f) && !/(^|\/)(test|tests|__tests__|spec)\//.test(f) && !/\.(test|spec)\./.test(f))) {
      const text = await repo.read(path);
      const match = pattern.exec(text);
      if (!match) continue;
      // A switch around the call (an environment variable, a flag) makes it conditional: say so, it is still schema sync.
      const before = text.slice(0, match.index).split('\n').slice(-6).join('\n');
      const condition = [...before.matchAll(/\bif\s*\(?([^{\n]*(Getenv|getenv|process\.env|ENV\[|os\.environ|[Mm]igrat|[Aa]uto)[^{\n]*?)\)?\s*\{/g)].at(-1)?.[1]?.trim();
      sets.push({
        tool,
        directory: path,
        marker: `${path}:${lineAt(text, match.index)}`,
        forwardOnly: true,
        autoMigration: true,
        migrations: [],
        notes: [`${what} changes the schema at start-up${condition ? ` (when ${condition})` : ''}: forward-only, with no reviewable migration`],
      });
    }
  }
  return sets;
}

export async function detectCodeTools(repo: RepoFiles): Promise<DetectedSet[]> {
  return [...(await detectJavaScript(repo)), ...(await rails(repo)), ...(await alembic(repo)), ...(await django(repo)), ...(await autoMigration(repo))];
}
