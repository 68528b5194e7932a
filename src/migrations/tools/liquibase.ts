// Liquibase changelogs: formatted SQL, XML, YAML and JSON. A changeset rolls
// back when it has a rollback block, or when every change in it is of a type
// Liquibase knows how to reverse by itself.
import { parse as parseYaml } from 'yaml';
import { dialectNamed } from '../dialects';
import type { RepoFiles } from '../repo-files';
import type { Migration, DetectedSet, SqlSource } from '../types';
import { lineAt } from './code-text';
import { setsByDirectory } from './sets';
import { isNoOpSql } from './sql-tools';

/** Change types Liquibase generates a rollback for. */
const AUTO_ROLLBACK = new Set([
  'addColumn', 'addDefaultValue', 'addForeignKeyConstraint', 'addLookupTable', 'addNotNullConstraint', 'addPrimaryKey',
  'addUniqueConstraint', 'createIndex', 'createSequence', 'createTable', 'createView', 'dropNotNullConstraint',
  'renameColumn', 'renameSequence', 'renameTable', 'renameView', 'tagDatabase', 'addAutoIncrement', 'createProcedure',
]);

/** Change types other than inline SQL are not linted: say which, so the changeset is never judged safe. */
function notAnalysedChanges(changeTypes: string[]): { notAnalysed?: string } {
  const other = [...new Set(changeTypes.filter((t) => t !== 'sql'))];
  return other.length > 0 ? { notAnalysed: `Liquibase changes not linted (only <sql> is): ${other.join(', ')}` } : {};
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
      sql,
      ...notAnalysedChanges(changeTypes),
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
  changes?: Record<string, { sql?: string } | undefined>[];
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
    return [
      {
        id: `${set.author ?? '?'}:${set.id ?? '?'}`,
        up: path,
        down: rollbackStatus(set.rollback !== undefined && set.rollback !== null, rollbackText === '[]' || rollbackText === '{}' ? '' : rollbackText, changeTypes),
        // Structured changelogs carry no line per change: the changeset's id line locates it.
        sql: (set.changes ?? [])
          .map((c) => c?.sql?.sql)
          .filter((s): s is string => typeof s === 'string')
          .map((s) => ({ path, sql: s, line: idIndex >= 0 ? lineAt(text, idIndex) : 1, transaction })),
        ...notAnalysedChanges(changeTypes),
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
