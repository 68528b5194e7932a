// Tools whose migrations are code: Rails, Alembic and Django (JavaScript and
// TypeScript in js-migrations.ts, Laravel in laravel.ts, EF Core in ef-core.ts, Ecto in ecto.ts); and ORM schema sync at start-up.
import { dirOf, type RepoFiles } from '../repo-files';
import type { DownStatus, Migration, DetectedSet, MigrationTool, SqlSource, TransactionMode } from '../types';
import { lineAt, maskCode, matchingBrace, quoted, quotedQualified as table, rawSqlLiterals, splitTopLevel, strippedCode } from './code-text';
import { detectEcto } from './ecto';
import { detectEfCore } from './ef-core';
import { detectJavaScript } from './js-migrations';
import { detectLaravel } from './laravel';
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

/**
 * A Python or Ruby argument list as written: positional arguments, and keyword
 * ones (`name='x'`, `name: :x`, `:name => x`), values as source text.
 */
function callArguments(text: string): { positional: string[]; keywords: Map<string, string> } {
  const positional: string[] = [];
  const keywords = new Map<string, string>();
  for (const { text: part } of splitTopLevel(text)) {
    const keyword = /^(\w+)\s*(?:=(?!=)|:(?!:))\s*([\s\S]*)$|^:(\w+)\s*=>\s*([\s\S]*)$/.exec(part);
    if (keyword) keywords.set(keyword[1] ?? keyword[3]!, (keyword[2] ?? keyword[4]!).trim());
    else positional.push(part.trim());
  }
  return { positional, keywords };
}

/** The arguments of the call whose `(` is at `open`, and the index just past its `)`. */
function argumentsAt(text: string, open: number): { positional: string[]; keywords: Map<string, string>; end: number } {
  const end = matchingBrace(text, open);
  return { ...callArguments(text.slice(open + 1, end - 1)), end };
}

/** A Python or Ruby string literal's value, or a Ruby symbol's name. */
const literal = (value: string | undefined) => pythonString(value) ?? /^:(\w+)$/.exec(value?.trim() ?? '')?.[1];

/**
 * The literal arguments of the call whose `(` is at `open`: positional ones
 * (strings, Ruby symbols) and keyword ones (`name='x'`, `name: :x`); undefined
 * when a positional one is not a plain literal (a name built at run time).
 */
function literalArguments(text: string, open: number): { positional: string[]; keywords: Map<string, string | undefined>; end: number } | undefined {
  const { positional, keywords, end } = argumentsAt(text, open);
  const values = positional.map(literal);
  if (values.some((v) => v === undefined)) return undefined;
  return { positional: values as string[], keywords: new Map([...keywords].map(([key, value]) => [key, literal(value)])), end };
}

/** A schema operation of a code migration that breaks running code (a drop or a rename), as the SQL it runs, so the SQL rules judge it. */
interface BreakingOperation {
  /** The operation's name as the not-analysed note lists it. */
  operation: string;
  /** The SQL it runs; empty for a call read in full that runs none the rules judge (bulk_insert, an alter_column that changes nothing). */
  sql: string;
  /** Offset of the call in the text. */
  index: number;
  code: string;
}


/**
 * Calls `<prefix><operation>(...)` in `text` whose arguments `toSql` can turn
 * into SQL; calls it cannot read (names built at run time, options it does not
 * know) are left out, and stay not analysed.
 */
function breakingOperations(
  text: string,
  prefix: string,
  toSql: Record<string, (args: NonNullable<ReturnType<typeof literalArguments>>) => string | undefined>,
): BreakingOperation[] {
  const found: BreakingOperation[] = [];
  for (const m of text.matchAll(new RegExp(`${prefix}(${Object.keys(toSql).join('|')})\\s*\\(`, 'g'))) {
    const open = m.index! + m[0].length - 1;
    const args = literalArguments(text, open);
    const sql = args && toSql[m[1]!]!(args);
    if (sql) found.push({ operation: m[1]!, sql, index: m.index!, code: text.slice(m.index!, args!.end).replace(/\s+/g, ' ').trim() });
  }
  return found;
}

/** Operations of `all` that were not all turned into SQL (a call is `<prefix><operation><opening>`). */
function untranslated(all: string[], text: string, prefix: string, translated: BreakingOperation[], opening = '\\s*\\('): string[] {
  const escaped = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A call may run several statements (a foreign key's column, constraint and index): calls are counted by where they are.
  return all.filter((operation) => [...text.matchAll(new RegExp(`${prefix}${escaped(operation)}${opening}`, 'gm'))].length !== new Set(translated.filter((t) => t.operation === operation).map((t) => t.index)).size);
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

/** Rails calls that drop or rename, with or without parentheses (`remove_column :users, :legacy, :string`), as the SQL they run. */
function railsBreaking(code: string): BreakingOperation[] {
  const found: BreakingOperation[] = [];
  for (const m of code.matchAll(/^[ \t]*(remove_column|rename_column|rename_table|drop_table)\b[ \t]*(\(?)([^\n]*)$/gm)) {
    const [, operation, paren, rest] = m;
    // The argument text: to the closing parenthesis, or to the end of the line without a trailing block or comment.
    const argText = paren ? rest!.slice(0, Math.max(0, matchingBrace(`(${rest}`, 0) - 2)) : rest!.replace(/\s+do(\s*\|[^|]*\|)?\s*$/, '').replace(/\s+#.*$/, '');
    const args = literalArguments(`(${argText})`, 0);
    if (!args) continue;
    const [a, b, c] = args.positional;
    const sql =
      operation === 'remove_column' && a && b ? `ALTER TABLE ${table(a)} DROP COLUMN ${quoted(b)}`
      : operation === 'rename_column' && a && b && c ? `ALTER TABLE ${table(a)} RENAME COLUMN ${quoted(b)} TO ${quoted(c)}`
      : operation === 'rename_table' && a && b ? `ALTER TABLE ${table(a)} RENAME TO ${quoted(b)}`
      : operation === 'drop_table' && a ? `DROP TABLE ${table(a)}`
      : undefined;
    if (sql) found.push({ operation: operation!, sql, index: m.index! + m[0].length - m[0].trimStart().length, code: m[0].trim() });
  }
  return found;
}

/** A Ruby symbol or string name (`:users`, `"users"`). */
const rubyName = (value: string | undefined) => (value === undefined ? undefined : /^:(\w+)$/.exec(value)?.[1] ?? /^(['"])([\w.]+)\1$/.exec(value)?.[2]);
const rubyNames = (value: string | undefined) => {
  const one = rubyName(value);
  if (one !== undefined) return [one];
  // %i[a b] and %w[a b]: words.
  const words = /^%[iw][[(]([\w\s]*)[\])]$/.exec(value ?? '')?.[1];
  if (words !== undefined) return words.trim().split(/\s+/);
  const items = /^\[([\s\S]*)\]$/.exec(value ?? '')?.[1]?.split(',').map((i) => rubyName(i.trim()));
  return items && items.every((i) => i !== undefined) ? (items as string[]) : undefined;
};

/** PostgreSQL types of Rails' column types. */
const RAILS_TYPES: Record<string, string> = {
  string: 'varchar', text: 'text', integer: 'integer', bigint: 'bigint', float: 'double precision', decimal: 'numeric', numeric: 'numeric', boolean: 'boolean',
  date: 'date', datetime: 'timestamp(6)', timestamp: 'timestamp(6)', timestamptz: 'timestamptz', time: 'time', binary: 'bytea', json: 'json', jsonb: 'jsonb', uuid: 'uuid',
  inet: 'inet', citext: 'citext', hstore: 'hstore', interval: 'interval',
};

/** A Rails default's SQL: literals as written, `-> { "now()" }` as its SQL, anything else as a constant. */
function railsDefault(value: string): string {
  const lambda = /^->\s*\{\s*(['"])(.*)\1\s*\}$/.exec(value)?.[2];
  if (lambda !== undefined) return lambda;
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(value)) return value;
  const string = /^(['"])(.*)\1$/.exec(value)?.[2];
  return string !== undefined ? `'${string.replace(/'/g, "''")}'` : "'0'";
}

/**
 * Rails schema statements besides drops and renames, as the SQL they run on
 * PostgreSQL: add_column (Rails keeps its default), change_column,
 * change_column_null, add/remove_index (algorithm: :concurrently),
 * add_reference (its index, and its foreign key, validated unless
 * validate: false), add/validate/remove_foreign_key, add_check_constraint,
 * add_timestamps, create_table, enable_extension, rename_index. A call whose
 * arguments are not all read (names built at run time, a call over several
 * lines) stays not analysed.
 */
function railsSchemaOperations(code: string): BreakingOperation[] {
  const found: BreakingOperation[] = [];
  const pattern = /^[ \t]*(add_column|change_column|change_column_null|change_column_default|add_index|remove_index|add_reference|add_belongs_to|remove_reference|remove_belongs_to|add_foreign_key|remove_foreign_key|validate_foreign_key|create_table|add_timestamps|add_check_constraint|validate_check_constraint|enable_extension|rename_index)\b[ \t]*(\(?)([^\n]*)$/gm;
  for (const m of code.matchAll(pattern)) {
    const [line, operation, paren, rest] = m as unknown as [string, string, string, string];
    const argText = paren ? rest.slice(0, Math.max(0, matchingBrace(`(${rest}`, 0) - 2)) : rest.replace(/\s+do(\s*\|[^|]*\|)?\s*$/, '').replace(/\s+#.*$/, '');
    // A call continued on the next line is not read whole.
    if (/,\s*$/.test(argText)) continue;
    const { positional: p, keywords: o } = callArguments(argText);
    const t = rubyName(p[0]) === undefined ? undefined : table(rubyName(p[0])!);
    const column = rubyName(p[1]);
    const push = (...sql: string[]) => sql.forEach((statement) => found.push({ operation, sql: statement, index: m.index! + line.length - line.trimStart().length, code: line.trim() }));
    const concurrently = o.get('algorithm') === ':concurrently' ? 'CONCURRENTLY ' : '';
    switch (operation) {
      case 'create_table':
        if (t) push(`CREATE TABLE ${t} (id integer)`);
        break;
      case 'enable_extension':
        if (rubyName(p[0])) push(`CREATE EXTENSION IF NOT EXISTS ${quoted(rubyName(p[0])!)}`);
        break;
      case 'add_column': {
        const type = rubyName(p[2]);
        if (!t || column === undefined || type === undefined) break;
        const limit = /^\d+$/.test(o.get('limit') ?? '') && type === 'string' ? `(${o.get('limit')})` : '';
        push(`ALTER TABLE ${t} ADD COLUMN ${quoted(column)} ${RAILS_TYPES[type] ?? type}${limit}${o.get('null') === 'false' ? ' NOT NULL' : ''}${o.has('default') && o.get('default') !== 'nil' ? ` DEFAULT ${railsDefault(o.get('default')!)}` : ''}`);
        break;
      }
      case 'add_timestamps':
        // Rails adds them NOT NULL unless null: true.
        if (t) push(...['created_at', 'updated_at'].map((c) => `ALTER TABLE ${t} ADD COLUMN ${c} timestamp(6)${o.get('null') === 'true' ? '' : ' NOT NULL'}${o.has('default') ? ` DEFAULT ${railsDefault(o.get('default')!)}` : ''}`));
        break;
      case 'change_column': {
        const type = rubyName(p[2]);
        if (!t || column === undefined || type === undefined) break;
        push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} TYPE ${RAILS_TYPES[type] ?? type}`, ...(o.get('null') === 'false' ? [`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} SET NOT NULL`] : o.get('null') === 'true' ? [`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} DROP NOT NULL`] : []));
        break;
      }
      case 'change_column_null':
        if (t && column !== undefined && (p[2] === 'false' || p[2] === 'true')) push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} ${p[2] === 'false' ? 'SET' : 'DROP'} NOT NULL`);
        break;
      case 'change_column_default': {
        // Dropping a default (nil) may break inserts that relied on it: not analysed.
        const value = o.get('to') ?? (o.size === 0 ? p[2] : undefined);
        if (t && column !== undefined && value !== undefined && value !== 'nil') push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} SET DEFAULT ${railsDefault(value)}`);
        break;
      }
      case 'add_index': {
        const columns = rubyNames(p[1]);
        const name = rubyName(o.get('name')) ?? (columns ? `index_${rubyName(p[0])}_on_${columns.join('_and_')}` : undefined);
        if (t && columns && name) push(`CREATE ${o.get('unique') === 'true' ? 'UNIQUE ' : ''}INDEX ${concurrently}${quoted(name)} ON ${t} (${columns.map(quoted).join(', ')})`);
        break;
      }
      case 'remove_index': {
        const columns = rubyNames(p[1] ?? o.get('column'));
        const name = rubyName(o.get('name')) ?? (columns ? `index_${rubyName(p[0])}_on_${columns.join('_and_')}` : undefined);
        if (t && name) push(`DROP INDEX ${concurrently}${quoted(name)}`);
        break;
      }
      case 'add_reference':
      case 'add_belongs_to': {
        if (!t || column === undefined) break;
        const key = `${column}_id`;
        const foreignKey = o.get('foreign_key');
        const index = o.get('index');
        const indexConcurrently = /algorithm:\s*:concurrently/.test(index ?? '') ? 'CONCURRENTLY ' : '';
        push(
          `ALTER TABLE ${t} ADD COLUMN ${quoted(key)} ${o.get('type') === ':uuid' ? 'uuid' : 'bigint'}${o.get('null') === 'false' ? ' NOT NULL' : ''}`,
          ...(index === 'false' ? [] : [`CREATE INDEX ${indexConcurrently}ON ${t} (${quoted(key)})`]),
          ...(foreignKey && foreignKey !== 'false' ? [`ALTER TABLE ${t} ADD FOREIGN KEY (${quoted(key)}) REFERENCES ${quoted(/to_table:\s*:(\w+)/.exec(foreignKey)?.[1] ?? `${column}s`)}${/validate:\s*false/.test(foreignKey) ? ' NOT VALID' : ''}`] : []),
        );
        break;
      }
      case 'remove_reference':
      case 'remove_belongs_to':
        if (t && column !== undefined) push(`ALTER TABLE ${t} DROP COLUMN ${quoted(`${column}_id`)}`);
        break;
      case 'add_foreign_key': {
        const target = rubyName(p[1]);
        if (t && target !== undefined) push(`ALTER TABLE ${t} ADD FOREIGN KEY (${quoted(rubyName(o.get('column')) ?? `${target.replace(/s$/, '')}_id`)}) REFERENCES ${table(target)}${o.get('validate') === 'false' ? ' NOT VALID' : ''}`);
        break;
      }
      case 'remove_foreign_key':
      case 'validate_foreign_key':
      case 'validate_check_constraint': {
        const name = rubyName(o.get('name')) ?? (rubyName(p[1]) !== undefined ? `fk_rails_${rubyName(p[1])}` : undefined);
        if (t && name) push(`ALTER TABLE ${t} ${operation === 'remove_foreign_key' ? 'DROP' : 'VALIDATE'} CONSTRAINT ${quoted(name)}`);
        break;
      }
      case 'add_check_constraint': {
        const expression = /^(['"])(.*)\1$/.exec(p[1] ?? '')?.[2];
        if (t && expression !== undefined) push(`ALTER TABLE ${t} ADD CONSTRAINT ${quoted(rubyName(o.get('name')) ?? 'check')} CHECK (${expression})${o.get('validate') === 'false' ? ' NOT VALID' : ''}`);
        break;
      }
      case 'rename_index': {
        const [from, to] = [rubyName(p[1]), rubyName(p[2])];
        if (t && from !== undefined && to !== undefined) push(`ALTER INDEX ${quoted(from)} RENAME TO ${quoted(to)}`);
        break;
      }
    }
  }
  return found;
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
      const breaking = [...railsBreaking(code), ...railsSchemaOperations(code)];
      const sql: SqlSource[] = up
        ? [
            ...[...heredocs, ...inline].map((l) => ({ path, sql: l.sql, line: lineAt(text, up.start + l.index), transaction })),
            ...breaking.map((b) => ({ path, sql: b.sql, line: lineAt(text, up.start + b.index), transaction, code: b.code })),
          ].sort((a, b) => a.line - b.line)
        : [];
      // An execute with neither a literal nor a heredoc passes SQL built at run time.
      const unreadable = [...code.matchAll(/\bexecute\b/g)].length - heredocs.length - inline.length;
      const dsl = untranslated(railsDslCalls(code), code, '^[ \\t]*', breaking, '\\b');
      const notAnalysed = notAnalysedNote([
        ...(dsl.length > 0 ? [`Rails migration DSL not linted (only SQL passed to execute and the calls in docs/migrations.md are): ${dsl.join(', ')}`] : []),
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

/** PostgreSQL types of SQLAlchemy's column types (`sa.String(50)`, `postgresql.JSONB()`); text for one not known, since only the change matters. */
function sqlalchemyType(expression: string | undefined): string {
  const match = /^(?:[\w.]*\.)?(\w+)\s*(?:\(([\s\S]*)\))?$/.exec(expression?.trim() ?? '');
  const [name, args] = [match?.[1] ?? '', match?.[2] ?? ''];
  const size = /^\s*(?:length\s*=\s*)?(\d+)/.exec(args)?.[1];
  const types: Record<string, string> = {
    String: size ? `varchar(${size})` : 'varchar', Unicode: size ? `varchar(${size})` : 'varchar', VARCHAR: size ? `varchar(${size})` : 'varchar', Text: 'text', UnicodeText: 'text', TEXT: 'text',
    Integer: 'integer', INTEGER: 'integer', BigInteger: 'bigint', BIGINT: 'bigint', SmallInteger: 'smallint', Boolean: 'boolean', BOOLEAN: 'boolean',
    DateTime: /timezone\s*=\s*True/.test(args) ? 'timestamptz' : 'timestamp', TIMESTAMP: /timezone\s*=\s*True/.test(args) ? 'timestamptz' : 'timestamp', Date: 'date', Time: 'time',
    Interval: 'interval', Float: 'double precision', Numeric: 'numeric', NUMERIC: 'numeric', JSON: 'json', JSONB: 'jsonb', UUID: 'uuid', Uuid: 'uuid', LargeBinary: 'bytea', BYTEA: 'bytea',
    Enum: 'text', ARRAY: 'text[]', INET: 'inet',
  };
  return types[name] ?? 'text';
}

/** A server_default's SQL: a string as a constant, `sa.text("now()")` and `sa.func.now()` as their SQL; undefined for None. */
function serverDefault(expression: string): string | undefined {
  if (expression === 'None') return undefined;
  const text = /^(?:sa\.|sqlalchemy\.)?text\(\s*(['"])(.*)\1\s*\)$/.exec(expression)?.[2];
  if (text !== undefined) return text;
  const func = /^(?:sa\.|sqlalchemy\.)?func\.(\w+)\(\)$/.exec(expression)?.[1];
  if (func !== undefined) return `${func}()`;
  const constant = pythonString(expression);
  return constant !== undefined ? `'${constant.replace(/'/g, "''")}'` : "'0'";
}

/**
 * The SQL Alembic runs on PostgreSQL for its schema operations, as far as
 * their arguments say (drop_column, drop_table and rename_table are read by
 * breakingOperations): add_column, alter_column (a rename, a type or
 * nullability change, a new default), create_table, create/drop_index (with
 * postgresql_concurrently), keys and constraints (postgresql_not_valid), and
 * bulk_insert (data only). An operation whose arguments are not all read stays
 * not analysed.
 */
function alembicSchemaOperations(body: string): BreakingOperation[] {
  const found: BreakingOperation[] = [];
  for (const m of body.matchAll(/\bop\.(add_column|alter_column|create_table|create_index|drop_index|create_foreign_key|create_unique_constraint|create_check_constraint|create_primary_key|drop_constraint|bulk_insert)\s*\(/g)) {
    const operation = m[1]!;
    const { positional: p, keywords: k, end } = argumentsAt(body, m.index! + m[0].length - 1);
    const code = body.slice(m.index!, end).replace(/\s+/g, ' ').trim();
    const push = (...sql: string[]) => sql.forEach((statement) => found.push({ operation, sql: statement, index: m.index!, code: code.length > 160 ? `${code.slice(0, 159)}…` : code }));
    // op.f('ix_name') names an index or constraint as written.
    const named = (value: string | undefined) => pythonString(/^op\.f\(([\s\S]*)\)$/.exec(value?.trim() ?? '')?.[1] ?? value);
    const inSchema = (name: string | undefined) => (name === undefined ? undefined : table(pythonString(k.get('schema')) ? `${pythonString(k.get('schema'))}.${name}` : name));
    const unknown = [...k.keys()].filter((key) => !/^(schema|existing_\w+|comment|existing_comment|postgresql_using|unique|postgresql_concurrently|postgresql_where|postgresql_not_valid|table_name|type_|nullable|server_default|new_column_name|if_exists|if_not_exists|initially|deferrable|ondelete|onupdate)$/.test(key));
    if (unknown.length > 0) continue;
    switch (operation) {
      case 'bulk_insert':
        found.push({ operation, sql: '', index: m.index!, code });
        break;
      case 'create_table': {
        const t = inSchema(pythonString(p[0]));
        if (t) push(`CREATE TABLE ${t} (id integer)`);
        break;
      }
      case 'add_column': {
        const t = inSchema(pythonString(p[0]));
        const column = /^(?:sa\.|sqlalchemy\.)?Column\(([\s\S]*)\)$/.exec(p[1]?.trim() ?? '')?.[1];
        if (!t || column === undefined) break;
        const args = callArguments(column);
        const name = pythonString(args.positional[0]);
        if (name === undefined) break;
        const type = sqlalchemyType(args.positional[1]);
        const foreignKey = args.positional.map((a) => /ForeignKey\(\s*(['"])([\w.]+)\.\w+\1/.exec(a)?.[2]).find(Boolean);
        const notNull = args.keywords.get('nullable') === 'False' || args.keywords.get('primary_key') === 'True';
        const fallback = args.keywords.has('server_default') ? serverDefault(args.keywords.get('server_default')!) : undefined;
        push(`ALTER TABLE ${t} ADD COLUMN ${quoted(name)} ${type}${notNull ? ' NOT NULL' : ''}${fallback !== undefined ? ` DEFAULT ${fallback}` : ''}${args.keywords.get('unique') === 'True' ? ' UNIQUE' : ''}${foreignKey ? ` REFERENCES ${table(foreignKey)}` : ''}`);
        break;
      }
      case 'alter_column': {
        const t = inSchema(pythonString(p[0]));
        const column = pythonString(p[1]);
        if (!t || column === undefined) break;
        // A default dropped (server_default=None) may break inserts that relied on it: not analysed.
        if (k.get('server_default') === 'None') break;
        const statements: string[] = [];
        const type = k.get('type_');
        if (type !== undefined && type.replace(/\s+/g, '') !== k.get('existing_type')?.replace(/\s+/g, '')) statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} TYPE ${sqlalchemyType(type)}`);
        const nullable = k.get('nullable');
        if (nullable === 'False' && k.get('existing_nullable') !== 'False') statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} SET NOT NULL`);
        if (nullable === 'True' && k.get('existing_nullable') !== 'True') statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} DROP NOT NULL`);
        if (k.has('server_default')) statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} SET DEFAULT ${serverDefault(k.get('server_default')!)}`);
        const renamed = pythonString(k.get('new_column_name'));
        if (renamed !== undefined) statements.push(`ALTER TABLE ${t} RENAME COLUMN ${quoted(column)} TO ${quoted(renamed)}`);
        if (statements.length > 0) push(...statements);
        else found.push({ operation, sql: '', index: m.index!, code });
        break;
      }
      case 'create_index':
      case 'drop_index': {
        const name = named(p[0]);
        const t = inSchema(pythonString(p[1] ?? k.get('table_name')));
        const concurrently = k.get('postgresql_concurrently') === 'True' ? 'CONCURRENTLY ' : '';
        if (operation === 'drop_index') {
          if (name !== undefined) push(`DROP INDEX ${concurrently}${quoted(name)}`);
          break;
        }
        const columns = pythonStrings(p[2]);
        if (name !== undefined && t && columns) push(`CREATE ${k.get('unique') === 'True' ? 'UNIQUE ' : ''}INDEX ${concurrently}${quoted(name)} ON ${t} (${columns.map(quoted).join(', ')})`);
        break;
      }
      case 'create_foreign_key': {
        const [name, source, referent] = [named(p[0]), inSchema(pythonString(p[1])), pythonString(p[2])];
        const columns = pythonStrings(p[3]);
        if (name !== undefined && source && referent && columns) push(`ALTER TABLE ${source} ADD CONSTRAINT ${quoted(name)} FOREIGN KEY (${columns.map(quoted).join(', ')}) REFERENCES ${table(referent)}${k.get('postgresql_not_valid') === 'True' ? ' NOT VALID' : ''}`);
        break;
      }
      case 'create_unique_constraint':
      case 'create_primary_key': {
        const [name, t, columns] = [named(p[0]), inSchema(pythonString(p[1])), pythonStrings(p[2])];
        if (name !== undefined && t && columns) push(`ALTER TABLE ${t} ADD CONSTRAINT ${quoted(name)} ${operation === 'create_unique_constraint' ? 'UNIQUE' : 'PRIMARY KEY'} (${columns.map(quoted).join(', ')})`);
        break;
      }
      case 'create_check_constraint': {
        const [name, t] = [named(p[0]), inSchema(pythonString(p[1]))];
        const condition = pythonString(p[2]) ?? /^(?:sa\.)?text\(\s*(['"])(.*)\1\s*\)$/.exec(p[2]?.trim() ?? '')?.[2];
        if (name !== undefined && t && condition !== undefined) push(`ALTER TABLE ${t} ADD CONSTRAINT ${quoted(name)} CHECK (${condition})${k.get('postgresql_not_valid') === 'True' ? ' NOT VALID' : ''}`);
        break;
      }
      case 'drop_constraint': {
        const [name, t] = [named(p[0]), inSchema(pythonString(p[1] ?? k.get('table_name')))];
        if (name !== undefined && t) push(`ALTER TABLE ${t} DROP CONSTRAINT ${quoted(name)}`);
        break;
      }
    }
  }
  return found;
}

/**
 * The functions called by the statements of a Python body other than Alembic's
 * `op.` calls (`batch_op.drop_column`, a helper of the migration's own):
 * statements only, not the arguments of a call continued on later lines.
 */
function otherPythonCalls(body: string): string[] {
  const calls: string[] = [];
  let depth = 0;
  for (const line of maskCode(body.replace(/#.*$/gm, '')).split('\n')) {
    const call = depth === 0 ? /^\s*(?:\w+\s*=\s*)?([A-Za-z_][\w.]*)\s*\(/.exec(line)?.[1] : undefined;
    if (call && !/^(op\.|print$|logger\.|logging\.|log\.)/.test(call)) calls.push(call);
    for (const c of line) depth += c === '(' || c === '[' || c === '{' ? 1 : c === ')' || c === ']' || c === '}' ? -1 : 0;
  }
  return [...new Set(calls)];
}

/** Line ranges of `with op.get_context().autocommit_block():` bodies: what runs there runs outside Alembic's transaction. */
function autocommitLines(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const opener = /^(\s*)with\s+op\.get_context\(\)\.autocommit_block\(\)\s*:/.exec(line);
    if (!opener) return;
    let last = i;
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j]!.trim() === '') continue;
      if (lines[j]!.length - lines[j]!.trimStart().length <= opener[1]!.length) break;
      last = j;
    }
    ranges.push([i + 2, last + 1]);
  });
  return ranges;
}

async function alembic(repo: RepoFiles): Promise<DetectedSet[]> {
  const files = repo.files.filter((f) => /(^|\/)versions\/[^/]+\.py$/.test(f));
  const found: Migration[] = [];
  for (const path of files) {
    const text = await repo.read(path);
    if (!/^revision\s*[:=]/m.test(text) || !/def upgrade\s*\(/.test(text)) continue;
    const up = pythonFunction(text, 'upgrade');
    const { sql: executed, unreadable } = sqlSources(path, text, up, /\bop\.execute\s*\(/g, 'tool');
    const body = up?.text ?? '';
    const inSchema = (k: Map<string, string | undefined>, name: string) => (k.get('schema') ? `${k.get('schema')}.${name}` : name);
    const breaking = breakingOperations(body, '\\bop\\.', {
      drop_column: ({ positional: [t, c], keywords: k }) => (t && c ? `ALTER TABLE ${table(inSchema(k, t))} DROP COLUMN ${quoted(c)}` : undefined),
      drop_table: ({ positional: [t], keywords: k }) => (t ? `DROP TABLE ${table(inSchema(k, t))}` : undefined),
      rename_table: ({ positional: [from, to], keywords: k }) => (from && to ? `ALTER TABLE ${table(inSchema(k, from))} RENAME TO ${quoted(to)}` : undefined),
    }).concat(alembicSchemaOperations(body));
    const autocommit = autocommitLines(text);
    const transactionAt = (line: number): TransactionMode => (autocommit.some(([from, to]) => line >= from && line <= to) ? 'autocommit' : 'tool');
    const sql: SqlSource[] = [
      ...executed.map((e) => ({ ...e, transaction: transactionAt(e.line) })),
      ...breaking.filter((b) => b.sql !== '').map((b) => {
        const line = lineAt(text, up!.start + b.index);
        return { path, sql: b.sql, line, transaction: transactionAt(line), code: b.code };
      }),
    ].sort((a, b) => a.line - b.line);
    const operations = untranslated([...new Set([...body.matchAll(/\bop\.(\w+)\s*\(/g)].map((m) => m[1]!))].filter((o) => o !== 'execute' && o !== 'get_context' && o !== 'f'), body, '\\bop\\.', breaking);
    // Batch operations (batch_op.drop_column) and the migration's own functions change the schema unread.
    const others = otherPythonCalls(body);
    const notAnalysed = notAnalysedNote([
      ...(operations.length > 0 ? [`Alembic operations not linted (only SQL passed to op.execute and the operations in docs/migrations.md are): ${operations.map((o) => `op.${o}`).join(', ')}`] : []),
      ...(others.length > 0 ? [`calls not read: ${others.join(', ')}`] : []),
      ...(unreadable > 0 ? [`${unreadable} op.execute call(s) with SQL built at run time`] : []),
    ]);
    const down = pythonDown(pythonFunction(text, 'downgrade')?.text);
    // An upgrade that does nothing (a merge point of two heads) has nothing to undo: its empty downgrade is its revert.
    const nothingToUndo = down.status === 'empty' && pythonDown(body).status === 'empty';
    found.push({
      id: /^revision\s*(?::\s*str\s*)?=\s*['"]([^'"]+)/m.exec(text)?.[1] ?? path,
      up: path,
      down: nothingToUndo ? { status: 'present', path, detail: 'nothing to undo: its upgrade does nothing (a merge point)' } : { ...down, path },
      sql,
      ...(notAnalysed ? { notAnalysed } : {}),
    });
  }
  return setsByDirectory('alembic', found);
}

const pythonString = (value: string | undefined) => (value === undefined ? undefined : /^(['"])((?:(?!\1)[^\\]|\\.)*)\1$/.exec(value.trim())?.[2]);
const pythonStrings = (value: string | undefined) => {
  const items = /^[[(]([\s\S]*)[\])]$/.exec(value?.trim() ?? '')?.[1];
  if (items === undefined) return undefined;
  const names = splitTopLevel(items).map((i) => pythonString(i.text));
  return names.every((n) => n !== undefined) ? (names as string[]) : undefined;
};

/** PostgreSQL column types of Django's model fields. */
const DJANGO_TYPES: Record<string, string> = {
  AutoField: 'serial', BigAutoField: 'bigserial', SmallAutoField: 'smallserial', CharField: 'varchar', SlugField: 'varchar(50)', EmailField: 'varchar(254)',
  URLField: 'varchar(200)', TextField: 'text', IntegerField: 'integer', PositiveIntegerField: 'integer', PositiveSmallIntegerField: 'smallint',
  PositiveBigIntegerField: 'bigint', SmallIntegerField: 'smallint', BigIntegerField: 'bigint', BooleanField: 'boolean', NullBooleanField: 'boolean',
  DateTimeField: 'timestamptz', DateField: 'date', TimeField: 'time', DurationField: 'interval', DecimalField: 'numeric', FloatField: 'double precision',
  JSONField: 'jsonb', UUIDField: 'uuid', BinaryField: 'bytea', GenericIPAddressField: 'inet', FileField: 'varchar(100)', ImageField: 'varchar(100)',
  ArrayField: 'text[]', ForeignKey: 'bigint', OneToOneField: 'bigint',
};

/** Django operations that change only Django's state: no SQL. */
const DJANGO_STATE_ONLY = new Set(['AlterModelOptions', 'AlterModelManagers']);

/**
 * The SQL Django runs on PostgreSQL for the operations whose effect it is sure
 * of: CreateModel, AddField (a NOT NULL field with a Python default gets it as
 * a database default that Django drops again: drop-default-not-null judges
 * that), AddIndex/RemoveIndex (and their Concurrently forms).
 */
function djangoSchemaOperations(text: string, app: string): BreakingOperation[] {
  const found: BreakingOperation[] = [];
  const tableOf = (model: string | undefined) => (model === undefined ? undefined : quoted(`${app}_${model.toLowerCase()}`));
  for (const m of text.matchAll(/\bmigrations\.(CreateModel|AddField|AddIndex|RemoveIndex)\s*\(|\b(AddIndexConcurrently|RemoveIndexConcurrently)\s*\(/g)) {
    const operation = m[1] ?? m[2]!;
    const { keywords: k, end } = argumentsAt(text, m.index! + m[0].length - 1);
    const code = text.slice(m.index!, end).replace(/\s+/g, ' ').trim();
    const push = (...sql: string[]) => sql.forEach((statement) => found.push({ operation, sql: statement, index: m.index!, code: code.length > 160 ? `${code.slice(0, 159)}…` : code }));
    const table = tableOf(pythonString(k.get('model_name')));
    if (operation === 'CreateModel') {
      const name = pythonString(k.get('name'));
      const dbTable = pythonString(/['"]db_table['"]\s*:\s*(['"][^'"]+['"])/.exec(k.get('options') ?? '')?.[1]);
      // A proxy or unmanaged model has no table of its own (left not analysed).
      if (name && !/['"](proxy['"]\s*:\s*True|managed['"]\s*:\s*False)/.test(k.get('options') ?? '')) push(`CREATE TABLE ${dbTable ? quoted(dbTable) : tableOf(name)} (id integer)`);
    } else if (operation === 'AddField') {
      const name = pythonString(k.get('name'));
      const field = /^(?:[\w.]*\.)?(\w+)\s*\(/.exec(k.get('field') ?? '');
      if (!table || !name || !field) continue;
      const options = argumentsAt(k.get('field')!, field[0].length - 1).keywords;
      const nullable = options.get('null') === 'True';
      const dbDefault = options.get('db_default');
      if (field[1] === 'ManyToManyField') {
        push(`CREATE TABLE ${tableOf(`${pythonString(k.get('model_name'))}_${name}`)} (id integer)`);
        continue;
      }
      const type = DJANGO_TYPES[field[1]!];
      if (!type) continue;
      const sized = type === 'varchar' ? `varchar(${/^\d+$/.test(options.get('max_length') ?? '') ? options.get('max_length') : 255})` : type;
      const relation = field[1] === 'ForeignKey' || field[1] === 'OneToOneField';
      const column = quoted(relation ? `${name}_id` : name);
      const constant = dbDefault === undefined ? '' : /^(-?\d+(\.\d+)?|True|False)$/.test(dbDefault) ? ` DEFAULT ${dbDefault.toLowerCase()}` : pythonString(dbDefault) !== undefined ? ` DEFAULT '${pythonString(dbDefault)!.replace(/'/g, "''")}'` : ' DEFAULT now()';
      // A NOT NULL field with a Python default: Django fills the rows with its value as the column's default, then drops it.
      const effective = !nullable && dbDefault === undefined && options.has('default');
      push(`ALTER TABLE ${table} ADD COLUMN ${column} ${sized}${nullable ? '' : ' NOT NULL'}${effective ? " DEFAULT '0'" : constant}${options.get('unique') === 'True' || field[1] === 'OneToOneField' ? ' UNIQUE' : ''}`);
      if (effective) push(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP DEFAULT`);
      if (relation) {
        const target = pythonString(options.get('to'));
        // Django adds the foreign key, validated, and indexes a ForeignKey's column.
        push(`ALTER TABLE ${table} ADD FOREIGN KEY (${column}) REFERENCES ${target?.includes('.') ? quoted(target.replace('.', '_').toLowerCase()) : quoted('referenced_table')} DEFERRABLE INITIALLY DEFERRED`);
        if (field[1] === 'ForeignKey' && options.get('db_index') !== 'False') push(`CREATE INDEX ON ${table} (${column})`);
      }
    } else {
      const concurrently = operation.endsWith('Concurrently') ? 'CONCURRENTLY ' : '';
      if (operation.startsWith('Remove')) {
        const name = pythonString(k.get('name'));
        if (name) push(`DROP INDEX ${concurrently}${quoted(name)}`);
        continue;
      }
      const index = argumentsAt(k.get('index') ?? '()', (k.get('index') ?? '()').indexOf('(')).keywords;
      const name = pythonString(index.get('name'));
      const fields = pythonStrings(index.get('fields'));
      if (table && name) push(`CREATE INDEX ${concurrently}${quoted(name)} ON ${table} (${fields ? fields.map((f) => quoted(f.replace(/^-/, ''))).join(', ') : '(1)'})`);
    }
  }
  return found;
}

/** A Django app's label as its default table names use it: the package that holds the migrations folder. */
function appLabel(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 3] ?? 'app';
}

async function django(repo: RepoFiles): Promise<DetectedSet[]> {
  const files = repo.files.filter((f) => /(^|\/)migrations\/\d{4}_[^/]+\.py$/.test(f));
  // An app with proxy or unmanaged models: deleting one of those drops no table, so DeleteModel is not judged there.
  const appsWithTablelessModels = new Set<string>();
  for (const path of files) if (/['"]proxy['"]\s*:\s*True|['"]managed['"]\s*:\s*False/.test(await repo.read(path))) appsWithTablelessModels.add(dirOf(path));
  const found: Migration[] = [];
  for (const path of files) {
    const text = await repo.read(path);
    if (!/class Migration\(migrations\.Migration\)/.test(text)) continue;
    // Django reverses its schema operations itself; RunSQL/RunPython need an explicit reverse: a keyword, or a second argument.
    const irreversible = [...text.matchAll(/\bRun(SQL|Python)\s*\(/g)].some((m) => {
      const { positional, keywords } = argumentsAt(text, m.index! + m[0].length - 1);
      return positional.length < 2 && !keywords.has(m[1] === 'SQL' ? 'reverse_sql' : 'reverse_code');
    });
    // Steps whose reverse is migrations.RunPython.noop / RunSQL.noop, by keyword or as the second argument (a no-op
    // first argument is the forward): rolling back leaves what they changed.
    const noopSteps = [...text.matchAll(/(?:reverse_(?:sql|code)\s*=|,)\s*(?:migrations\.)?(Run(?:SQL|Python))\.noop\b/g)].map((m) => m[1]!);
    const noopKinds = [...new Set(noopSteps)];
    // Django reverses the other operations (AlterField…): such a down does something, but not all.
    const othersReversed = [...text.matchAll(/\bmigrations\.[A-Z]\w*\s*\(/g)].length > noopSteps.length;
    const transaction: TransactionMode = /^\s*atomic\s*=\s*False/m.test(text) ? 'autocommit' : 'tool-per-statement';
    const { literals, unreadable } = rawSqlLiterals(text, /RunSQL\s*\(\s*(?:sql\s*=\s*)?/g);
    const app = appLabel(path);
    // RenameModel is left out: with a db_table of its own (AlterModelTable, Meta) the table is not renamed at all.
    // Table names are Django's defaults (<app>_<model>), shown for reading only: the rules judge the operation.
    // SeparateDatabaseAndState may hold operations that change only Django's state: then none is judged as SQL.
    const breaking = /\bSeparateDatabaseAndState\b/.test(text) ? [] : breakingOperations(text, 'migrations\\.', {
      RemoveField: ({ keywords: k }) => (k.get('model_name') && k.get('name') ? `ALTER TABLE ${quoted(`${app}_${k.get('model_name')!.toLowerCase()}`)} DROP COLUMN ${quoted(k.get('name')!)}` : undefined),
      RenameField: ({ keywords: k }) =>
        k.get('model_name') && k.get('old_name') && k.get('new_name') ? `ALTER TABLE ${quoted(`${app}_${k.get('model_name')!.toLowerCase()}`)} RENAME COLUMN ${quoted(k.get('old_name')!)} TO ${quoted(k.get('new_name')!)}` : undefined,
      DeleteModel: ({ keywords: k }) => (k.get('name') && !appsWithTablelessModels.has(dirOf(path)) ? `DROP TABLE ${quoted(`${app}_${k.get('name')!.toLowerCase()}`)}` : undefined),
    }).concat(djangoSchemaOperations(text, app));
    const operations = untranslated([...new Set([...text.matchAll(/(?<![\w.])migrations\.([A-Z]\w*)\s*\(/g)].map((m) => m[1]!))].filter((o) => o !== 'RunSQL' && !DJANGO_STATE_ONLY.has(o)), text, '(?<![\\w.])migrations\\.', breaking);
    // Operations of other modules (a package's own, django.contrib.postgres') that were not read as SQL.
    const list = /^\s*operations\s*=\s*\[/m.exec(text);
    const items = list ? splitTopLevel(text.slice(list.index + list[0].length, matchingBrace(text, list.index + list[0].length - 1) - 1)) : [];
    const foreign = items.map((item) => /^([\w.]+)\s*\(/.exec(item.text)?.[1]).filter((callee): callee is string => callee !== undefined && !callee.startsWith('migrations.') && !breaking.some((b) => b.operation === callee));
    operations.push(...new Set(foreign));
    const notAnalysed = notAnalysedNote([
      ...(operations.length > 0 ? [`Django operations not linted (only RunSQL literals and the operations in docs/migrations.md are): ${operations.join(', ')}`] : []),
      ...(unreadable > 0 ? [`${unreadable} RunSQL call(s) not readable statically`] : []),
    ]);
    found.push({
      id: path.split('/').pop()!.replace(/\.py$/, ''),
      up: path,
      down: irreversible
        ? { status: 'irreversible', path, detail: 'RunSQL/RunPython without a reverse' }
        : noopSteps.length === 0
          ? { status: 'present', path, detail: 'Django reverses schema operations itself' }
          : othersReversed
            ? { status: 'partial', path, detail: `Django reverses the other operations, but the reverse of ${noopKinds.join(' and ')} is a no-op: its ${noopKinds.join() === 'RunPython' ? 'data ' : ''}change is not undone` }
            : { status: 'empty', path, detail: 'reverse is a no-op' },
      sql: [
        ...literals.map((l) => ({ path, sql: l.sql, line: lineAt(text, l.index), transaction })),
        ...breaking.map((b) => ({ path, sql: b.sql, line: lineAt(text, b.index), transaction, code: b.code })),
      ].sort((a, b) => a.line - b.line),
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
  return [...(await detectJavaScript(repo)), ...(await rails(repo)), ...(await alembic(repo)), ...(await django(repo)), ...(await detectLaravel(repo)), ...(await detectEfCore(repo)), ...(await detectEcto(repo)), ...(await autoMigration(repo))];
}
