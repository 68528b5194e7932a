// Ecto migrations (Elixir): `priv/repo/migrations/<timestamp>_<name>.exs`
// modules using Ecto.Migration. The commands of change/0 or up/0 become the
// SQL they run on PostgreSQL (`remove :legacy` in `alter table(:users)` ->
// `ALTER TABLE users DROP COLUMN legacy`) and `execute "…"` literals are read
// as SQL; all are linted by the same rules, located at the command.
import type { RepoFiles } from '../repo-files';
import type { Migration, DetectedSet, SqlSource, TransactionMode } from '../types';
import { lineAt, literalAt, matchingBrace, quoted, splitTopLevel } from './code-text';
import { setsByDirectory } from './sets';

const MIGRATION_FILE = /(^|\/)migrations\/\d+_[^/]+\.exs$/;

/** A `def name do … end` body, by indentation, and its offset. */
function elixirFunction(text: string, name: string): { text: string; start: number } | undefined {
  // The one-line form: `def down, do: Oban.Migrations.down(version: 1)`.
  const oneLine = new RegExp(`^[ \\t]*def ${name}(\\(\\))?\\s*,\\s*do:\\s*(\\S[^\\n]*)$`, 'm').exec(text);
  if (oneLine) return { text: oneLine[2]!, start: oneLine.index + oneLine[0].length - oneLine[2]!.length };
  const match = new RegExp(`^([ \\t]*)def ${name}(\\(\\))?\\s+do\\s*$`, 'm').exec(text);
  if (!match) return undefined;
  const start = match.index + match[0].length + 1;
  const end = new RegExp(`^${match[1]}end\\b`, 'm').exec(text.slice(start));
  return { text: text.slice(start, end ? start + end.index : text.length), start };
}

/** An atom or string name (`:users`, `"users"`). */
function name(arg: string | undefined): string | undefined {
  const value = arg?.trim();
  if (value === undefined) return undefined;
  return /^:(\w+)$/.exec(value)?.[1] ?? /^"([\w.]+)"$/.exec(value)?.[1];
}

/** The keyword options of an argument list (`null: false, default: 0`), as source text. */
function options(args: string[]): Map<string, string> {
  return new Map(args.map((a) => /^(\w+):\s*([\s\S]*)$/.exec(a.trim())).filter((m): m is RegExpExecArray => m !== null).map((m) => [m[1]!, m[2]!.trim()]));
}

/** `table(:users, prefix: "app")` as the quoted, qualified name; undefined when it is not one. */
function tableOf(expression: string | undefined): string | undefined {
  const match = /^table\(([\s\S]*)\)$/.exec(expression?.trim() ?? '');
  if (!match) return undefined;
  const args = splitTopLevel(match[1]!).map((a) => a.text);
  const table = name(args[0]);
  const prefix = /^"(\w+)"$/.exec(options(args.slice(1)).get('prefix') ?? '')?.[1];
  return table === undefined ? undefined : prefix ? `${quoted(prefix)}.${quoted(table)}` : quoted(table);
}

/** PostgreSQL types of Ecto's primitive types. */
const ECTO_TYPES: Record<string, string> = {
  string: 'varchar(255)', text: 'text', integer: 'integer', bigint: 'bigint', id: 'bigint', boolean: 'boolean', float: 'double precision', decimal: 'numeric',
  date: 'date', time: 'time', utc_datetime: 'timestamp(0)', naive_datetime: 'timestamp(0)', utc_datetime_usec: 'timestamp', naive_datetime_usec: 'timestamp',
  map: 'jsonb', binary: 'bytea', uuid: 'uuid', binary_id: 'uuid', serial: 'serial', bigserial: 'bigserial',
};

/** An Ecto column type as SQL, and the table it references; undefined when it cannot be read. */
function columnType(arg: string | undefined): { type: string; references?: string } | undefined {
  const value = arg?.trim() ?? '';
  const atom = /^:(\w+)$/.exec(value)?.[1];
  if (atom) return { type: ECTO_TYPES[atom] ?? atom };
  const array = /^\{:array,\s*:(\w+)\}$/.exec(value)?.[1];
  if (array) return { type: `${ECTO_TYPES[array] ?? array}[]` };
  const references = /^references\((:\w+|"[\w.]+")/.exec(value)?.[1];
  if (references) return { type: /type:\s*:(uuid|binary_id)/.test(value) ? 'uuid' : 'bigint', references: name(references)! };
  return undefined;
}

/** A default's SQL: literals as written, `fragment("now()")` as its SQL, anything else as a constant. */
function defaultSql(value: string): string {
  const fragment = /^fragment\("([^"]*)"\)$/.exec(value)?.[1];
  if (fragment !== undefined) return fragment;
  if (/^(true|false|nil|-?\d+(\.\d+)?)$/.test(value)) return value === 'nil' ? 'NULL' : value;
  const string = /^"([^"]*)"$/.exec(value)?.[1];
  return string !== undefined ? `'${string.replace(/'/g, "''")}'` : "'0'";
}

/** Arguments written in parentheses (`add(:a, :string)`) without them. */
function unwrapped(args: string): string {
  const trimmed = args.trim();
  return trimmed.startsWith('(') && matchingBrace(trimmed, 0) === trimmed.length ? trimmed.slice(1, -1).trim() : trimmed;
}

/** One column command of an `alter table` block (`add`, `remove`, `modify`, `timestamps`) as SQL; undefined when it cannot be read. */
function alterCommand(t: string, line: string): string[] | undefined {
  const match = /^(add|add_if_not_exists|remove|remove_if_exists|modify|timestamps)\b\s*([\s\S]*)$/.exec(line.trim());
  if (!match) return undefined;
  const args = splitTopLevel(unwrapped(match[2]!)).map((a) => a.text);
  const opts = options(args.slice(2));
  const column = name(args[0]);
  switch (match[1]) {
    case 'timestamps':
      return [`ALTER TABLE ${t} ADD COLUMN inserted_at timestamp(0) NOT NULL`, `ALTER TABLE ${t} ADD COLUMN updated_at timestamp(0) NOT NULL`];
    case 'remove':
    case 'remove_if_exists':
      return column === undefined ? undefined : [`ALTER TABLE ${t} DROP COLUMN ${quoted(column)}`];
    case 'add':
    case 'add_if_not_exists': {
      const type = columnType(args[1]);
      if (column === undefined || !type) return undefined;
      const fallback = opts.get('default');
      return [
        `ALTER TABLE ${t} ADD COLUMN ${quoted(column)} ${type.type}${opts.get('null') === 'false' ? ' NOT NULL' : ''}${fallback !== undefined ? ` DEFAULT ${defaultSql(fallback)}` : ''}${type.references ? ` REFERENCES ${quoted(type.references)}` : ''}`,
      ];
    }
    case 'modify': {
      const type = columnType(args[1]);
      if (column === undefined || !type) return undefined;
      // modify always sets the type; with from: the old one is known, and an unchanged type is no change.
      const from = /^\{?\s*(:\w+|\{:array,\s*:\w+\}|references\([^)]*\))/.exec(opts.get('from') ?? '')?.[1];
      const statements = from !== undefined && columnType(from)?.type === type.type ? [] : [`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} TYPE ${type.type}`];
      if (opts.get('null') === 'false') statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} SET NOT NULL`);
      if (opts.get('null') === 'true') statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(column)} DROP NOT NULL`);
      return statements;
    }
    default:
      return undefined;
  }
}

/** An index command's SQL: `index(:t, [:a], unique: true, concurrently: true, name: :x)`. */
function indexSql(action: string, unique: boolean, expression: string): string[] | undefined {
  const inner = /^(?:unique_)?index\(([\s\S]*)\)$/.exec(expression)?.[1];
  // A command over several lines is not read.
  if (inner === undefined) return undefined;
  const args = splitTopLevel(inner).map((a) => a.text);
  const table = name(args[0]);
  const columns = /^\[([\s\S]*)\]$/.exec(args[1]?.trim() ?? '')?.[1]?.split(',').map((c) => name(c));
  const opts = options(args.slice(2));
  if (table === undefined || !columns || columns.some((c) => c === undefined)) return undefined;
  const indexName = name(opts.get('name')) ?? `${table}_${columns.join('_')}_index`;
  const concurrently = opts.get('concurrently') === 'true' ? 'CONCURRENTLY ' : '';
  if (action.startsWith('drop')) return [`DROP INDEX ${concurrently}${quoted(indexName)}`];
  return [`CREATE ${unique || opts.get('unique') === 'true' ? 'UNIQUE ' : ''}INDEX ${concurrently}${quoted(indexName)} ON ${quoted(table)} (${columns.map((c) => quoted(c!)).join(', ')})`];
}

interface EctoSql {
  sql: string;
  index: number;
  code?: string;
}

/** The SQL of a change/0 or up/0 body, and the number of commands that could not be read. */
function readBody(body: string): { sql: EctoSql[]; unreadable: number } {
  const sql: EctoSql[] = [];
  let unreadable = 0;
  let alter: { table: string | undefined } | undefined;
  let skipping = 0;
  let offset = 0;
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const at = offset;
    const line = lines[i]!;
    offset += line.length + 1;
    const code = line.replace(/#.*$/, '').trim();
    if (code === '') continue;
    // A create table block: its columns make a new table, nothing to judge.
    if (skipping > 0) {
      if (/\bdo\s*$/.test(code)) skipping++;
      else if (code === 'end') skipping--;
      continue;
    }
    if (alter) {
      if (code === 'end') alter = undefined;
      else {
        const statements = alter.table ? alterCommand(alter.table, code) : undefined;
        if (!statements) unreadable++;
        else for (const s of statements) sql.push({ sql: s, index: at, code });
      }
      continue;
    }
    const execute = /^execute\b\s*(\(?)\s*/.exec(code);
    if (execute) {
      const callAt = at + line.indexOf('execute');
      const start = callAt + execute[0].length;
      const literal = literalAt(body, body.slice(start).search(/\S/) + start);
      if (literal === 'unreadable') unreadable++;
      else sql.push({ sql: literal.sql, index: at });
      // A call over several lines (a heredoc, the down SQL as second argument): skip to its end.
      const end = execute[1] ? matchingBrace(body, body.indexOf('(', callAt)) : literal === 'unreadable' ? offset : literal.index + literal.sql.length;
      while (i + 1 < lines.length && offset < end) offset += lines[++i]!.length + 1;
      continue;
    }
    const command = /^(create|create_if_not_exists|alter|drop|drop_if_exists|rename|flush)\b\s*([\s\S]*?)(\s+do)?\s*$/.exec(code);
    const push = (statements: string[] | undefined) => {
      if (!statements) unreadable++;
      else for (const s of statements) sql.push({ sql: s, index: at, code });
    };
    if (!command) {
      unreadable++;
      continue;
    }
    const [, action, written, block] = command as unknown as [string, string, string, string | undefined];
    const rest = unwrapped(written);
    if (action === 'flush') continue;
    if (action === 'alter') {
      alter = { table: tableOf(rest) };
      if (!block) unreadable++;
      continue;
    }
    if (action.startsWith('create') && /^table\(/.test(rest)) {
      push(tableOf(rest) ? [`CREATE TABLE ${tableOf(rest)} (id integer)`] : undefined);
      if (block) skipping = 1;
      continue;
    }
    if (action.startsWith('drop') && /^table\(/.test(rest)) push(tableOf(rest) ? [`DROP TABLE ${tableOf(rest)}`] : undefined);
    else if (/^(unique_)?index\(/.test(rest)) push(indexSql(action, rest.startsWith('unique_'), rest));
    else if (action === 'rename') {
      const args = splitTopLevel(rest).map((a) => a.text);
      const t = tableOf(args[0]);
      const to = options(args.slice(1)).get('to');
      if (t && args.length === 3 && name(args[1]) && name(to)) push([`ALTER TABLE ${t} RENAME COLUMN ${quoted(name(args[1])!)} TO ${quoted(name(to)!)}`]);
      else if (t && tableOf(to)) push([`ALTER TABLE ${t} RENAME TO ${quoted(name(/^table\(([^,)]*)/.exec(to!)![1])!)}`]);
      else push(undefined);
    } else if (/^constraint\(/.test(rest)) {
      const args = splitTopLevel(/^constraint\(([\s\S]*)\)$/.exec(rest)?.[1] ?? '').map((a) => a.text);
      const table = name(args[0]);
      const constraint = name(args[1]);
      const opts = options(args.slice(2));
      const check = /^"([^"]*)"$/.exec(opts.get('check') ?? '')?.[1];
      if (table === undefined || constraint === undefined) push(undefined);
      else if (action.startsWith('drop')) push([`ALTER TABLE ${quoted(table)} DROP CONSTRAINT ${quoted(constraint)}`]);
      else push(check !== undefined ? [`ALTER TABLE ${quoted(table)} ADD CONSTRAINT ${quoted(constraint)} CHECK (${check})${opts.get('validate') === 'false' ? ' NOT VALID' : ''}`] : undefined);
    } else push(undefined);
  }
  return { sql, unreadable };
}

/** The number of arguments of each `execute` at the start of a line: execute/1 cannot be reversed, execute/2 carries its down SQL. */
function executeArities(code: string): number[] {
  return [...code.matchAll(/^[ \t]*execute\b[ \t]*(\(?)/gm)].map((match) => {
    const at = match.index! + match[0].length;
    if (match[1]) return splitTopLevel(code.slice(at, matchingBrace(code, at - 1) - 1)).length;
    // Without parentheses: the first argument, then a comma or not.
    const first = literalAt(code, at + (code.slice(at).search(/\S/) === -1 ? 0 : code.slice(at).search(/\S/)));
    if (first === 'unreadable') return 1;
    const quote = code[first.index - 1] === '"' && code.slice(first.index - 3, first.index) === '"""' ? 3 : 1;
    return /^\s*,/.test(code.slice(first.index + first.sql.length + quote)) ? 2 : 1;
  });
}

/** What rolling a migration back does: down/0, else Ecto reversing change/0 (which it cannot for every command). */
function ectoDown(text: string, change: { text: string } | undefined): Migration['down'] {
  const down = elixirFunction(text, 'down');
  if (down) return down.text.replace(/#.*$/gm, '').trim() === '' ? { status: 'empty' } : { status: 'present' };
  if (!change) return { status: 'missing' };
  const code = change.text.replace(/#.*$/gm, '');
  // execute/1, modify without from:, remove without a type: Ecto raises Ecto.MigrationError when rolling back.
  const irreversible = executeArities(code).includes(1) || /^\s*modify\b(?![^\n]*\bfrom:)/m.test(code) || /^\s*remove\s*\(?\s*:\w+\s*\)?\s*$/m.test(code);
  return irreversible ? { status: 'irreversible', detail: 'change/0 holds a command Ecto cannot reverse (execute/1, modify without from:, remove without a type)' } : { status: 'present', detail: 'change/0, reversed by Ecto' };
}

export async function detectEcto(repo: RepoFiles): Promise<DetectedSet[]> {
  const migrations: Migration[] = [];
  for (const path of repo.files.filter((f) => MIGRATION_FILE.test(f)).sort()) {
    const text = await repo.read(path);
    if (!/\buse Ecto\.Migration\b/.test(text)) continue;
    const change = elixirFunction(text, 'change');
    const up = elixirFunction(text, 'up') ?? change;
    // Ecto runs a migration in a transaction unless it sets @disable_ddl_transaction true.
    const transaction: TransactionMode = /@disable_ddl_transaction\s+true/.test(text) ? 'autocommit' : 'tool';
    const read = up ? readBody(up.text) : { sql: [], unreadable: 0 };
    const sql: SqlSource[] = read.sql.map((s) => ({ path, sql: s.sql, line: lineAt(text, up!.start + s.index), transaction, ...(s.code ? { code: s.code } : {}) }));
    migrations.push({
      id: path.split('/').pop()!.replace(/\.exs$/, ''),
      up: path,
      down: { ...ectoDown(text, change), path },
      sql,
      ...(read.unreadable > 0 ? { notAnalysed: `${read.unreadable} Ecto command(s) not linted (names built at run time, or commands continuity does not translate)` } : {}),
    });
  }
  return setsByDirectory('ecto', migrations);
}
