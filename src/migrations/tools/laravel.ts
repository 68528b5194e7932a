// Laravel migrations (PHP): `database/migrations/<timestamp>_<name>.php`
// classes extending Migration. The up() method's schema-builder calls become
// the SQL they run (`$table->dropColumn('a')` -> `ALTER TABLE t DROP COLUMN a`)
// and `DB::statement()`/`DB::unprepared()` literals are read as SQL; all are
// linted by the same rules, located at the call. Nothing is executed.
import type { RepoFiles } from '../repo-files';
import type { Migration, DetectedSet, SqlSource, TransactionMode } from '../types';
import { lineAt, literalAt, maskCode, matchingBrace, quoted, quotedQualified as qualified, rawSqlLiterals, splitTopLevel, strippedCode } from './code-text';
import { setsByDirectory } from './sets';

const MIGRATION_FILE = /(^|\/)database\/migrations\/(?:[^/]+\/)*[^/]+\.php$/;

/** A PHP method's body (without braces) and its offset in the file. */
function phpMethod(text: string, name: string): { text: string; start: number } | undefined {
  const match = new RegExp(`function\\s+${name}\\s*\\([^)]*\\)\\s*(?::\\s*\\??[\\w\\\\]+\\s*)?\\{`).exec(maskCode(text));
  if (!match) return undefined;
  const open = match.index + match[0].length - 1;
  return { text: text.slice(open + 1, matchingBrace(text, open) - 1), start: open + 1 };
}

/** A call chain `->a(...)->b(...)` after `start`, as its method names and argument texts. */
function phpChain(text: string, start: number): { name: string; args: string[] }[] {
  const calls: { name: string; args: string[] }[] = [];
  let i = start;
  for (;;) {
    const step = /^\s*->\s*(\w+)\s*\(/.exec(text.slice(i));
    if (!step) return calls;
    const open = i + step[0].length - 1;
    const close = matchingBrace(text, open);
    calls.push({ name: step[1]!, args: splitTopLevel(text.slice(open + 1, close - 1)).map((a) => a.text) });
    i = close;
  }
}

/** A plain PHP string literal's value, or the strings of an array literal (`['a', 'b']`). */
function phpStrings(arg: string | undefined): string[] | undefined {
  if (arg === undefined) return undefined;
  const one = phpString(arg);
  if (one !== undefined) return [one];
  if (!/^\[[\s\S]*\]$/.test(arg)) return undefined;
  const items = splitTopLevel(arg.slice(1, -1)).map((a) => phpString(a.text));
  return items.every((i) => i !== undefined) ? (items as string[]) : undefined;
}

function phpString(arg: string | undefined): string | undefined {
  if (arg === undefined || !/^['"]/.test(arg)) return undefined;
  const literal = literalAt(arg, 0);
  // A double-quoted string may interpolate a variable.
  if (literal === 'unreadable' || literal.index + literal.sql.length + 1 !== arg.length || (arg.startsWith('"') && /\$\w|\{\$/.test(literal.sql))) return undefined;
  return literal.sql;
}


/** SQL types of Blueprint's column methods, as PostgreSQL's grammar makes them. */
const COLUMN_TYPES: Record<string, string> = {
  id: 'bigserial', increments: 'serial', bigIncrements: 'bigserial', smallIncrements: 'smallserial', integer: 'integer', bigInteger: 'bigint', smallInteger: 'smallint',
  tinyInteger: 'smallint', unsignedInteger: 'integer', unsignedBigInteger: 'bigint', foreignId: 'bigint', foreignUuid: 'uuid', string: 'varchar(255)', char: 'char(255)',
  text: 'text', mediumText: 'text', longText: 'text', tinyText: 'varchar(255)', boolean: 'boolean', date: 'date', dateTime: 'timestamp', dateTimeTz: 'timestamptz',
  timestamp: 'timestamp', timestampTz: 'timestamptz', time: 'time', timeTz: 'timetz', year: 'integer', float: 'double precision', double: 'double precision',
  decimal: 'numeric', unsignedDecimal: 'numeric', json: 'json', jsonb: 'jsonb', uuid: 'uuid', ulid: 'char(26)', binary: 'bytea', enum: 'varchar(255)',
  ipAddress: 'inet', macAddress: 'macaddr', geometry: 'geometry', geography: 'geography',
};

/** Blueprint calls that add nullable columns by their own definition. */
const NULLABLE_COLUMNS: Record<string, string[]> = {
  timestamps: ['created_at timestamp', 'updated_at timestamp'],
  timestampsTz: ['created_at timestamptz', 'updated_at timestamptz'],
  nullableTimestamps: ['created_at timestamp', 'updated_at timestamp'],
  softDeletes: ['deleted_at timestamp'],
  softDeletesTz: ['deleted_at timestamptz'],
  rememberToken: ['remember_token varchar(100)'],
};

const DROPPED_COLUMNS: Record<string, string[]> = {
  dropTimestamps: ['created_at', 'updated_at'],
  dropTimestampsTz: ['created_at', 'updated_at'],
  dropSoftDeletes: ['deleted_at'],
  dropSoftDeletesTz: ['deleted_at'],
  dropRememberToken: ['remember_token'],
};

/** Blueprint calls that change nothing in the database (modifiers read with their column, table options). */
const NO_SQL = new Set(['engine', 'charset', 'collation', 'temporary', 'comment']);

/** The statements of one `$table->…;` statement of a Blueprint callback on an existing table; undefined when it cannot be read. */
function blueprintStatement(t: string, table: string, chain: { name: string; args: string[] }[]): string[] | undefined {
  const [first, ...rest] = chain;
  if (!first) return [];
  const has = (name: string) => rest.some((c) => c.name === name);
  const argOf = (name: string) => rest.find((c) => c.name === name)?.args[0];
  const names = phpStrings(first.args[0]);
  const alter = (sql: string) => `ALTER TABLE ${t} ${sql}`;
  if (NO_SQL.has(first.name)) return [];
  if (DROPPED_COLUMNS[first.name]) return DROPPED_COLUMNS[first.name]!.map((c) => alter(`DROP COLUMN ${quoted(c)}`));
  if (NULLABLE_COLUMNS[first.name]) return NULLABLE_COLUMNS[first.name]!.map((c) => alter(`ADD COLUMN ${c}`));
  switch (first.name) {
    case 'dropColumn': {
      const columns = first.args.length > 1 ? first.args.map((a) => phpString(a)) : (names ?? [undefined]);
      return columns.every((c) => c !== undefined) ? columns.map((c) => alter(`DROP COLUMN ${quoted(c!)}`)) : undefined;
    }
    case 'dropMorphs':
      return names ? [alter(`DROP COLUMN ${quoted(`${names[0]}_type`)}`), alter(`DROP COLUMN ${quoted(`${names[0]}_id`)}`)] : undefined;
    case 'renameColumn': {
      const to = phpString(first.args[1]);
      return names?.length === 1 && to !== undefined ? [alter(`RENAME COLUMN ${quoted(names[0]!)} TO ${quoted(to)}`)] : undefined;
    }
    case 'rename':
      return names?.length === 1 ? [alter(`RENAME TO ${quoted(names[0]!)}`)] : undefined;
    case 'index':
    case 'spatialIndex':
    case 'fullText':
      return names ? [`CREATE INDEX ON ${t} (${names.map(quoted).join(', ')})`] : undefined;
    case 'unique':
    case 'primary':
      return names ? [alter(`ADD ${first.name === 'unique' ? 'UNIQUE' : 'PRIMARY KEY'} (${names.map(quoted).join(', ')})`)] : undefined;
    case 'foreign': {
      const on = phpString(argOf('on'));
      return names && on !== undefined ? [alter(`ADD FOREIGN KEY (${names.map(quoted).join(', ')}) REFERENCES ${qualified(on)}`)] : undefined;
    }
    case 'dropIndex':
    case 'dropSpatialIndex':
    case 'dropFullText': {
      // Laravel names an index <table>_<columns>_index when given columns.
      const index = phpString(first.args[0]) ?? (names ? `${table}_${names.join('_')}_index` : undefined);
      return index === undefined ? undefined : [`DROP INDEX ${quoted(index)}`];
    }
    case 'dropUnique':
    case 'dropPrimary':
    case 'dropForeign': {
      const suffix = first.name === 'dropUnique' ? 'unique' : first.name === 'dropPrimary' ? 'pkey' : 'foreign';
      const constraint = phpString(first.args[0]) ?? (names ? `${table}_${names.join('_')}_${suffix}` : first.name === 'dropPrimary' ? `${table}_pkey` : undefined);
      return constraint === undefined ? undefined : [alter(`DROP CONSTRAINT ${quoted(constraint)}`)];
    }
    case 'renameIndex':
      return undefined;
    case 'morphs':
    case 'nullableMorphs': {
      if (!names) return undefined;
      const notNull = first.name === 'morphs' ? ' NOT NULL' : '';
      return [alter(`ADD COLUMN ${quoted(`${names[0]}_type`)} varchar(255)${notNull}`), alter(`ADD COLUMN ${quoted(`${names[0]}_id`)} bigint${notNull}`)];
    }
    default: {
      const type = COLUMN_TYPES[first.name];
      if (type === undefined || names?.length !== 1) return undefined;
      const column = quoted(names[0]!);
      // ->change() redefines the column: its type, and NOT NULL unless ->nullable().
      if (has('change')) return [alter(`ALTER COLUMN ${column} TYPE ${type}`), alter(`ALTER COLUMN ${column} ${has('nullable') ? 'DROP' : 'SET'} NOT NULL`)];
      const defaultValue = argOf('default');
      const literalDefault = defaultValue === undefined ? undefined : (phpString(defaultValue) !== undefined ? `'${phpString(defaultValue)!.replace(/'/g, "''")}'` : /^(true|false|null|-?\d+(\.\d+)?)$/i.test(defaultValue) ? defaultValue : "'0'");
      const constrained = has('constrained') ? (phpString(argOf('constrained')) ?? `${names[0]!.replace(/_id$/, '')}s`) : phpString(argOf('on'));
      return [
        alter(
          [
            `ADD COLUMN ${column} ${type}`,
            // Laravel's columns are NOT NULL unless ->nullable(); serial ones get their default from a sequence.
            has('nullable') || /serial$/.test(type) ? '' : 'NOT NULL',
            literalDefault !== undefined ? `DEFAULT ${literalDefault}` : has('useCurrent') ? 'DEFAULT CURRENT_TIMESTAMP' : '',
            has('unique') ? 'UNIQUE' : has('primary') ? 'PRIMARY KEY' : '',
            constrained ? `REFERENCES ${qualified(constrained)}` : '',
          ]
            .filter(Boolean)
            .join(' '),
        ),
      ];
    }
  }
}

/** Facade calls that only inspect the schema or the connection. */
const SCHEMA_QUERIES = /^(has\w*|get\w*|enableForeignKeyConstraints|disableForeignKeyConstraints|withoutForeignKeyConstraints|defaultStringLength|connection|whenTableHasColumn|whenTableDoesntHaveColumn)$/;

interface LaravelSql {
  sql: string;
  index: number;
  code: string;
}

/** The SQL of the `Schema::…` calls of an up() body, and the number that could not be read. */
function schemaCalls(body: string): { sql: LaravelSql[]; unreadable: number } {
  const masked = maskCode(body);
  const found: LaravelSql[] = [];
  let unreadable = 0;
  for (const match of masked.matchAll(/\bSchema::(?:connection\s*\([^)]*\)\s*->\s*)?(\w+)\s*\(/g)) {
    const open = match.index! + match[0].length - 1;
    const close = matchingBrace(body, open);
    const args = splitTopLevel(body.slice(open + 1, close - 1));
    const code = body.slice(match.index!, close).replace(/\s+/g, ' ');
    const push = (sql: string, index = match.index!, shown = code) => found.push({ sql, index, code: shown.length > 160 ? `${shown.slice(0, 159)}…` : shown });
    const table = phpString(args[0]?.text);
    const t = table === undefined ? undefined : qualified(table);
    const method = match[1]!;
    if (SCHEMA_QUERIES.test(method)) continue;
    if (t === undefined) {
      unreadable++;
      continue;
    }
    if (method === 'create') push(`CREATE TABLE ${t} (id integer)`);
    else if (method === 'drop' || method === 'dropIfExists') push(`DROP TABLE ${t}`);
    else if (method === 'rename' && phpString(args[1]?.text) !== undefined) push(`ALTER TABLE ${t} RENAME TO ${quoted(phpString(args[1]?.text)!)}`);
    else if (method === 'dropColumns' && phpStrings(args[1]?.text)) for (const c of phpStrings(args[1]?.text)!) push(`ALTER TABLE ${t} DROP COLUMN ${quoted(c)}`);
    else if (method === 'table' && args[1]) {
      // The Blueprint callback: `function (Blueprint $table) { … }` or `fn (Blueprint $table) => …`.
      const param = /^(?:static\s+)?(?:function|fn)\s*\(\s*(?:[\w\\]+\s+)?(\$\w+)/.exec(args[1].text)?.[1];
      const braceAt = args[1].text.indexOf('{');
      if (!param || braceAt === -1) {
        unreadable++;
        continue;
      }
      const calleeStart = open + 1 + args[1].start + braceAt;
      const inner = body.slice(calleeStart + 1, matchingBrace(body, calleeStart) - 1);
      for (const part of splitTopLevel(inner, ';')) {
        // Comments before a statement belong to no call.
        const lead = /^(?:\s*(?:\/\/[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/))*\s*/.exec(part.text)![0].length;
        const statement = { text: part.text.slice(lead), start: part.start + lead };
        if (statement.text === '') continue;
        const receiver = new RegExp(`^\\${param}(?=\\s*->)`).exec(statement.text);
        if (!receiver) {
          unreadable++;
          continue;
        }
        const statements = blueprintStatement(t, table!, phpChain(statement.text, receiver[0].length));
        const at = calleeStart + 1 + statement.start;
        if (statements === undefined) unreadable++;
        else for (const sql of statements) push(sql, at, statement.text.replace(/\s+/g, ' '));
      }
    } else unreadable++;
  }
  return { sql: found, unreadable };
}

function laravelDown(text: string): Migration['down'] {
  const down = phpMethod(text, 'down');
  if (!down) return { status: 'missing' };
  const code = strippedCode(down.text);
  if (code === '' || /^return;?$/.test(code)) return { status: 'empty' };
  if (/^throw\b/.test(code)) return { status: 'irreversible', detail: 'down throws' };
  return { status: 'present' };
}

export async function detectLaravel(repo: RepoFiles): Promise<DetectedSet[]> {
  const migrations: Migration[] = [];
  for (const path of repo.files.filter((f) => MIGRATION_FILE.test(f)).sort()) {
    const text = await repo.read(path);
    if (!/\bextends\s+Migration\b/.test(text)) continue;
    const up = phpMethod(text, 'up');
    // Laravel runs a migration in a transaction on PostgreSQL unless it sets $withinTransaction = false.
    const transaction: TransactionMode = /\$withinTransaction\s*=\s*false/.test(text) ? 'autocommit' : 'tool';
    const raw = up ? rawSqlLiterals(up.text, /\bDB::(?:connection\s*\([^)]*\)\s*->\s*)?(?:statement|unprepared)\s*\(/g) : { literals: [], unreadable: 0 };
    const schema = up ? schemaCalls(up.text) : { sql: [], unreadable: 0 };
    const sql: SqlSource[] = up
      ? [
          ...raw.literals.map((l) => ({ path, sql: l.sql, line: lineAt(text, up.start + l.index), transaction })),
          ...schema.sql.map((s) => ({ path, sql: s.sql, line: lineAt(text, up.start + s.index), transaction, code: s.code })),
        ].sort((a, b) => a.line - b.line)
      : [];
    // The migration's own methods ($this->dropLegacyIndexes()) change the schema unread.
    const ownCalls = up ? [...maskCode(up.text).matchAll(/\$this\s*->\s*\w+\s*\(/g)].length : 0;
    const notAnalysed = [
      ...(raw.unreadable > 0 ? [`${raw.unreadable} DB::statement call(s) with SQL built at run time`] : []),
      ...(ownCalls > 0 ? [`${ownCalls} call(s) of the migration's own methods, not read`] : []),
      ...(schema.unreadable > 0 ? [`${schema.unreadable} schema-builder call(s) not read (names built at run time, or calls continuity does not translate)`] : []),
    ].join('; ');
    migrations.push({
      id: path.split('/').pop()!.replace(/\.php$/, ''),
      up: path,
      down: { ...laravelDown(text), path },
      sql,
      ...(notAnalysed ? { notAnalysed } : {}),
    });
  }
  return setsByDirectory('laravel', migrations);
}
