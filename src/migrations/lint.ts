// Runs the lint rules over the SQL of one migration, statement by statement,
// tracking what the migration created, the transaction block each statement
// runs in (transactions.ts), the locks held in it (locks.ts), its lock_timeout,
// and the SQL inside DO blocks and the routines it calls (plpgsql.ts).
// Pure: the SQL is read by the caller.
import type { LintedFile, LintHit, SqlSource } from './types';
import { LINT_RULES } from './rules';
import { ObjectNames, type LintRule, type StatementContext } from './rules/rule';
import { classifyStatement, locksOf, stronger, type LockMode } from './locks';
import { calledRoutines, doBlockBody, routineDefinition, type RoutineBody } from './plpgsql';
import { parseStatements, qualifiedName, relationName, shorten, SqlParseError, type AstNode, type ParsedStatement } from './sql';
import { transactionModel, type StatementTransaction } from './transactions';
import { lineAt } from './tools/code-text';

const SUPPRESSION = /--\s*continuity-ignore\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)(?:\s*:\s*(\S.*?))?\s*$/gim;

interface Suppression {
  rules: string[];
  reason?: string;
}

/**
 * What the earlier migrations of a set did that later ones depend on: CHECK
 * (col IS NOT NULL) constraints and whether they were validated, and the
 * routines they created (a later migration may call them).
 */
export interface SetHistory {
  notNullChecks: Map<string, { table: string; column: string; validated: boolean }>;
  routines: Map<string, () => RoutineBody>;
}

export function newSetHistory(): SetHistory {
  return { notNullChecks: new Map(), routines: new Map() };
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

/** The lock_timeout a statement sets: a non-zero value, zero (disabled), or undefined when it does not set it; `local` for SET LOCAL. */
function setsLockTimeout(statement: ParsedStatement): { enabled: boolean; local: boolean } | undefined {
  const { kind, node } = statement;
  if (kind === 'VariableSetStmt' && node.name === 'lock_timeout') {
    const local = node.is_local === true;
    if (node.kind !== 'VAR_SET_VALUE') return { enabled: false, local }; // RESET / SET DEFAULT
    const value = node.args?.[0]?.A_Const;
    // The parser omits zero values: `ival: {}` is 0, which disables the timeout.
    if (value?.ival !== undefined) return { enabled: (value.ival.ival ?? 0) !== 0, local };
    if (value?.sval !== undefined) return { enabled: !/^\s*0\s*(ms|s|min)?\s*$/i.test(value.sval.sval ?? '0'), local };
    return { enabled: true, local };
  }
  const setConfig = /set_config\s*\(\s*'lock_timeout'\s*,\s*'([^']*)'\s*,\s*(true|false)/i.exec(statement.text);
  if (kind === 'SelectStmt' && setConfig) return { enabled: !/^\s*0\s*(ms|s|min)?\s*$/i.test(setConfig[1]!), local: setConfig[2]!.toLowerCase() === 'true' };
  return undefined;
}

/** The view, routine or type a statement creates, by name, if it creates one. */
function createdName(statement: ParsedStatement): string | undefined {
  const { kind, node } = statement;
  if (kind === 'ViewStmt') return relationName(node.view);
  if (kind === 'CreateTableAsStmt' && node.objtype === 'OBJECT_MATVIEW') return relationName(node.into?.rel);
  if (kind === 'CreateFunctionStmt') return qualifiedName(node.funcname);
  if (kind === 'CreateEnumStmt') return qualifiedName(node.typeName);
  if (kind === 'CreateDomainStmt') return qualifiedName(node.domainname);
  if (kind === 'CompositeTypeStmt') return relationName(node.typevar);
  return undefined;
}

/** `CHECK (col IS NOT NULL)`: the column it proves non-null. */
function notNullCheckColumn(constraint: AstNode): string | undefined {
  const test = constraint?.raw_expr?.NullTest;
  if (constraint?.contype !== 'CONSTR_CHECK' || test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = test.arg?.ColumnRef?.fields ?? [];
  return fields.length === 1 ? fields[0]?.String?.sval : undefined;
}

/** The state of one migration as its statements run. */
class MigrationState {
  readonly tables = new ObjectNames();
  readonly indexes = new ObjectNames();
  readonly views = new ObjectNames();
  readonly types = new ObjectNames();
  readonly routines = new ObjectNames();
  lockTimeout = false;
  /** A lock_timeout set with SET LOCAL, which ends with its transaction block. */
  localLockTimeout = false;
  readonly held = new Map<string, LockMode>();
  readonly notValidInBlock = new Map<string, string>();
  /** Views, routines and types the rest of the current source creates (a drop followed by a create replaces). */
  createdLater = new ObjectNames();
  /** Columns added NOT NULL or set NOT NULL by this migration, as `table.column`. */
  readonly notNullAdded = new Set<string>();

  constructor(readonly history: SetHistory) {}

  endBlock(): void {
    this.held.clear();
    this.notValidInBlock.clear();
    this.localLockTimeout = false;
  }

  /** What a statement changes for the statements after it. */
  record(statement: ParsedStatement): void {
    const { kind, node } = statement;
    if (kind === 'CreateStmt') this.tables.add(relationName(node.relation));
    else if (kind === 'CreateTableAsStmt') (node.objtype === 'OBJECT_MATVIEW' ? this.views : this.tables).add(relationName(node.into?.rel));
    else if (kind === 'ViewStmt' && !node.replace) this.views.add(relationName(node.view));
    else if (kind === 'IndexStmt' && node.idxname) this.indexes.add(node.relation?.schemaname ? `${node.relation.schemaname}.${node.idxname}` : node.idxname);
    else if (kind === 'CreateEnumStmt') this.types.add(qualifiedName(node.typeName));
    else if (kind === 'CreateDomainStmt') this.types.add(qualifiedName(node.domainname));
    else if (kind === 'CompositeTypeStmt') this.types.add(relationName(node.typevar)); else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_TABLE' && this.tables.has(relationName(node.relation))) this.tables.add(node.newname);
    const routine = routineDefinition(statement);
    if (routine) {
      this.routines.add(routine.name);
      this.history.routines.set(routine.name, routine.body);
    }
    for (const { table, constraint } of this.addedConstraints(statement)) {
      const column = notNullCheckColumn(constraint);
      if (column && constraint.conname) this.history.notNullChecks.set(constraint.conname, { table, column, validated: !constraint.skip_validation });
      if (constraint.skip_validation && constraint.conname) this.notValidInBlock.set(constraint.conname, table);
    }
    if (kind === 'AlterTableStmt') {
      const table = relationName(node.relation);
      for (const c of node.cmds ?? []) {
        const cmd = c.AlterTableCmd ?? {};
        const constraints = (cmd.def?.ColumnDef?.constraints ?? []).map((x: AstNode) => x.Constraint?.contype);
        if (cmd.subtype === 'AT_AddColumn' && (constraints.includes('CONSTR_NOTNULL') || constraints.includes('CONSTR_PRIMARY'))) this.notNullAdded.add(`${table}.${cmd.def.ColumnDef.colname}`);
        if (cmd.subtype === 'AT_SetNotNull') this.notNullAdded.add(`${table}.${cmd.name}`);
        const check = cmd.subtype === 'AT_ValidateConstraint' ? this.history.notNullChecks.get(cmd.name) : undefined;
        if (check) check.validated = true;
      }
    }
    const timeout = setsLockTimeout(statement);
    if (timeout?.local) this.localLockTimeout = timeout.enabled;
    else if (timeout) {
      this.lockTimeout = timeout.enabled;
      this.localLockTimeout = false;
    }
  }

  addedConstraints(statement: ParsedStatement): { table: string; constraint: AstNode }[] {
    if (statement.kind !== 'AlterTableStmt') return [];
    const table = relationName(statement.node.relation);
    return (statement.node.cmds ?? [])
      .map((c: AstNode) => c.AlterTableCmd ?? {})
      .filter((cmd: AstNode) => cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint)
      .map((cmd: AstNode) => ({ table, constraint: cmd.def.Constraint }));
  }

  provenNotNull(table: string, column: string): boolean {
    const last = (name: string) => name.slice(name.lastIndexOf('.') + 1);
    return [...this.history.notNullChecks.values()].some((c) => c.validated && c.column === column && last(c.table) === last(table));
  }
}

interface Emit {
  (rule: LintRule, message: string, line: number, statement: ParsedStatement, index: number): void;
}

function contextOf(state: MigrationState, statement: ParsedStatement, transaction: StatementTransaction, body?: string): StatementContext {
  const kinds = classifyStatement(statement);
  return {
    statement,
    transaction,
    lockTimeoutSet: state.lockTimeout || (state.localLockTimeout && transaction.block !== 'none'),
    kinds,
    locks: locksOf(kinds),
    held: state.held,
    notValidInBlock: state.notValidInBlock,
    created: { tables: state.tables, indexes: state.indexes, views: state.views, types: state.types, routines: state.routines },
    provenNotNull: (table, column) => state.provenNotNull(table, column),
    createdLater: state.createdLater,
    notNullAdded: state.notNullAdded,
    ...(body ? { body } : {}),
  };
}

function applyRules(rules: LintRule[], context: StatementContext, line: number, index: number, emit: Emit): void {
  for (const rule of rules) for (const message of rule.check(context)) emit(rule, message, line, context.statement, index);
}

/**
 * Lint one statement and what runs with it: the statements of a DO block, and
 * of routines it calls that this or an earlier migration of the set created.
 */
function lintStatement(
  rules: LintRule[],
  state: MigrationState,
  statement: ParsedStatement,
  transaction: StatementTransaction,
  line: number,
  index: number,
  emit: Emit,
  notAnalysed: (line: number, reason: string) => void,
): void {
  const context = contextOf(state, statement, transaction);
  applyRules(rules, context, line, index, emit);
  const bodies: { what: string; body: RoutineBody }[] = [];
  const block = doBlockBody(statement);
  if (block) bodies.push({ what: 'DO block', body: block });
  for (const name of calledRoutines(statement)) {
    const body = state.history.routines.get(name);
    if (body) bodies.push({ what: `${name}()`, body: body() });
  }
  for (const { what, body } of bodies) {
    if (body.unreadable) notAnalysed(line, `${what}: ${body.unreadable}`);
    for (const dynamic of body.dynamic) notAnalysed(line + dynamic - 1, `${what} runs dynamic SQL (EXECUTE) that cannot be read statically`);
    for (const inner of body.statements) {
      let parsed: ParsedStatement[];
      try {
        parsed = parseStatements(inner.sql);
      } catch {
        notAnalysed(line + inner.line - 1, `${what}: a statement of its body does not parse as SQL`);
        continue;
      }
      for (const innerStatement of parsed) {
        // A statement of the body runs where the outer one does; its own line is shown.
        const innerLine = what === 'DO block' ? line + inner.line - 1 : line;
        applyRules(rules, contextOf(state, innerStatement, transaction, what), innerLine, index, emit);
        trackLocks(state, contextOf(state, innerStatement, transaction, what));
        state.record(innerStatement);
      }
    }
  }
  trackLocks(state, context);
}

function trackLocks(state: MigrationState, context: StatementContext): void {
  if (context.transaction.block === 'none') return;
  for (const lock of context.locks) state.held.set(lock.relation, stronger(lock.mode, state.held.get(lock.relation) ?? 'ACCESS SHARE'));
}

/** Lint the SQL of one migration (several sources for a code migration's raw SQL strings). */
export function lintMigration(
  sources: SqlSource[],
  rules: LintRule[] = LINT_RULES,
  /** The sources already parsed (by parseStatementsBatch), index for index. */
  parsed?: (ParsedStatement[] | SqlParseError)[],
  /** What earlier migrations of the same set did. */
  history: SetHistory = newSetHistory(),
): LintedFile[] {
  const state = new MigrationState(history);
  const files = new Map<string, LintedFile>();
  const seen = new Set<string>();

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
    const statements = result instanceof SqlParseError ? result.statements : result;
    if (result instanceof SqlParseError) file.parseError ??= { line: source.line + result.line - 1, message: result.message };
    file.statements += statements.length;
    const suppressions = suppressionsByStatement(source.sql, statements);
    const transactions = transactionModel(statements, source.transaction, result instanceof SqlParseError ? 1 : 0);
    const emit: Emit = (rule, message, line, statement, index) => {
      const covering = suppressions.get(index)?.find((s) => s.rules.includes(rule.id));
      // Several statements from one line (a schema-builder call) make one hit per rule and message.
      const key = `${rule.id}\u0000${line}\u0000${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      const hit: LintHit = {
        rule: rule.id,
        severity: rule.severity,
        category: rule.category,
        path: source.path,
        line,
        message: covering && !covering.reason ? `${message} (continuity-ignore without a reason is not honoured)` : message,
        statement: source.code ?? shorten(statement.text),
        ...(covering?.reason ? { suppressed: covering.reason } : {}),
      };
      file.hits.push(hit);
    };
    const notAnalysed = (line: number, reason: string) => (file.notAnalysed ??= []).push({ line, reason });
    const created = statements.map(createdName);
    state.createdLater = new ObjectNames(created.filter((n): n is string => n !== undefined));
    statements.forEach((statement, index) => {
      const transaction = transactions[index]!;
      const name = created[index];
      if (name !== undefined) state.createdLater.delete(name);
      lintStatement(rules, state, statement, transaction, source.line + statement.line - 1, index, emit, notAnalysed);
      state.record(statement);
      if (transaction.endsBlock) state.endBlock();
    });
    // The tool commits its transaction (or the implicit block ends) with the source.
    if (transactions.at(-1)?.block !== 'explicit') state.endBlock();
  });
  return [...files.values()];
}
