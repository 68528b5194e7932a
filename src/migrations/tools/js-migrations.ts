// JavaScript and TypeScript migrations: Knex, Sequelize (queryInterface),
// TypeORM (queryRunner), node-pg-migrate (pgm), db-migrate (db), Kysely (db.schema) and others
// exporting up/down in any shape. The up function's raw SQL and its
// schema-builder calls are read statically: each builder call becomes the SQL
// it runs (`table.dropColumn('a')` -> `ALTER TABLE t DROP COLUMN a`), linted by
// the same rules as SQL, located at the call. Nothing is executed.
import { dirOf, type RepoFiles } from '../repo-files';
import type { DetectedSet, Migration, MigrationTool, SqlSource, TransactionMode } from '../types';
import { groupBy } from '../../util';
import { findFunction, lineAt, literalAt, maskCode, matchingBrace, splitTopLevel, stringEnd, strippedCode, writtenSqlType, type FunctionText } from './code-text';
import { setsByDirectory } from './sets';

const JS_FILE = /\.(c|m)?(j|t)s$/;

interface Segment {
  name: string;
  /** Arguments, when the segment is a call. */
  args?: { text: string; start: number }[];
  /** Offset of the segment's name in the body. */
  at: number;
}

/** A chain of property accesses and calls on a receiver: `knex.schema.withSchema('app').alterTable('t', cb)`. */
interface Chain {
  segments: Segment[];
  /** Offset of the receiver in the body, and just past the chain. */
  start: number;
  end: number;
}

/** Every chain starting at one of `receivers` in `body` (a function body). */
function chainsOn(body: string, receivers: string[]): Chain[] {
  if (receivers.length === 0) return [];
  const masked = maskCode(body);
  const pattern = new RegExp(`(?<![\\w$.])(?:${receivers.map((r) => r.replace(/\$/g, '\\$')).join('|')})(?=\\s*\\.)`, 'g');
  const chains: Chain[] = [];
  for (const match of masked.matchAll(pattern)) {
    const segments: Segment[] = [];
    let i = match.index! + match[0].length;
    for (;;) {
      const step = /^\s*\.\s*([A-Za-z_$][\w$]*)/.exec(masked.slice(i));
      if (!step) break;
      const at = i + step[0].length - step[1]!.length;
      i += step[0].length;
      const call = /^\s*(?:<[^>()]*>)?\s*\(/.exec(masked.slice(i));
      if (call) {
        const open = i + call[0].length - 1;
        const close = matchingBrace(masked, open);
        segments.push({ name: step[1]!, args: splitTopLevel(body.slice(open + 1, close - 1)).map((a) => ({ text: a.text, start: open + 1 + a.start })), at });
        i = close;
      } else segments.push({ name: step[1]!, at });
    }
    if (segments.length > 0) chains.push({ segments, start: match.index!, end: i });
  }
  return chains;
}

/** A plain string literal argument's value. */
function str(arg: { text: string } | undefined): string | undefined {
  if (!arg) return undefined;
  const literal = literalAt(arg.text, 0);
  return literal === 'unreadable' || literal.index + literal.sql.length + 1 !== arg.text.length ? undefined : literal.sql;
}

/** A string or an array of strings (`'a'`, `['a', 'b']`). */
function strs(arg: { text: string } | undefined): string[] | undefined {
  if (!arg) return undefined;
  const one = str(arg);
  if (one !== undefined) return [one];
  if (!arg.text.startsWith('[')) return undefined;
  const items = splitTopLevel(arg.text.slice(1, -1)).map((a) => str(a));
  return items.every((i) => i !== undefined) ? (items as string[]) : undefined;
}

/** The source text of `key: value` at the top level of an object literal argument. */
function option(arg: { text: string } | undefined, key: string): string | undefined {
  if (!arg?.text.startsWith('{') && !/^new\s+\w+\s*\(\s*\{/.test(arg?.text ?? '')) return undefined;
  const inner = arg!.text.slice(arg!.text.indexOf('{') + 1, arg!.text.lastIndexOf('}'));
  for (const part of splitTopLevel(inner)) {
    const m = /^["']?([\w$]+)["']?\s*:\s*([\s\S]*)$/.exec(part.text);
    if (m && m[1] === key) return m[2]!.trim();
  }
  return undefined;
}

const quoteName = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
const qualified = (name: string) => name.split('.').map(quoteName).join('.');

/** A SQL type for a builder's type name (`string`, `Sequelize.BIGINT`, `'bigint'`); text when it cannot be read, since only the change matters. */
function sqlType(name: string | undefined): string {
  const key = (name ?? '').replace(/^(Sequelize|DataTypes|sequelize)\./, '').replace(/\(.*$/, '').replace(/['"]/g, '').toLowerCase();
  const known: Record<string, string> = {
    increments: 'serial', bigincrements: 'bigserial', integer: 'integer', int: 'integer', bigint: 'bigint', biginteger: 'bigint', smallint: 'smallint', tinyint: 'smallint',
    string: 'varchar(255)', text: 'text', boolean: 'boolean', date: 'timestamptz', dateonly: 'date', datetime: 'timestamptz', timestamp: 'timestamptz', time: 'time',
    float: 'real', double: 'double precision', decimal: 'numeric', real: 'real', json: 'json', jsonb: 'jsonb', uuid: 'uuid', binary: 'bytea', enum: 'text', enu: 'text',
  };
  if (known[key]) return known[key]!;
  return /^[a-z_][a-z0-9_ ]*(\(\d+(,\s*\d+)?\))?$/.test(key) ? key : 'text';
}

/** A default value's SQL: literals as written, calls of `knex.fn.now()`/`Sequelize.NOW` as now(), `knex.raw('…')` as its SQL, anything else as a constant. */
function sqlDefault(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^(true|false|null|-?\d+(\.\d+)?)$/.test(value)) return value;
  const literal = str({ text: value });
  if (literal !== undefined) return `'${literal.replace(/'/g, "''")}'`;
  const raw = /\.raw\(\s*(['"`])([^'"`]*)\1\s*\)|^sql\s*`([^`$]*)`$/.exec(value);
  if (raw) return raw[2] ?? raw[3];
  return /\bnow\b|NOW/.test(value) ? 'now()' : "'0'";
}

type ColumnOptions = { type?: string; notNull?: boolean; defaultValue?: string; unique?: boolean; primary?: boolean; references?: string };

function columnSql(column: string, o: ColumnOptions): string {
  return [
    `${quoteName(column)} ${o.type ?? 'text'}`,
    o.notNull ? 'NOT NULL' : '',
    o.defaultValue !== undefined ? `DEFAULT ${o.defaultValue}` : '',
    o.primary ? 'PRIMARY KEY' : o.unique ? 'UNIQUE' : '',
    o.references ? `REFERENCES ${qualified(o.references)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Sequelize / node-pg-migrate / db-migrate / TypeORM column options in an object literal. */
function objectColumn(arg: { text: string } | undefined): ColumnOptions {
  const notNull = option(arg, 'allowNull') === 'false' || option(arg, 'notNull') === 'true' || option(arg, 'isNullable') === 'false' || option(arg, 'nullable') === 'false';
  const refs = option(arg, 'references');
  const referenced = refs ? (str({ text: refs }) ?? /\b(?:model|table)\s*:\s*(['"])([\w.]+)\1/.exec(refs)?.[2]) : undefined;
  const defaultValue = option(arg, 'defaultValue') ?? option(arg, 'default');
  return {
    type: sqlType(option(arg, 'type')),
    notNull,
    ...(defaultValue !== undefined ? { defaultValue: sqlDefault(defaultValue)! } : {}),
    unique: option(arg, 'unique') === 'true' || option(arg, 'isUnique') === 'true',
    primary: option(arg, 'primaryKey') === 'true' || option(arg, 'isPrimary') === 'true',
    ...(referenced ? { references: referenced } : {}),
  };
}

/** The columns of a Knex column-builder chain inside `alterTable('t', (table) => { … })`. */
function knexTableBody(table: string, callback: FunctionText): { sql: BuilderSql[]; unreadable: number } {
  const param = callback.params[0];
  const result: BuilderSql[] = [];
  let unreadable = 0;
  const t = qualified(table);
  for (const chain of chainsOn(callback.body, param ? [param] : [])) {
    const [first, ...rest] = chain.segments;
    if (!first?.args) continue;
    const at = callback.start + chain.start;
    const end = callback.start + chain.end;
    const code = callback.body.slice(chain.start, chain.end);
    const names = first.args.map((a) => str(a));
    const push = (sql: string) => result.push({ sql, at, end, code });
    const has = (name: string) => rest.some((s) => s.name === name);
    const arg0 = names[0];
    switch (first.name) {
      case 'dropColumn':
      case 'dropColumns':
        if (names.every((n) => n !== undefined)) names.forEach((n) => push(`ALTER TABLE ${t} DROP COLUMN ${quoteName(n!)}`));
        else unreadable++;
        break;
      case 'renameColumn':
        if (names[0] !== undefined && names[1] !== undefined) push(`ALTER TABLE ${t} RENAME COLUMN ${quoteName(names[0])} TO ${quoteName(names[1])}`);
        else unreadable++;
        break;
      case 'dropNullable':
      case 'setNullable':
        if (arg0 === undefined) unreadable++;
        else push(`ALTER TABLE ${t} ALTER COLUMN ${quoteName(arg0)} ${first.name === 'dropNullable' ? 'SET' : 'DROP'} NOT NULL`);
        break;
      case 'index':
      case 'unique':
      case 'primary': {
        const columns = strs(first.args[0]);
        if (!columns) unreadable++;
        else if (first.name === 'index') push(`CREATE INDEX ON ${t} (${columns.map(quoteName).join(', ')})`);
        else push(`ALTER TABLE ${t} ADD ${first.name === 'unique' ? 'UNIQUE' : 'PRIMARY KEY'} (${columns.map(quoteName).join(', ')})`);
        break;
      }
      case 'foreign': {
        const columns = strs(first.args[0]);
        const references = str(rest.find((s) => s.name === 'references')?.args?.[0]);
        const inTable = str(rest.find((s) => s.name === 'inTable')?.args?.[0]);
        const target = inTable ?? references?.split('.').slice(0, -1).join('.');
        if (!columns || !target) unreadable++;
        else push(`ALTER TABLE ${t} ADD FOREIGN KEY (${columns.map(quoteName).join(', ')}) REFERENCES ${qualified(target)}`);
        break;
      }
      case 'dropIndex': {
        const name = str(first.args[1]);
        const columns = strs(first.args[0]);
        // Knex names an index table_columns_index unless given a name.
        const index = name ?? (columns ? `${table.split('.').pop()}_${columns.join('_')}_index` : undefined);
        if (!index) unreadable++;
        else push(`DROP INDEX ${quoteName(index.toLowerCase())}`);
        break;
      }
      case 'dropUnique':
      case 'dropPrimary':
      case 'dropForeign':
        push(`ALTER TABLE ${t} DROP CONSTRAINT ${quoteName(str(first.args[1]) ?? str(first.args[0]) ?? `${table.split('.').pop()}_constraint`)}`);
        break;
      case 'timestamps':
        push(`ALTER TABLE ${t} ADD COLUMN created_at timestamptz, ADD COLUMN updated_at timestamptz`);
        break;
      default: {
        // A column builder: `table.string('note').notNullable()` adds a column; with `.alter()` it changes one.
        const type = first.name === 'specificType' ? str(first.args[1]) : first.name;
        if (!/^(increments|bigIncrements|integer|bigInteger|bigint|tinyint|smallint|mediumint|text|string|float|double|decimal|boolean|date|datetime|timestamp|time|binary|json|jsonb|uuid|enu|enum|specificType)$/.test(first.name)) break;
        if (arg0 === undefined) {
          unreadable++;
          break;
        }
        if (has('alter')) {
          push(`ALTER TABLE ${t} ALTER COLUMN ${quoteName(arg0)} TYPE ${sqlType(type)}`);
          if (has('notNullable')) push(`ALTER TABLE ${t} ALTER COLUMN ${quoteName(arg0)} SET NOT NULL`);
          break;
        }
        const defaultTo = rest.find((s) => s.name === 'defaultTo')?.args?.[0]?.text;
        const references = str(rest.find((s) => s.name === 'references')?.args?.[0]);
        const inTable = str(rest.find((s) => s.name === 'inTable')?.args?.[0]);
        const target = inTable ?? (references?.includes('.') ? references.split('.').slice(0, -1).join('.') : undefined);
        push(
          `ALTER TABLE ${t} ADD COLUMN ${columnSql(arg0, {
            type: sqlType(type),
            notNull: has('notNullable'),
            ...(defaultTo !== undefined ? { defaultValue: sqlDefault(defaultTo)! } : {}),
            unique: has('unique'),
            primary: has('primary'),
            ...(target ? { references: target } : {}),
          })}`,
        );
      }
    }
  }
  return { sql: result, unreadable };
}

/** SQL one builder call runs, located by offsets in the file; `code` is the call when it is not the whole chain. */
interface BuilderSql {
  sql: string;
  at: number;
  end: number;
  code?: string;
}

/** The SQL of one builder call chain, per tool; `undefined` when the chain is no schema change the linter reads. */
type Translator = (chain: Chain, body: FunctionText) => { sql: BuilderSql[]; unreadable: number } | undefined;

const one = (chain: Chain, body: FunctionText, sql: string | undefined) => ({
  sql: sql === undefined ? [] : [{ sql, at: body.start + chain.start, end: body.start + chain.end }],
  unreadable: sql === undefined ? 1 : 0,
});

/** Methods shared by the table-and-column builders of Sequelize, TypeORM, node-pg-migrate and db-migrate (arguments: table first). */
function tableMethod(chain: Chain, body: FunctionText, segment: Segment, style: 'sequelize' | 'typeorm' | 'pgm' | 'db-migrate'): ReturnType<Translator> {
  const args = segment.args ?? [];
  const table = str(args[0]) ?? (style === 'typeorm' ? str({ text: option(args[0], 'name') ?? '' }) : undefined);
  const t = table ? qualified(table) : undefined;
  const sql = (text: string | undefined) => one(chain, body, t === undefined ? undefined : text);
  switch (segment.name) {
    case 'createTable':
      return sql(`CREATE TABLE ${t} (id integer)`);
    case 'dropTable':
      return sql(`DROP TABLE ${t}`);
    case 'renameTable':
      return sql(str(args[1]) === undefined ? undefined : `ALTER TABLE ${t} RENAME TO ${quoteName(str(args[1])!)}`);
    case 'removeColumn':
    case 'dropColumn':
    case 'dropColumns': {
      const columns = strs(args[1]) ?? (style === 'typeorm' ? [str({ text: option(args[1], 'name') ?? '' })].filter((c): c is string => c !== undefined) : undefined);
      if (!t || !columns || columns.length === 0) return one(chain, body, undefined);
      return { sql: columns.map((c) => ({ sql: `ALTER TABLE ${t} DROP COLUMN ${quoteName(c)}`, at: body.start + chain.start, end: body.start + chain.end })), unreadable: 0 };
    }
    case 'renameColumn': {
      const from = str(args[1]);
      const to = str(args[2]);
      return sql(from === undefined || to === undefined ? undefined : `ALTER TABLE ${t} RENAME COLUMN ${quoteName(from)} TO ${quoteName(to)}`);
    }
    case 'addColumn':
    case 'addColumns': {
      if (style === 'pgm' && args[1]?.text.startsWith('{')) {
        const columns = splitTopLevel(args[1].text.slice(1, -1)).map((part) => /^["']?([\w$]+)["']?\s*:\s*([\s\S]*)$/.exec(part.text)).filter((m): m is RegExpExecArray => m !== null);
        if (!t) return one(chain, body, undefined);
        return {
          sql: columns.map((m) => ({
            sql: `ALTER TABLE ${t} ADD COLUMN ${columnSql(m[1]!, m[2]!.startsWith('{') ? objectColumn({ text: m[2]! }) : { type: sqlType(str({ text: m[2]! })) })}`,
            at: body.start + chain.start,
            end: body.start + chain.end,
          })),
          unreadable: 0,
        };
      }
      const column = style === 'typeorm' ? str({ text: option(args[1], 'name') ?? '' }) : str(args[1]);
      const options = style === 'typeorm' ? objectColumn(args[1]) : objectColumn(args[2]);
      return sql(column === undefined ? undefined : `ALTER TABLE ${t} ADD COLUMN ${columnSql(column, options)}`);
    }
    case 'changeColumn':
    case 'alterColumn': {
      const column = str(args[1]) ?? (style === 'typeorm' ? str({ text: option(args[1], 'name') ?? '' }) : undefined);
      const options = objectColumn(args[2]);
      if (!t || column === undefined) return one(chain, body, undefined);
      const at = body.start + chain.start;
      const end = body.start + chain.end;
      const typeGiven = option(args[2], 'type') !== undefined;
      const statements = [
        ...(typeGiven ? [`ALTER TABLE ${t} ALTER COLUMN ${quoteName(column)} TYPE ${options.type}`] : []),
        ...(options.notNull ? [`ALTER TABLE ${t} ALTER COLUMN ${quoteName(column)} SET NOT NULL`] : []),
        ...(option(args[2], 'allowNull') === 'true' || option(args[2], 'notNull') === 'false' || option(args[2], 'isNullable') === 'true' ? [`ALTER TABLE ${t} ALTER COLUMN ${quoteName(column)} DROP NOT NULL`] : []),
      ];
      return { sql: statements.map((s) => ({ sql: s, at, end })), unreadable: 0 };
    }
    case 'addIndex':
    case 'createIndex': {
      const columnsArg = style === 'db-migrate' ? args[2] : args[1];
      const columns = strs(columnsArg) ?? strs({ text: option(columnsArg, 'fields') ?? option(columnsArg, 'columnNames') ?? '' });
      const optionsArg = style === 'db-migrate' ? args[3] : style === 'sequelize' && option(columnsArg, 'fields') ? columnsArg : args[2];
      const concurrently = option(optionsArg, 'concurrently') === 'true';
      const unique = option(optionsArg, 'unique') === 'true' || option(columnsArg, 'isUnique') === 'true' || option(columnsArg, 'unique') === 'true' || args[3]?.text === 'true';
      return sql(columns ? `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}ON ${t} (${columns.map(quoteName).join(', ')})` : undefined);
    }
    case 'removeIndex':
    case 'dropIndex': {
      const name = style === 'db-migrate' && args.length === 1 ? str(args[0]) : str(args[1]) ?? str({ text: option(args[2], 'name') ?? '' });
      const concurrently = option(args[2], 'concurrently') === 'true';
      return one(chain, body, name === undefined ? undefined : `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${quoteName(name)}`);
    }
    case 'addConstraint':
    case 'createForeignKey':
    case 'createUniqueConstraint':
    case 'createPrimaryKey':
    case 'addForeignKey': {
      const spec = style === 'pgm' ? args[2] : args[1];
      const type = (str({ text: option(spec, 'type') ?? '' }) ?? '').toLowerCase();
      const columns = strs({ text: option(spec, 'fields') ?? option(spec, 'columnNames') ?? option(spec, 'columns') ?? '' }) ?? [];
      const cols = columns.map(quoteName).join(', ') || 'id';
      let constraint: string;
      if (segment.name === 'createForeignKey' || segment.name === 'addForeignKey' || type === 'foreign key' || option(spec, 'foreignKeys') || option(spec, 'references')) {
        const target = str(args[1]) && segment.name === 'addForeignKey' ? str(args[1])! : str({ text: option(spec, 'referencedTableName') ?? '' }) ?? /\btable\s*:\s*(['"])([\w.]+)\1/.exec(option(spec, 'references') ?? option(spec, 'foreignKeys') ?? '')?.[2] ?? 'referenced_table';
        constraint = `FOREIGN KEY (${cols}) REFERENCES ${qualified(target)}`;
      } else if (segment.name === 'createUniqueConstraint' || type === 'unique' || option(spec, 'unique')) constraint = `UNIQUE (${cols})`;
      else if (segment.name === 'createPrimaryKey' || type === 'primary key' || option(spec, 'primaryKey')) constraint = `PRIMARY KEY (${cols})`;
      else if (type === 'check' || option(spec, 'check')) constraint = 'CHECK (true)';
      else return one(chain, body, undefined);
      return sql(`ALTER TABLE ${t} ADD ${constraint}`);
    }
    case 'removeConstraint':
    case 'dropConstraint':
    case 'dropForeignKey': {
      const name = str(args[1]) ?? 'constraint_name';
      return sql(`ALTER TABLE ${t} DROP CONSTRAINT ${quoteName(name)}`);
    }
    default:
      return undefined;
  }
}

/** Calls of Kysely's builders that only qualify the statement they are chained to. */
const KYSELY_MODIFIERS = new Set(['execute', 'compile', 'ifExists', 'ifNotExists', 'cascade', 'onDelete', 'onUpdate', 'deferrable', 'initiallyDeferred', 'initiallyImmediate', 'notDeferrable', 'nullsNotDistinct', 'using', 'where', 'column', 'columns', 'on', 'unique', 'materialized', 'concurrently', '$call']);

/** A Kysely data type is SQL already (`'varchar(100)'`, sql`uuid[]`): kept as written when it reads as a type name. */
function kyselyType(arg: { text: string } | undefined): string {
  const written = str(arg) ?? /^sql\s*`([^`$]*)`$/.exec(arg?.text ?? '')?.[1];
  return writtenSqlType(written) ?? sqlType(written);
}

/** The SQL of the column options a Kysely `addColumn` callback sets: `(col) => col.notNull().defaultTo(sql`now()`)`. */
function kyselyColumn(body: FunctionText, name: string, type: string, callbackArg: { start: number } | undefined): string {
  const callback = callbackArg ? findCallback(body, callbackArg.start) : undefined;
  const param = callback?.params[0];
  const segments = callback && param ? chainsOn(callback.body, [param]).flatMap((c) => c.segments) : [];
  const has = (method: string) => segments.some((s) => s.name === method);
  const defaultTo = segments.find((s) => s.name === 'defaultTo')?.args?.[0]?.text;
  const references = str(segments.find((s) => s.name === 'references')?.args?.[0]);
  return columnSql(name, {
    type,
    notNull: has('notNull'),
    ...(defaultTo !== undefined ? { defaultValue: sqlDefault(defaultTo)! } : {}),
    unique: has('unique'),
    primary: has('primaryKey'),
    ...(references?.includes('.') ? { references: references.split('.').slice(0, -1).join('.') } : {}),
  });
}

/** The statements of a Kysely `db.schema.alterTable(t)` chain: each altering call is one ALTER TABLE. */
function kyselyAlterTable(t: string, segments: Segment[], body: FunctionText): { sql: string[]; unreadable: number } {
  const sql: string[] = [];
  let unreadable = 0;
  for (const segment of segments) {
    if (KYSELY_MODIFIERS.has(segment.name)) continue;
    const args = segment.args ?? [];
    const [a, b, c] = args.map((arg) => str(arg));
    const columns = strs(args[1]);
    const statement = (() => {
      switch (segment.name) {
        case 'addColumn':
          return a === undefined ? undefined : `ADD COLUMN ${kyselyColumn(body, a, kyselyType(args[1]), args[2])}`;
        case 'dropColumn':
          return a === undefined ? undefined : `DROP COLUMN ${quoteName(a)}`;
        case 'renameColumn':
          return a === undefined || b === undefined ? undefined : `RENAME COLUMN ${quoteName(a)} TO ${quoteName(b)}`;
        case 'renameTo':
          return a === undefined ? undefined : `RENAME TO ${quoteName(a)}`;
        case 'setSchema':
          return a === undefined ? undefined : `SET SCHEMA ${quoteName(a)}`;
        case 'alterColumn': {
          const callback = args[1] ? findCallback(body, args[1].start) : undefined;
          const param = callback?.params[0];
          if (a === undefined || !callback || !param) return undefined;
          const changes = chainsOn(callback.body, [param]).flatMap((chain) => chain.segments);
          const parts = changes.map((change) => {
            if (change.name === 'setDataType') return `ALTER COLUMN ${quoteName(a)} TYPE ${kyselyType(change.args?.[0])}`;
            if (change.name === 'setNotNull') return `ALTER COLUMN ${quoteName(a)} SET NOT NULL`;
            if (change.name === 'dropNotNull') return `ALTER COLUMN ${quoteName(a)} DROP NOT NULL`;
            if (change.name === 'dropDefault') return `ALTER COLUMN ${quoteName(a)} DROP DEFAULT`;
            if (change.name === 'setDefault') return `ALTER COLUMN ${quoteName(a)} SET DEFAULT ${sqlDefault(change.args?.[0]?.text) ?? 'NULL'}`;
            return undefined;
          });
          return parts.length === 0 || parts.includes(undefined) ? undefined : parts.join(', ');
        }
        case 'addUniqueConstraint':
        case 'addPrimaryKeyConstraint':
          return a === undefined || !columns ? undefined : `ADD CONSTRAINT ${quoteName(a)} ${segment.name === 'addUniqueConstraint' ? 'UNIQUE' : 'PRIMARY KEY'} (${columns.map(quoteName).join(', ')})`;
        case 'addForeignKeyConstraint': {
          const referenced = strs(args[3]);
          return a === undefined || !columns || c === undefined || !referenced ? undefined : `ADD CONSTRAINT ${quoteName(a)} FOREIGN KEY (${columns.map(quoteName).join(', ')}) REFERENCES ${qualified(c)} (${referenced.map(quoteName).join(', ')})`;
        }
        case 'addCheckConstraint':
          return a === undefined ? undefined : `ADD CONSTRAINT ${quoteName(a)} CHECK (${/^sql\s*`([^`$]*)`$/.exec(args[1]?.text ?? '')?.[1] ?? 'true'})`;
        case 'dropConstraint':
          return a === undefined ? undefined : `DROP CONSTRAINT ${quoteName(a)}`;
        case 'renameConstraint':
          return a === undefined || b === undefined ? undefined : `RENAME CONSTRAINT ${quoteName(a)} TO ${quoteName(b)}`;
        default:
          // addIndex, dropIndex and modifyColumn are MySQL's; anything else is unknown here.
          return undefined;
      }
    })();
    if (statement === undefined) unreadable++;
    else sql.push(`ALTER TABLE ${t} ${statement}`);
  }
  return { sql, unreadable };
}

/** Receivers and translators per tool: the up function's first parameter is the tool's handle. */
function translatorFor(tool: MigrationTool): Translator | undefined {
  switch (tool) {
    case 'knex':
      return (chain, body) => {
        const names = chain.segments.map((s) => s.name);
        const schemaAt = names.indexOf('schema');
        if (schemaAt === -1) return undefined;
        const prefix = str(chain.segments.find((s) => s.name === 'withSchema')?.args?.[0]);
        const method = chain.segments.slice(schemaAt + 1).find((s) => s.name !== 'withSchema');
        if (!method?.args) return undefined;
        const table = str(method.args[0]);
        const t = table ? qualified(prefix ? `${prefix}.${table}` : table) : undefined;
        switch (method.name) {
          case 'createTable':
          case 'createTableIfNotExists':
            return one(chain, body, t && `CREATE TABLE ${t} (id integer)`);
          case 'dropTable':
          case 'dropTableIfExists':
            return one(chain, body, t && `DROP TABLE ${t}`);
          case 'renameTable':
            return one(chain, body, t && str(method.args[1]) !== undefined ? `ALTER TABLE ${t} RENAME TO ${quoteName(str(method.args[1])!)}` : undefined);
          case 'alterTable':
          case 'table': {
            const callbackArg = method.args[1];
            const callback = callbackArg ? findCallback(body, callbackArg.start) : undefined;
            if (!t || !callback) return one(chain, body, undefined);
            const inner = knexTableBody(prefix ? `${prefix}.${table}` : table!, callback);
            return { sql: inner.sql, unreadable: inner.unreadable };
          }
          default:
            return undefined;
        }
      };
    case 'kysely':
      return (chain, body) => {
        const names = chain.segments.map((s) => s.name);
        const schemaAt = names.indexOf('schema');
        // db.selectFrom(), db.insertInto(), ...: data queries, no schema change.
        if (schemaAt === -1) return undefined;
        const after = chain.segments.slice(schemaAt + 1);
        const prefix = str(after.find((s) => s.name === 'withSchema')?.args?.[0]);
        const [method, ...rest] = after.filter((s) => s.name !== 'withSchema');
        if (!method?.args) return undefined;
        const name = str(method.args[0]);
        const t = name === undefined ? undefined : qualified(prefix ? `${prefix}.${name}` : name);
        const has = (modifier: string) => rest.some((s) => s.name === modifier);
        switch (method.name) {
          case 'createTable':
            return one(chain, body, t && `CREATE TABLE ${t} (id integer)`);
          case 'dropTable':
            return one(chain, body, t && `DROP TABLE ${t}`);
          case 'alterTable': {
            if (!t) return one(chain, body, undefined);
            const altered = kyselyAlterTable(t, rest, body);
            return { sql: altered.sql.map((sql) => ({ sql, at: body.start + chain.start, end: body.start + chain.end })), unreadable: altered.unreadable };
          }
          case 'createIndex': {
            // Kysely has no CONCURRENTLY for indexes: its CREATE INDEX always takes the SHARE lock.
            const table = str(rest.find((s) => s.name === 'on')?.args?.[0]);
            const columns = rest.filter((s) => s.name === 'column' || s.name === 'columns').flatMap((s) => strs(s.args?.[0]) ?? ['?']);
            const expression = rest.some((s) => s.name === 'expression');
            return one(chain, body, name === undefined || table === undefined || (columns.length === 0 && !expression) || columns.includes('?') ? undefined : `CREATE ${has('unique') ? 'UNIQUE ' : ''}INDEX ${quoteName(name)} ON ${qualified(prefix ? `${prefix}.${table}` : table)} (${expression ? '(1)' : columns.map(quoteName).join(', ')})`);
          }
          case 'dropIndex':
            return one(chain, body, t && `DROP INDEX ${t}`);
          case 'dropType':
            return one(chain, body, t && `DROP TYPE ${t}`);
          case 'dropView':
            return one(chain, body, t && `DROP ${has('materialized') ? 'MATERIALIZED ' : ''}VIEW ${t}`);
          case 'dropSchema':
            return one(chain, body, t && `DROP SCHEMA ${t}`);
          case 'refreshMaterializedView':
            return one(chain, body, t && `REFRESH MATERIALIZED VIEW ${has('concurrently') ? 'CONCURRENTLY ' : ''}${t}`);
          case 'createType':
          case 'createView':
          case 'createSchema':
            // Creating breaks nothing that exists; the view's query is not read.
            return undefined;
          default:
            return one(chain, body, undefined);
        }
      };
    case 'sequelize':
      return (chain, body) => {
        const method = chain.segments[0]!;
        return method.args ? tableMethod(chain, body, method, 'sequelize') : undefined;
      };
    case 'typeorm':
      return (chain, body) => {
        const method = chain.segments[0]!;
        return method.args ? tableMethod(chain, body, method, 'typeorm') : undefined;
      };
    case 'node-pg-migrate':
      return (chain, body) => {
        const method = chain.segments[0]!;
        return method.args ? tableMethod(chain, body, method, 'pgm') : undefined;
      };
    case 'db-migrate':
      return (chain, body) => {
        const method = chain.segments[0]!;
        return method.args ? tableMethod(chain, body, method, 'db-migrate') : undefined;
      };
    default:
      return undefined;
  }
}

/** The function expression passed as an argument at `start` of `body`. */
function findCallback(body: FunctionText, start: number): FunctionText | undefined {
  const text = body.body.slice(start);
  const found = findFunction(`const callback = ${text}`, 'callback');
  if (!found) return undefined;
  const offset = body.start + start - 'const callback = '.length;
  return { ...found, start: found.start + offset };
}

/** Raw-SQL methods: their first argument is a statement, unless the call is an argument of a query-builder call (a fragment). */
const RAW_CALL = /\.(raw|query|execute|sql|runSql|addSql|unsafe|\$executeRawUnsafe|\$queryRawUnsafe)\s*\(/g;
const RAW_METHOD = /^(raw|query|execute|sql|runSql|addSql|unsafe|\$executeRawUnsafe|\$queryRawUnsafe)$/;
const FRAGMENT_CALLEES = /^(select|from|where\w*|orWhere\w*|andWhere\w*|whereRaw|join\w*|leftJoin\w*|rightJoin\w*|innerJoin\w*|on\w*|orderBy\w*|groupBy\w*|having\w*|update|insert|defaultTo|as|with\w*|union\w*|returning|increment|decrement|pluck|count\w*|sum|min|max|avg|column|columns|distinct\w*|into|specificType|timestamp|check\w*|references|onConflict|merge|first|modify|table|raw|val|literal|fn|where)$/;

/**
 * The name called by the nearest call whose arguments hold `index` of masked code,
 * looking through object and array literals; undefined at statement level
 * (inside a block, or in no call).
 */
function enclosingCall(masked: string, index: number): string | undefined {
  const stack: { char: string; at: number }[] = [];
  for (let i = 0; i < index; i++) {
    const c = masked[i]!;
    if (c === '(' || c === '[' || c === '{') stack.push({ char: c, at: i });
    else if ((c === ')' || c === ']' || c === '}') && stack.length > 0) stack.pop();
  }
  for (let level = stack.length - 1; level >= 0; level--) {
    const { char, at } = stack[level]!;
    const before = masked.slice(0, at).trimEnd();
    // A block (function body, if, try) is statement level; an object literal is an argument.
    if (char === '{' && (/(=>|\))$/.test(before) || /\b(else|try|finally|do)$/.test(before))) return undefined;
    if (char === '(') return /([A-Za-z_$][\w$]*)\s*$/.exec(before)?.[1];
  }
  return undefined;
}

/** Calls of a function of the migration's own given its handle (`await addColumns(knex)`): what they change is not read. */
function helperCalls(masked: string, handle: string): number {
  let count = 0;
  for (const match of masked.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(/g)) {
    if (/^(if|for|while|switch|catch|function|return|typeof|await|async)$/.test(match[1]!)) continue;
    const open = match.index! + match[0].length - 1;
    if (splitTopLevel(masked.slice(open + 1, matchingBrace(masked, open) - 1)).some((arg) => arg.text === handle)) count++;
  }
  return count;
}

interface Extracted {
  sql: SqlSource[];
  unreadable: { raw: number; builder: number; unknownApi: number; helpers: number };
}

function extract(path: string, text: string, up: FunctionText, tool: MigrationTool, transaction: TransactionMode): Extracted {
  const masked = maskCode(up.body);
  const found: { sql: string; at: number; end: number; code?: string }[] = [];
  let raw = 0;
  for (const match of masked.matchAll(RAW_CALL)) {
    // Kysely's execute() runs the builder or the sql`` template it is chained to (read below), it takes no SQL; its
    // sql.raw('…') is a fragment unless executed itself.
    if (tool === 'kysely' && (match[1] !== 'raw' || !/^\s*\.\s*execute\s*\(/.test(masked.slice(matchingBrace(masked, match.index! + match[0].length - 1))))) continue;
    const callee = enclosingCall(masked, match.index!);
    if (callee && FRAGMENT_CALLEES.test(callee)) continue; // a fragment of a builder chain, not a statement
    const argStart = match.index! + match[0].length;
    const lead = up.body.slice(argStart).length - up.body.slice(argStart).trimStart().length;
    const literal = literalAt(up.body, argStart + lead);
    if (literal === 'unreadable') raw++;
    else found.push({ sql: literal.sql, at: up.start + literal.index, end: up.start + literal.index });
  }
  // A Kysely statement of raw SQL: sql`…`.execute(db). A template in a builder call is a fragment (a default, a
  // check); one kept in a variable may be executed later, unread: not analysed.
  if (tool === 'kysely') {
    for (const match of masked.matchAll(/(?<![\w$.])sql\s*`/g)) {
      const end = stringEnd(up.body, match.index! + match[0].length - 1);
      if (!/^\s*\.\s*execute\s*\(/.test(masked.slice(end))) {
        if (enclosingCall(masked, match.index!) === undefined) raw++;
        continue;
      }
      const literal = literalAt(up.body, match.index!);
      if (literal === 'unreadable') raw++;
      else found.push({ sql: literal.sql, at: up.start + literal.index, end: up.start + literal.index });
    }
  }
  let builder = 0;
  let unknownApi = 0;
  const translate = translatorFor(tool);
  const handle = up.params[0];
  if (translate && handle) {
    for (const chain of chainsOn(up.body, [handle])) {
      const result = translate(chain, up);
      if (!result) continue;
      builder += result.unreadable;
      for (const s of result.sql) {
        const code = (s.code ?? text.slice(up.start + chain.start, up.start + chain.end)).replace(/\s+/g, ' ').trim();
        found.push({ ...s, code: code.length > 160 ? `${code.slice(0, 159)}…` : code });
      }
    }
  } else if (handle) {
    // No reader for this API: a call on the handle other than raw SQL may change the schema unseen.
    unknownApi = chainsOn(up.body, [handle]).filter((chain) => !chain.segments.some((s) => RAW_METHOD.test(s.name))).length;
  }
  found.sort((a, b) => a.at - b.at);
  return {
    sql: found.map((f) => ({ path, sql: f.sql, line: lineAt(text, f.at), transaction, ...(f.code ? { code: f.code } : {}) })),
    unreadable: { raw, builder, unknownApi, helpers: handle ? helperCalls(masked, handle) : 0 },
  };
}

/** How each tool sends a migration's SQL when the migration does not opt out of its transaction. */
const DEFAULT_TRANSACTION: Partial<Record<MigrationTool, TransactionMode>> = {
  typeorm: 'tool',
  'node-pg-migrate': 'tool',
  sequelize: 'implicit',
  'db-migrate': 'tool',
  knex: 'tool',
  'mikro-orm': 'tool',
  kysely: 'tool',
};

function jsTool(text: string, up: FunctionText): { tool: MigrationTool; transaction: TransactionMode } {
  // MikroORM runs a migration in a transaction unless its isTransactional() returns false.
  if (/@mikro-orm\/migrations/.test(text)) return { tool: 'mikro-orm', transaction: /isTransactional\s*\(\s*\)[^{]*\{\s*return\s+false/.test(text) ? 'implicit' : DEFAULT_TRANSACTION['mikro-orm']! };
  // Kysely's Migrator runs all pending migrations in one transaction on PostgreSQL, unless configured with disableTransactions.
  if (/from\s+['"]kysely['"]|require\(\s*['"]kysely['"]\s*\)|\bKysely<\w*>/.test(text)) return { tool: 'kysely', transaction: DEFAULT_TRANSACTION.kysely! };
  if (/MigrationInterface|QueryRunner/.test(text)) return { tool: 'typeorm', transaction: /\btransaction\s*=\s*false/.test(text) ? 'implicit' : DEFAULT_TRANSACTION.typeorm! };
  if (/\bpgm\b|MigrationBuilder/.test(text)) return { tool: 'node-pg-migrate', transaction: /pgm\.noTransaction\(\)/.test(text) ? 'implicit' : DEFAULT_TRANSACTION['node-pg-migrate']! };
  if (/\bqueryInterface\b/.test(text)) return { tool: 'sequelize', transaction: DEFAULT_TRANSACTION.sequelize! };
  const handle = up.params[0] ?? '';
  if (/exports\.(setup|_meta)\b/.test(text) || (handle && new RegExp(`\\b${handle}\\.(runSql|createTable|addColumn|removeColumn|renameColumn|renameTable|dropTable|changeColumn|addIndex|removeIndex|addForeignKey)\\s*\\(`).test(up.body) && !/\bknex\b|Knex/.test(text))) {
    // db-migrate runs each migration in a transaction unless started with --non-transactional.
    return { tool: 'db-migrate', transaction: DEFAULT_TRANSACTION['db-migrate']! };
  }
  if (/\bknex\b|Knex/.test(text)) return { tool: 'knex', transaction: /config\s*=\s*\{[^}]*transaction\s*:\s*false/.test(text) ? 'implicit' : DEFAULT_TRANSACTION.knex! };
  return { tool: 'js-migrations', transaction: 'implicit' };
}

/** Statements of a down body that do nothing: returning, resolving, calling its own callback, or running empty SQL. */
function isNoOpStatement(statement: string, callbacks: string[]): boolean {
  const s = statement.replace(/^(return|await)\s+/, '').replace(/;$/, '').trim();
  if (s === '' || s === 'return' || /^(null|undefined|true|false|0|Promise\.resolve\((null|undefined)?\)|\{\})$/.test(s)) return true;
  const call = /^([A-Za-z_$][\w$]*)\s*\(([\s\S]*)\)$/.exec(s);
  if (call && callbacks.includes(call[1]!)) return true;
  // runSql(''), knex.raw(""), queryInterface.sequelize.query(``): empty SQL, with or without a callback.
  const empty = /^[\w$.]*\.(runSql|raw|query|sql|execute)\s*\(\s*(''|""|``)\s*(,\s*[A-Za-z_$][\w$]*\s*)?\)$/.exec(s);
  return empty !== null;
}

function jsDown(text: string): Migration['down'] {
  const down = findFunction(text, 'down');
  if (!down) return { status: 'missing' };
  const code = strippedCode(down.body);
  if (/^\{?throw/.test(code)) return { status: 'irreversible', detail: 'down throws' };
  const callbacks = down.params.slice(1);
  // The body's top-level statements: split at `;` and line breaks outside strings and brackets, comments removed.
  const parts = splitTopLevel(down.body, ';\n')
    .map((part) => part.text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '').trim())
    .filter((part) => part !== '');
  const nothing = parts.every((p) => isNoOpStatement(p, callbacks));
  return nothing ? { status: 'empty', detail: 'down does nothing (returns, resolves, calls its callback or runs empty SQL)' } : { status: 'present' };
}

/**
 * Migrations in the order their tool runs them: a folder whose names carry a
 * timestamp after a version (`1.9.0-1694418765-…` before `1.42.0-1784619793-…`)
 * runs by the timestamp, not by the name; a name without one (a first,
 * hand-named migration) runs first. Other folders keep the order of their names.
 */
function inRunOrder(migrations: Migration[]): Migration[] {
  const timestamp = (m: Migration) => Number(/(?:^|\D)(\d{9,14})(?:\D|$)/.exec(m.id)?.[1] ?? -1);
  return [...groupBy(migrations, (m) => dirOf(m.up)).values()].flatMap((folder) => {
    const stamped = folder.filter((m) => timestamp(m) >= 0).length;
    // A few names without one (at most one, or a tenth): the rest decide the order.
    return stamped > 0 && folder.length - stamped <= Math.max(1, Math.floor(folder.length / 10)) ? [...folder].sort((a, b) => timestamp(a) - timestamp(b)) : folder;
  });
}

export async function detectJavaScript(repo: RepoFiles): Promise<DetectedSet[]> {
  const candidates = repo.files.filter((f) => JS_FILE.test(f) && !f.endsWith('.d.ts') && !/\.(test|spec)\./.test(f) && /(^|\/)(migrations?|alterations)(\/|$)/.test(dirOf(f)));
  const files: { path: string; text: string; up: FunctionText; tool: MigrationTool; transaction: TransactionMode }[] = [];
  for (const path of candidates) {
    const text = await repo.read(path);
    const up = findFunction(text, 'up');
    if (up) files.push({ path, text, up, ...jsTool(text, up) });
  }
  // A migration that calls no tool's API (it runs a script, say) belongs to the tool of the other migrations of its folder.
  const toolsByDirectory = groupBy(files.filter((f) => f.tool !== 'js-migrations'), (f) => dirOf(f.path));
  for (const file of files.filter((f) => f.tool === 'js-migrations')) {
    const tools = new Set(toolsByDirectory.get(dirOf(file.path))?.map((f) => f.tool));
    if (tools.size === 1) {
      file.tool = [...tools][0]!;
      file.transaction = DEFAULT_TRANSACTION[file.tool]!;
    }
  }
  const found: { tool: MigrationTool; migration: Migration }[] = [];
  for (const { path, text, up, tool, transaction } of files) {
    const { sql, unreadable } = extract(path, text, up, tool, transaction);
    const notAnalysed = [
      ...(unreadable.raw > 0 ? [`${unreadable.raw} raw query call(s) with SQL built at run time`] : []),
      ...(unreadable.builder > 0 ? [`${unreadable.builder} schema-builder call(s) with names or options built at run time`] : []),
      ...(unreadable.unknownApi > 0 ? [`${unreadable.unknownApi} call(s) of a migration API continuity does not read`] : []),
      ...(unreadable.helpers > 0 ? [`${unreadable.helpers} call(s) of the migration's own functions given its handle, not read`] : []),
    ].join('; ');
    found.push({
      tool,
      migration: { id: path.split('/').pop()!.replace(JS_FILE, ''), up: path, down: { ...jsDown(text), path }, sql, ...(notAnalysed ? { notAnalysed } : {}) },
    });
  }
  return [...groupBy(found, (f) => f.tool)].flatMap(([tool, entries]) => setsByDirectory(tool, inRunOrder(entries.map((e) => e.migration))));
}
