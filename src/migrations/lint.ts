// Runs the compatibility lint rules over the SQL of one migration, statement by
// statement, tracking what the migration created, its transaction state and
// its lock_timeout. Pure: the SQL is read by the caller.
import type { LintedFile, LintHit, SqlSource } from './types';
import { LINT_RULES } from './rules';
import { isConcurrent } from './rules/concurrently-in-transaction';
import type { LintRule } from './rules/rule';
import { parseStatements, shorten, SqlParseError, type ParsedStatement } from './sql';
import { lineAt } from './tools/code-text';

const SUPPRESSION = /--\s*continuity-ignore\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)(?:\s*:\s*(\S.*?))?\s*$/gim;

interface Suppression {
  rules: string[];
  reason?: string;
}

/** Statements PostgreSQL refuses inside a transaction block (Flyway runs a file of only these outside one). */
function nonTransactional(statement: ParsedStatement): boolean {
  return isConcurrent(statement) || ['VacuumStmt', 'CreatedbStmt', 'DropdbStmt'].includes(statement.kind);
}

/**
 * `-- continuity-ignore rule: reason` covers the statement on whose lines it
 * stands, or else the next statement after it.
 */
function suppressionsByStatement(sql: string, statements: ParsedStatement[]): Map<number, Suppression[]> {
  const result = new Map<number, Suppression[]>();
  if (!sql.includes('continuity-ignore')) return result;
  for (const match of sql.matchAll(SUPPRESSION)) {
    const line = lineAt(sql, match.index);
    let target = statements.findIndex((s) => s.line <= line && line <= s.endLine);
    if (target === -1) target = statements.findIndex((s) => s.line > line);
    if (target === -1) continue;
    const entry: Suppression = { rules: match[1]!.split(',').map((r) => r.trim()), ...(match[2] ? { reason: match[2] } : {}) };
    result.set(target, [...(result.get(target) ?? []), entry]);
  }
  return result;
}

function setsLockTimeout(statement: ParsedStatement): boolean | undefined {
  const { kind, node } = statement;
  if (kind === 'VariableSetStmt' && node.name === 'lock_timeout') {
    if (node.kind !== 'VAR_SET_VALUE') return false; // RESET / SET DEFAULT
    const value = node.args?.[0]?.A_Const;
    // The parser omits zero values: `ival: {}` is 0, which disables the timeout.
    if (value?.ival !== undefined) return (value.ival.ival ?? 0) !== 0;
    if (value?.sval !== undefined) return !/^\s*0\s*(ms|s|min)?\s*$/i.test(value.sval.sval ?? '0');
    return true;
  }
  if (kind === 'SelectStmt' && /set_config\s*\(\s*'lock_timeout'\s*,\s*'[1-9]/i.test(statement.text)) return true;
  return undefined;
}

/** Lint the SQL of one migration (several sources for a code migration's raw SQL strings). */
export function lintMigration(
  sources: SqlSource[],
  rules: LintRule[] = LINT_RULES,
  /** The sources already parsed (by parseStatementsBatch), index for index. */
  parsed?: (ParsedStatement[] | SqlParseError)[],
): LintedFile[] {
  const createdTables = new Set<string>();
  const createdIndexes = new Set<string>();
  let lockTimeoutSet = false;
  const files = new Map<string, LintedFile>();

  sources.forEach((source, sourceIndex) => {
    const file = files.get(source.path) ?? { path: source.path, statements: 0, hits: [] };
    files.set(source.path, file);
    let result: ParsedStatement[] | SqlParseError;
    try {
      result = parsed?.[sourceIndex] ?? parseStatements(source.sql);
    } catch (error) {
      result = error instanceof SqlParseError ? error : new SqlParseError(String(error), 1);
    }
    // On a parse error, the statements before the failing one are still linted.
    const failed = result instanceof SqlParseError;
    const statements = result instanceof SqlParseError ? result.statements : result;
    if (result instanceof SqlParseError) file.parseError ??= { line: source.line + result.line - 1, message: result.message };
    file.statements += statements.length;
    const suppressions = suppressionsByStatement(source.sql, statements);
    let inTransaction =
      source.transaction === 'always' ||
      (source.transaction === 'multi-statement' && statements.length + (failed ? 1 : 0) > 1) ||
      (source.transaction === 'flyway' && !statements.every(nonTransactional));

    statements.forEach((statement, index) => {
      const context = { statement, inTransaction, lockTimeoutSet, createdTables, createdIndexes };
      for (const rule of rules) {
        for (const message of rule.check(context)) {
          const covering = suppressions.get(index)?.find((s) => s.rules.includes(rule.id));
          const hit: LintHit = {
            rule: rule.id,
            severity: rule.severity,
            path: source.path,
            line: source.line + statement.line - 1,
            message: covering && !covering.reason ? `${message} (continuity-ignore without a reason is not honoured)` : message,
            statement: shorten(statement.text),
            ...(covering?.reason ? { suppressed: covering.reason } : {}),
          };
          file.hits.push(hit);
        }
      }
      // What this statement changes for the statements after it.
      const { kind, node } = statement;
      if (kind === 'CreateStmt') createdTables.add(node.relation?.relname ?? '');
      else if (kind === 'CreateTableAsStmt') createdTables.add(node.into?.rel?.relname ?? '');
      else if (kind === 'IndexStmt' && node.idxname) createdIndexes.add(node.idxname);
      else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_TABLE' && createdTables.has(node.relation?.relname)) createdTables.add(node.newname);
      else if (kind === 'TransactionStmt') {
        if (['TRANS_STMT_BEGIN', 'TRANS_STMT_START'].includes(node.kind)) inTransaction = true;
        else if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK'].includes(node.kind)) inTransaction = false;
      }
      const lockTimeout = setsLockTimeout(statement);
      if (lockTimeout !== undefined) lockTimeoutSet = lockTimeout;
    });
  });
  return [...files.values()];
}
