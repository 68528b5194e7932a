// Entity Framework Core migrations (C#): `Migrations/<timestamp>_<Name>.cs`
// classes deriving from Migration. The Up() method's MigrationBuilder calls
// become the SQL they run on PostgreSQL (`DropColumn(name: "a", table: "t")` ->
// `ALTER TABLE "t" DROP COLUMN "a"`), and `Sql("…")` literals are read as SQL;
// all are linted by the same rules, located at the call. Nothing is executed.
import type { RepoFiles } from '../repo-files';
import type { Migration, DetectedSet, SqlSource, TransactionMode } from '../types';
import { lineAt, maskCode, matchingBrace, quoted, splitTopLevel, strippedCode, writtenSqlType } from './code-text';
import { setsByDirectory } from './sets';

/** A C# string literal at `start` (`"…"`, verbatim `@"…"`, raw `"""…"""`): its value and where it ends; undefined when it is not one. */
function csharpString(text: string, start: number): { value: string; end: number } | undefined {
  const raw = /^"{3,}/.exec(text.slice(start))?.[0];
  if (raw) {
    const close = text.indexOf(raw, start + raw.length);
    return close === -1 ? undefined : { value: text.slice(start + raw.length, close), end: close + raw.length };
  }
  if (text.startsWith('@"', start)) {
    for (let i = start + 2; i < text.length; i++) {
      if (text[i] !== '"') continue;
      if (text[i + 1] === '"') i++;
      else return { value: text.slice(start + 2, i).replace(/""/g, '"'), end: i + 1 };
    }
    return undefined;
  }
  if (text[start] !== '"') return undefined;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return { value: text.slice(start + 1, i).replace(/\\(["\\])/g, '$1').replace(/\\n/g, '\n'), end: i + 1 };
  }
  return undefined;
}

/** An argument that is one plain string literal (no concatenation or interpolation), else undefined. */
function literal(arg: string | undefined): string | undefined {
  if (arg === undefined) return undefined;
  const value = csharpString(arg, 0);
  return value && value.end === arg.length ? value.value : undefined;
}

/** A string array argument (`new[] { "a", "b" }`, `new string[] { … }`) or one string. */
function literals(arg: string | undefined): string[] | undefined {
  const one = literal(arg);
  if (one !== undefined) return [one];
  const items = /^new\s*(?:string\s*)?\[\]\s*\{([\s\S]*)\}$/.exec(arg ?? '')?.[1];
  if (items === undefined) return undefined;
  const values = splitTopLevel(items).map((i) => literal(i.text));
  return values.every((v) => v !== undefined) ? (values as string[]) : undefined;
}

/** The body (without braces) of `void <name>(MigrationBuilder <param>)`, with its parameter. */
function builderMethod(text: string, name: string): { body: string; start: number; param: string } | undefined {
  const match = new RegExp(`\\bvoid\\s+${name}\\s*\\(\\s*MigrationBuilder\\s+(\\w+)\\s*\\)\\s*\\{`).exec(maskCode(text));
  if (!match) return undefined;
  const open = match.index + match[0].length - 1;
  return { body: text.slice(open + 1, matchingBrace(text, open) - 1), start: open + 1, param: match[1]! };
}

/** MigrationBuilder calls that change data or nothing PostgreSQL code depends on. */
const NO_SCHEMA_CHANGE = new Set(['InsertData', 'UpdateData', 'DeleteData', 'EnsureSchema', 'AlterDatabase', 'CreateSequence', 'AlterSequence', 'RestartSequence']);

/** The SQL PostgreSQL runs for one MigrationBuilder call, for the calls whose effect the rules judge; undefined for others. */
function builderSql(method: string, a: Map<string, string>, chained: string): string[] | undefined {
  if (NO_SCHEMA_CHANGE.has(method)) return [];
  const name = literal(a.get('name'));
  const schema = literal(a.get('schema'));
  const inSchema = (table: string | undefined) => (table === undefined ? undefined : schema ? `${quoted(schema)}.${quoted(table)}` : quoted(table));
  const t = inSchema(literal(a.get('table')));
  const columns = literals(a.get('columns') ?? a.get('column'));
  const type = literal(a.get('type'));
  const sqlType = writtenSqlType(type) ?? 'text';
  switch (method) {
    case 'DropColumn':
      return t && name ? [`ALTER TABLE ${t} DROP COLUMN ${quoted(name)}`] : undefined;
    case 'RenameColumn': {
      const to = literal(a.get('newName'));
      return t && name && to ? [`ALTER TABLE ${t} RENAME COLUMN ${quoted(name)} TO ${quoted(to)}`] : undefined;
    }
    case 'DropTable':
      return name ? [`DROP TABLE ${inSchema(name)}`] : undefined;
    case 'RenameTable': {
      const to = literal(a.get('newName'));
      return name && to ? [`ALTER TABLE ${inSchema(name)} RENAME TO ${quoted(to)}`] : undefined;
    }
    case 'CreateTable':
      return name ? [`CREATE TABLE ${inSchema(name)} (id integer)`] : undefined;
    case 'AddColumn': {
      if (!t || !name) return undefined;
      // EF Core's AddColumn is NOT NULL unless nullable: true.
      const notNull = a.get('nullable') !== 'true';
      const defaultSql = literal(a.get('defaultValueSql'));
      const hasDefault = a.has('defaultValue') && a.get('defaultValue') !== 'null';
      const computed = a.has('computedColumnSql');
      if (computed) return undefined;
      return [`ALTER TABLE ${t} ADD COLUMN ${quoted(name)} ${sqlType}${notNull ? ' NOT NULL' : ''}${defaultSql !== undefined ? ` DEFAULT ${defaultSql}` : hasDefault ? " DEFAULT '0'" : ''}`];
    }
    case 'AlterColumn': {
      if (!t || !name) return undefined;
      const oldType = literal(a.get('oldType'));
      const statements: string[] = [];
      // Without the old definition the change cannot be told: not analysed.
      if (type !== undefined && oldType === undefined) return undefined;
      if (type !== undefined && oldType !== undefined && type.toLowerCase() !== oldType.toLowerCase()) statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(name)} TYPE ${sqlType}`);
      const nullable = a.get('nullable') === 'true';
      const oldNullable = a.get('oldNullable') === 'true';
      if (a.has('oldNullable') || a.has('nullable')) {
        if (!nullable && oldNullable) statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(name)} SET NOT NULL`);
        if (nullable && !oldNullable) statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoted(name)} DROP NOT NULL`);
      }
      return statements;
    }
    case 'CreateIndex': {
      // Npgsql creates an index concurrently only when annotated to.
      const concurrently = /Npgsql:CreatedConcurrently"\s*,\s*true/.test(chained) ? 'CONCURRENTLY ' : '';
      return t && name && columns ? [`CREATE ${a.get('unique') === 'true' ? 'UNIQUE ' : ''}INDEX ${concurrently}${quoted(name)} ON ${t} (${columns.map(quoted).join(', ')})`] : undefined;
    }
    case 'DropIndex':
      return name ? [`DROP INDEX ${schema ? `${quoted(schema)}.` : ''}${quoted(name)}`] : undefined;
    case 'AddForeignKey': {
      const principal = literal(a.get('principalTable'));
      return t && name && columns && principal ? [`ALTER TABLE ${t} ADD CONSTRAINT ${quoted(name)} FOREIGN KEY (${columns.map(quoted).join(', ')}) REFERENCES ${quoted(principal)}`] : undefined;
    }
    case 'AddPrimaryKey':
    case 'AddUniqueConstraint':
      return t && name && columns ? [`ALTER TABLE ${t} ADD CONSTRAINT ${quoted(name)} ${method === 'AddPrimaryKey' ? 'PRIMARY KEY' : 'UNIQUE'} (${columns.map(quoted).join(', ')})`] : undefined;
    case 'AddCheckConstraint': {
      const check = literal(a.get('sql'));
      return t && name && check !== undefined ? [`ALTER TABLE ${t} ADD CONSTRAINT ${quoted(name)} CHECK (${check})`] : undefined;
    }
    case 'DropForeignKey':
    case 'DropPrimaryKey':
    case 'DropUniqueConstraint':
    case 'DropCheckConstraint':
      return t && name ? [`ALTER TABLE ${t} DROP CONSTRAINT ${quoted(name)}`] : undefined;
    default:
      return undefined;
  }
}

interface Read {
  sql: { sql: string; index: number; code?: string; transaction: TransactionMode }[];
  unreadable: { raw: number; builder: string[]; helpers: number };
}

/** The SQL of an Up() body: Sql("…") literals and the MigrationBuilder calls builderSql() translates. */
function readUp(body: string, param: string): Read {
  const masked = maskCode(body);
  const read: Read = { sql: [], unreadable: { raw: 0, builder: [], helpers: 0 } };
  for (const match of masked.matchAll(new RegExp(`(?<![\\w.])${param}\\s*\\.\\s*(\\w+)\\s*(?:<[^>()]*>)?\\s*\\(`, 'g'))) {
    const method = match[1]!;
    const open = match.index! + match[0].length - 1;
    const close = matchingBrace(body, open);
    const args = splitTopLevel(body.slice(open + 1, close - 1));
    // What is chained to the call, up to the end of its statement (Npgsql annotations).
    const chained = body.slice(close, body.indexOf(';', close) === -1 ? body.length : body.indexOf(';', close));
    if (method === 'Sql') {
      const value = csharpString(body, open + 1 + (args[0]?.start ?? 0));
      const transaction: TransactionMode = args.some((arg) => /^suppressTransaction\s*:\s*true$/.test(arg.text)) ? 'autocommit' : 'tool';
      if (!value || value.end !== open + 1 + args[0]!.start + args[0]!.text.length) read.unreadable.raw++;
      else read.sql.push({ sql: value.value, index: open + 1 + args[0]!.start, transaction });
      continue;
    }
    const named = new Map(args.map((arg) => /^(\w+)\s*:\s*([\s\S]*)$/.exec(arg.text)).filter((m): m is RegExpExecArray => m !== null).map((m) => [m[1]!, m[2]!.trim()]));
    const statements = builderSql(method, named, chained);
    if (statements === undefined) read.unreadable.builder.push(method);
    const code = body.slice(match.index!, close).replace(/\s+/g, ' ');
    for (const sql of statements ?? []) read.sql.push({ sql, index: match.index!, code: code.length > 160 ? `${code.slice(0, 159)}…` : code, transaction: 'tool' });
  }
  // The builder handed to a method of the migration's own (AddAuditColumns(migrationBuilder)) changes the schema unread.
  read.unreadable.helpers = [...masked.matchAll(new RegExp(`\\b\\w+\\s*\\([^()]*(?<![\\w.])${param}\\b(?!\\s*\\.)`, 'g'))].length;
  return read;
}

export async function detectEfCore(repo: RepoFiles): Promise<DetectedSet[]> {
  const migrations: Migration[] = [];
  for (const path of repo.files.filter((f) => f.endsWith('.cs') && !f.endsWith('.Designer.cs') && !f.endsWith('ModelSnapshot.cs')).sort()) {
    const text = await repo.read(path);
    if (!/:\s*Migration\b/.test(text) || !/\bMigrationBuilder\b/.test(text)) continue;
    const up = builderMethod(text, 'Up');
    if (!up) continue;
    const read = readUp(up.body, up.param);
    const sql: SqlSource[] = read.sql
      .map((s) => ({ path, sql: s.sql, line: lineAt(text, up.start + s.index), transaction: s.transaction, ...(s.code ? { code: s.code } : {}) }))
      .sort((a, b) => a.line - b.line);
    const down = builderMethod(text, 'Down');
    const notAnalysed = [
      ...(read.unreadable.raw > 0 ? [`${read.unreadable.raw} Sql() call(s) with SQL built at run time`] : []),
      ...(read.unreadable.builder.length > 0 ? [`MigrationBuilder calls not linted (names built at run time, or calls continuity does not translate): ${[...new Set(read.unreadable.builder)].join(', ')}`] : []),
      ...(read.unreadable.helpers > 0 ? [`${read.unreadable.helpers} call(s) of the migration's own methods given the MigrationBuilder, not read`] : []),
    ].join('; ');
    migrations.push({
      id: path.split('/').pop()!.replace(/\.cs$/, ''),
      up: path,
      down: !down ? { status: 'missing' } : strippedCode(down.body) === '' ? { status: 'empty', path } : { status: 'present', path },
      sql,
      ...(notAnalysed ? { notAnalysed } : {}),
    });
  }
  return setsByDirectory('ef-core', migrations);
}
