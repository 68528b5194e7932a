// Liquibase changelogs: formatted SQL, XML, YAML and JSON. A changeset rolls
// back when it has a rollback block, or when every change in it is of a type
// Liquibase knows how to reverse by itself.
import { parse as parseYaml } from 'yaml';
import { dialectNamed } from '../dialects';
import type { RepoFiles } from '../repo-files';
import type { Migration, DetectedSet, SqlSource } from '../types';
import { lineAt, quoted, writtenSqlType } from './code-text';
import { setsByDirectory } from './sets';
import { isNoOpSql } from './sql-tools';

/** Change types Liquibase generates a rollback for. */
const AUTO_ROLLBACK = new Set([
  'addColumn', 'addDefaultValue', 'addForeignKeyConstraint', 'addLookupTable', 'addNotNullConstraint', 'addPrimaryKey',
  'addUniqueConstraint', 'createIndex', 'createSequence', 'createTable', 'createView', 'dropNotNullConstraint',
  'renameColumn', 'renameSequence', 'renameTable', 'renameView', 'tagDatabase', 'addAutoIncrement', 'createProcedure',
]);

/** Change types neither read as SQL nor translated: say which, so the changeset is never judged safe. */
function notAnalysedChanges(changeTypes: string[]): { notAnalysed?: string } {
  const other = [...new Set(changeTypes.filter((t) => t !== 'sql'))];
  return other.length > 0 ? { notAnalysed: `Liquibase changes not linted (only <sql> and the change types in docs/migrations.md are): ${other.join(', ')}` } : {};
}

/** A column of a change (`<column name="…" type="…"><constraints nullable="false"/></column>`). */
interface ChangeColumn {
  name?: string;
  type?: string;
  notNull: boolean;
  /** The default's SQL: a function call or CURRENT_TIMESTAMP as written (a volatile one rewrites the table), else a constant. */
  defaultSql?: string;
}

/** Changes that alter nothing in the schema: data only, and what PostgreSQL keeps apart from tables. */
const DATA_CHANGES = new Set(['insert', 'loadData', 'loadUpdateData', 'tagDatabase', 'output', 'empty', 'createSequence', 'comment', 'setTableRemarks', 'setColumnRemarks']);

/**
 * The SQL PostgreSQL runs for a Liquibase change type, for the types whose
 * effect on running code or locks the rules judge; undefined for others (they
 * stay "not analysed"). Names are quoted as written.
 */
function changeSql(type: string, a: Record<string, string | undefined>, columns: ChangeColumn[]): string[] | undefined {
  if (DATA_CHANGES.has(type)) return [];
  const table = (name: string | undefined) => (name === undefined ? undefined : a.schemaName ? `${quoted(a.schemaName)}.${quoted(name)}` : quoted(name));
  const t = table(a.tableName);
  const names = (list: string | undefined) => list?.split(',').map((c) => quoted(c.trim())).join(', ');
  // Liquibase types (`VARCHAR(255)`, `BIGINT`, `${uuid_type}`): a placeholder or an unknown word is read as text, since only the change matters.
  const sqlType = (name: string | undefined) => writtenSqlType(name) ?? 'text';
  switch (type) {
    case 'dropColumn': {
      const dropped = a.columnName ? [a.columnName] : columns.map((c) => c.name);
      return t && dropped.length > 0 && dropped.every((c) => c) ? dropped.map((c) => `ALTER TABLE ${t} DROP COLUMN ${quoted(c!)}`) : undefined;
    }
    case 'renameColumn':
      return t && a.oldColumnName && a.newColumnName ? [`ALTER TABLE ${t} RENAME COLUMN ${quoted(a.oldColumnName)} TO ${quoted(a.newColumnName)}`] : undefined;
    case 'dropTable':
      return t ? [`DROP TABLE ${t}`] : undefined;
    case 'renameTable':
      return a.oldTableName && a.newTableName ? [`ALTER TABLE ${table(a.oldTableName)} RENAME TO ${quoted(a.newTableName)}`] : undefined;
    case 'dropView':
      return a.viewName ? [`DROP VIEW ${table(a.viewName)}`] : undefined;
    case 'modifyDataType':
      return t && a.columnName ? [`ALTER TABLE ${t} ALTER COLUMN ${quoted(a.columnName)} TYPE ${sqlType(a.newDataType)}`] : undefined;
    case 'addNotNullConstraint':
      return t && a.columnName ? [`ALTER TABLE ${t} ALTER COLUMN ${quoted(a.columnName)} SET NOT NULL`] : undefined;
    case 'dropNotNullConstraint':
      return t && a.columnName ? [`ALTER TABLE ${t} ALTER COLUMN ${quoted(a.columnName)} DROP NOT NULL`] : undefined;
    case 'addColumn':
      return t && columns.length > 0 && columns.every((c) => c.name)
        ? columns.map((c) => `ALTER TABLE ${t} ADD COLUMN ${quoted(c.name!)} ${sqlType(c.type)}${c.notNull ? ' NOT NULL' : ''}${c.defaultSql ? ` DEFAULT ${c.defaultSql}` : ''}`)
        : undefined;
    case 'createTable':
      return t ? [`CREATE TABLE ${t} (id integer)`] : undefined;
    case 'createIndex':
      return t && columns.length > 0 && columns.every((c) => c.name) ? [`CREATE ${a.unique === 'true' ? 'UNIQUE ' : ''}INDEX ${a.indexName ? quoted(a.indexName) : ''} ON ${t} (${columns.map((c) => quoted(c.name!)).join(', ')})`] : undefined;
    case 'dropIndex':
      return a.indexName ? [`DROP INDEX ${a.schemaName ? `${quoted(a.schemaName)}.` : ''}${quoted(a.indexName)}`] : undefined;
    case 'addForeignKeyConstraint':
      return a.baseTableName && a.baseColumnNames && a.referencedTableName
        ? [`ALTER TABLE ${table(a.baseTableName)} ADD CONSTRAINT ${quoted(a.constraintName ?? 'fk')} FOREIGN KEY (${names(a.baseColumnNames)}) REFERENCES ${table(a.referencedTableName)}${a.referencedColumnNames ? ` (${names(a.referencedColumnNames)})` : ''}`]
        : undefined;
    case 'addUniqueConstraint':
      return t && a.columnNames ? [`ALTER TABLE ${t} ADD CONSTRAINT ${quoted(a.constraintName ?? 'unique')} UNIQUE (${names(a.columnNames)})`] : undefined;
    case 'addPrimaryKey':
      return t && a.columnNames ? [`ALTER TABLE ${t} ADD CONSTRAINT ${quoted(a.constraintName ?? 'pkey')} PRIMARY KEY (${names(a.columnNames)})`] : undefined;
    case 'dropForeignKeyConstraint':
      return a.baseTableName && a.constraintName ? [`ALTER TABLE ${table(a.baseTableName)} DROP CONSTRAINT ${quoted(a.constraintName)}`] : undefined;
    case 'dropUniqueConstraint':
    case 'dropPrimaryKey':
      return t && a.constraintName ? [`ALTER TABLE ${t} DROP CONSTRAINT ${quoted(a.constraintName)}`] : undefined;
    default:
      return undefined;
  }
}

/** A column's attributes as a ChangeColumn. */
function changeColumn(attrs: Record<string, unknown>, constraints: Record<string, unknown> | undefined): ChangeColumn {
  return {
    ...(typeof attrs.name === 'string' ? { name: attrs.name } : {}),
    ...(typeof attrs.type === 'string' ? { type: attrs.type } : {}),
    notNull: String(constraints?.nullable) === 'false' || String(constraints?.primaryKey) === 'true',
    ...(Object.keys(attrs).some((k) => k.startsWith('defaultValue'))
      ? { defaultSql: /^([\w.]+\(\)|current_timestamp)$/i.test(String(attrs.defaultValueComputed ?? '')) ? String(attrs.defaultValueComputed) : "'0'" }
      : {}),
  };
}

/** XML attributes as a map. */
function attributes(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/([\w:]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

/** Liquibase `dbms` (`postgresql`, `mysql,oracle`, `!h2`), lower-cased; undefined when the changeset runs on every database. */
function dbmsList(value: string | undefined): { dialects?: string[] } {
  const list = (value ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);
  return list.length > 0 ? { dialects: list } : {};
}

/** A changeset context that names databases only (`context="postgresql"`, fineract's way to write a change per database), as a dbms list. */
function databaseContext(value: string | undefined): string | undefined {
  const names = (value ?? '').split(/\s*(?:,|\bor\b)\s*/i).filter(Boolean);
  const dialects = names.map((n) => dialectNamed(n));
  return names.length > 0 && dialects.every((d) => d !== undefined) ? dialects.join(',') : undefined;
}

function rollbackStatus(hasRollback: boolean, rollbackBody: string, changeTypes: string[]): Migration['down'] {
  if (hasRollback) return rollbackBody.trim() === '' || isNoOpSql(rollbackBody) ? { status: 'empty' } : { status: 'present' };
  if (changeTypes.length > 0 && changeTypes.every((t) => AUTO_ROLLBACK.has(t))) {
    return { status: 'present', detail: `automatic rollback of ${[...new Set(changeTypes)].join(', ')}` };
  }
  return { status: 'missing' };
}

function formattedSql(path: string, text: string): Migration[] {
  const headers = [...text.matchAll(/^--\s*changeset\s+([^:\s]+):(\S+)(.*)$/gm)];
  return headers.map((header, i) => {
    const start = header.index! + header[0].length + 1;
    const end = headers[i + 1]?.index ?? text.length;
    const body = text.slice(Math.min(start, end), end);
    const rollbackLines = [...body.matchAll(/^--\s*rollback\s?(.*)$/gm)].map((m) => m[1]!);
    const transaction = /runInTransaction\s*:\s*false/.test(header[3] ?? '') ? 'autocommit' : 'tool-per-statement';
    const dbms = dbmsList(/\bdbms\s*:\s*(\S+)/.exec(header[3] ?? '')?.[1] ?? databaseContext(/\bcontext(?:Filter)?\s*:\s*(\S+)/.exec(header[3] ?? '')?.[1]));
    const notRequired = rollbackLines.some((l) => /^not required/i.test(l.trim()));
    return {
      id: `${header[1]}:${header[2]}`,
      up: path,
      down: notRequired ? { status: 'empty', detail: 'rollback not required' } : rollbackStatus(rollbackLines.length > 0, rollbackLines.join('\n'), []),
      sql: [{ path, sql: body, line: lineAt(text, start), transaction }],
      ...dbms,
    } satisfies Migration;
  });
}

function xml(path: string, text: string): Migration[] {
  return [...text.matchAll(/<changeSet\b([^>]*)>([\s\S]*?)<\/changeSet>/g)].map((match) => {
    const attrs = match[1]!;
    const body = match[2]!;
    const bodyStart = match.index! + match[0].indexOf('>') + 1;
    const id = /\bid="([^"]*)"/.exec(attrs)?.[1] ?? '?';
    const author = /\bauthor="([^"]*)"/.exec(attrs)?.[1] ?? '?';
    const rollback = /<rollback\b[^>]*?(\/>|>([\s\S]*?)<\/rollback>)/.exec(body);
    const withoutRollback = body.replace(/<rollback\b[\s\S]*?(<\/rollback>|\/>)/g, '');
    const changeTypes = [...withoutRollback.matchAll(/<(\w+)\b/g)].map((m) => m[1]!).filter((t) => !['column', 'constraints', 'comment', 'where', 'param', 'preConditions', 'sqlCheck', 'tableExists'].includes(t));
    const transaction = /runInTransaction="false"/.test(attrs) ? 'autocommit' : 'tool-per-statement';
    // The changes of the changeset (its rollback blanked, offsets kept): each translated one is linted as its SQL.
    const changes = body.replace(/<rollback\b[\s\S]*?(<\/rollback>|\/>)|<preConditions\b[\s\S]*?(<\/preConditions>|\/>)|<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, ' '));
    const translated: SqlSource[] = [];
    const untranslated: string[] = [];
    for (const change of changes.matchAll(/<(\w+)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/g)) {
      const [element, type, changeAttrs, inner] = change as unknown as [string, string, string, string | undefined];
      if (['sql', 'comment', 'validCheckSum', 'modifySql'].includes(type)) continue;
      const columns = [...(inner ?? '').matchAll(/<column\b([^>]*?)(?:\/>|>([\s\S]*?)<\/column>)/g)].map((c) => changeColumn(attributes(c[1]!), attributes(/<constraints\b([^>]*)/.exec(c[2] ?? '')?.[1] ?? '')));
      const statements = changeSql(type, attributes(changeAttrs), columns);
      if (statements === undefined) untranslated.push(type);
      const line = lineAt(text, bodyStart + change.index!);
      for (const statement of statements ?? []) translated.push({ path, sql: statement, line, transaction, code: element.replace(/\s+/g, ' ').slice(0, 160) });
    }
    const dbms = dbmsList(/\bdbms="([^"]*)"/.exec(attrs)?.[1] ?? databaseContext(/\bcontext(?:Filter)?="([^"]*)"/.exec(attrs)?.[1]));
    const sql: SqlSource[] = [...body.matchAll(/<sql\b[^>]*>([\s\S]*?)<\/sql>/g)]
      .filter((m) => !rollback || m.index! < rollback.index! || m.index! > rollback.index! + rollback[0].length)
      .map((m) => {
        const inner = m[1]!.replace(/^\s*<!\[CDATA\[/, (s) => ' '.repeat(s.length)).replace(/\]\]>\s*$/, '');
        return { path, sql: inner, line: lineAt(text, bodyStart + m.index! + m[0].indexOf('>') + 1), transaction };
      });
    return {
      id: `${author}:${id}`,
      up: path,
      down: rollbackStatus(rollback !== null, rollback?.[2] ?? '', changeTypes),
      sql: [...sql, ...translated].sort((x, y) => x.line - y.line),
      ...notAnalysedChanges(untranslated),
      ...(sql.length === 0 && translated.length === 0 && untranslated.length === 0 && changeTypes.length > 0 ? { dataOnly: true } : {}),
      ...dbms,
    } satisfies Migration;
  });
}

interface StructuredChangeSet {
  id?: string | number;
  author?: string;
  runInTransaction?: boolean;
  dbms?: string;
  context?: string;
  changes?: Record<string, ({ sql?: string } & Record<string, unknown>) | undefined>[];
  rollback?: unknown;
}

function structured(path: string, text: string, document: unknown): Migration[] {
  const log = (document as { databaseChangeLog?: { changeSet?: StructuredChangeSet }[] } | null)?.databaseChangeLog ?? [];
  return log.flatMap((entry) => {
    const set = entry?.changeSet;
    if (!set) return [];
    const changeTypes = (set.changes ?? []).flatMap((c) => Object.keys(c ?? {}));
    const idIndex = text.indexOf(String(set.id));
    const transaction = set.runInTransaction === false ? 'autocommit' : 'tool-per-statement';
    const rollbackText = set.rollback === undefined ? '' : typeof set.rollback === 'string' ? set.rollback : JSON.stringify(set.rollback);
    const translated = (set.changes ?? []).flatMap((c) =>
      Object.entries(c ?? {})
        .filter(([type]) => type !== 'sql')
        .map(([type, spec]) => {
          const attrs = (spec ?? {}) as Record<string, unknown>;
          const columns = ((attrs.columns ?? []) as { column?: Record<string, unknown> }[]).map((entry) => changeColumn(entry?.column ?? {}, entry?.column?.constraints as Record<string, unknown> | undefined));
          const scalars = Object.fromEntries(Object.entries(attrs).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, String(v)]));
          return { type, statements: changeSql(type, scalars, columns) };
        }),
    );
    return [
      {
        id: `${set.author ?? '?'}:${set.id ?? '?'}`,
        up: path,
        down: rollbackStatus(set.rollback !== undefined && set.rollback !== null, rollbackText === '[]' || rollbackText === '{}' ? '' : rollbackText, changeTypes),
        // Structured changelogs carry no line per change: the changeset's id line locates it.
        sql: [
          ...(set.changes ?? []).map((c) => c?.sql?.sql).filter((s): s is string => typeof s === 'string'),
          ...translated.flatMap((c) => c.statements ?? []),
        ].map((s) => ({ path, sql: s, line: idIndex >= 0 ? lineAt(text, idIndex) : 1, transaction })),
        ...notAnalysedChanges(translated.filter((c) => c.statements === undefined).map((c) => c.type)),
        ...(translated.length > 0 && translated.every((c) => c.statements?.length === 0) && changeTypes.every((t) => t !== 'sql') ? { dataOnly: true } : {}),
        ...dbmsList(set.dbms ?? databaseContext(set.context)),
      } satisfies Migration,
    ];
  });
}

export async function detectLiquibase(repo: RepoFiles): Promise<DetectedSet[]> {
  const found: Migration[] = [];
  for (const path of repo.files) {
    const lower = path.toLowerCase();
    let migrations: Migration[] = [];
    if (lower.endsWith('.sql')) {
      const text = await repo.read(path);
      if (/^--\s*liquibase formatted sql/im.test(text)) migrations = formattedSql(path, text);
    } else if (/changelog[^/]*\.(xml|ya?ml|json)$/.test(lower) || lower.endsWith('.xml')) {
      const text = await repo.read(path);
      // Any XML file whose root is a databaseChangeLog is a changelog, whatever its name (liquibase-update-to-latest.xml).
      if (lower.endsWith('.xml')) migrations = /changelog[^/]*\.xml$/.test(lower) || /<databaseChangeLog\b/.test(text.slice(0, 4096)) ? xml(path, text) : [];
      else {
        try {
          migrations = structured(path, text, lower.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
        } catch {
          continue; // not a changelog after all
        }
      }
    } else continue;
    found.push(...migrations);
  }
  return setsByDirectory('liquibase', found);
}
