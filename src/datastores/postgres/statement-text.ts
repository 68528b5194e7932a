// Statement texts from pg_stat_statements and the expressions EXPLAIN prints,
// read with the real PostgreSQL parser (libpg-query; call loadParser() first).
// No I/O, but the parser is a heavy module: collectors use this, checks do not.
import { parseSql, scanSql } from '../../migrations/pg-parser';
import type { AstNode } from '../../migrations/sql';
import { quoteIdent } from './identifiers';

export { loadParser } from '../../migrations/sql';

const LITERAL_TOKENS = new Set(['SCONST', 'USCONST', 'ICONST', 'FCONST', 'BCONST', 'XCONST']);
const COMMENT_TOKENS = new Set(['C_COMMENT', 'SQL_COMMENT']);

/**
 * A text fit to leave the server: comments removed (they can carry values,
 * e.g. sqlcommenter tags) and every literal masked as `?`. pg_stat_statements
 * already replaces constants with $n; this holds even where it did not.
 */
export function withoutLiterals(text: string): string {
  const bytes = Buffer.from(text);
  let tokens: { start: number; end: number; tokenName: string }[];
  try {
    tokens = scanSql(text).tokens;
  } catch {
    return '(text withheld: it could not be tokenized, so its literals could not be masked)';
  }
  const parts: Buffer[] = [];
  let at = 0;
  for (const token of tokens) {
    const literal = LITERAL_TOKENS.has(token.tokenName);
    if (!literal && !COMMENT_TOKENS.has(token.tokenName)) continue;
    parts.push(bytes.subarray(at, token.start), Buffer.from(literal ? '?' : ' '));
    at = token.end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts).toString().replace(/[ \t]+\n/g, '\n').trim();
}

export interface TableRef {
  schema: string | null;
  name: string;
}

export type StatementReading =
  | { ok: true; command: 'select' | 'update' | 'delete'; params: number; tables: TableRef[]; target: TableRef | null }
  /** `candidate`: it may be a SELECT, UPDATE or DELETE the parser could not read; otherwise it is some other statement. */
  | { ok: false; reason: string; candidate: boolean };

function walk(node: AstNode, visit: (key: string, value: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      visit(key, value);
      walk(value, visit);
    }
  }
}

function tableRef(rangeVar: AstNode): TableRef {
  return { schema: rangeVar.schemaname ?? null, name: rangeVar.relname };
}

/**
 * What a statement is, before anything is sent to the server: exactly one
 * SELECT (WITH included), UPDATE or DELETE, its highest $n, and the tables it
 * names. Anything else is never explained.
 */
export function readStatement(text: string): StatementReading {
  let stmts: { stmt?: Record<string, AstNode> }[];
  try {
    stmts = (parseSql(text) as { stmts?: { stmt?: Record<string, AstNode> }[] }).stmts ?? [];
  } catch (error) {
    return { ok: false, reason: `the PostgreSQL 17 parser does not accept it (${(error as Error).message})`, candidate: true };
  }
  if (stmts.length !== 1 || !stmts[0]!.stmt) return { ok: false, reason: `it holds ${stmts.length} statements, not one`, candidate: true };
  const [kind, node] = Object.entries(stmts[0]!.stmt)[0]!;
  const command = kind === 'SelectStmt' && !node.intoClause ? 'select' : kind === 'UpdateStmt' ? 'update' : kind === 'DeleteStmt' ? 'delete' : undefined;
  if (!command) return { ok: false, reason: `it is not a SELECT, UPDATE or DELETE (${kind}${node.intoClause ? ' INTO' : ''})`, candidate: false };
  let params = 0;
  const ctes = new Set<string>();
  const named: TableRef[] = [];
  walk(node, (key, value) => {
    if (key === 'ParamRef') params = Math.max(params, Number(value.number ?? 0));
    else if (key === 'CommonTableExpr') ctes.add(value.ctename);
    else if (key === 'RangeVar') named.push(tableRef(value));
  });
  const target = command === 'select' ? null : tableRef(node.relation);
  const tables = [...(target ? [target] : []), ...named].filter((t) => t.schema !== null || !ctes.has(t.name));
  return { ok: true, command, params, tables, target };
}

/** A column reference in a plan expression: `alias.column`, or `column` alone. */
interface ColumnRef {
  alias: string | null;
  name: string;
}

function columnOf(node: AstNode): ColumnRef | undefined {
  // A cast to text (varchar columns compared as text) still lets an index on the column serve.
  if (node?.TypeCast && ['text', 'varchar', 'bpchar'].includes(node.TypeCast.typeName?.names?.at(-1)?.String?.sval)) {
    return columnOf(node.TypeCast.arg);
  }
  const fields = node?.ColumnRef?.fields as AstNode[] | undefined;
  if (!fields || fields.some((f) => f.String?.sval === undefined)) return undefined;
  const names = fields.map((f) => f.String.sval as string);
  return names.length === 1 ? { alias: null, name: names[0]! } : { alias: names[names.length - 2]!, name: names[names.length - 1]! };
}

function isValue(node: AstNode): boolean {
  if (node?.TypeCast) return isValue(node.TypeCast.arg);
  return Boolean(node?.ParamRef || node?.A_Const);
}

export interface Conditions {
  /** Columns compared for equality with a value ($n, a constant). */
  equality: string[];
  /** Columns compared for equality with a column of another relation (a join key). */
  joinEquality: string[];
  /** Columns compared with <, <=, >, >= or BETWEEN. */
  range: string[];
  /** Conditions without a value (`deleted_at IS NULL`, a boolean column): what a partial index can hold. */
  predicates: string[];
  /** What could not be served by a plain column index, said in words. */
  other: string[];
}

const RANGE_OPERATORS = new Set(['<', '>', '<=', '>=']);

function describeOther(node: AstNode): string {
  if (node?.BoolExpr?.boolop === 'OR_EXPR') return 'an OR of conditions';
  const op = node?.A_Expr?.name?.[0]?.String?.sval as string | undefined;
  if (op === '~~' || op === '~~*') return 'a LIKE pattern';
  if (node?.A_Expr && (node.A_Expr.lexpr?.FuncCall || node.A_Expr.rexpr?.FuncCall)) return 'a function of a column (an expression index may serve it)';
  return 'an expression';
}

function classify(node: AstNode, mine: (c: ColumnRef) => boolean, into: Conditions): void {
  if (node?.BoolExpr?.boolop === 'AND_EXPR') {
    for (const arg of node.BoolExpr.args) classify(arg, mine, into);
    return;
  }
  const own = (n: AstNode) => {
    const c = columnOf(n);
    return c && mine(c) ? c : undefined;
  };
  const other = (n: AstNode) => {
    const c = columnOf(n);
    return c && !mine(c) ? c : undefined;
  };
  const expr = node?.A_Expr;
  if (expr) {
    const op = expr.name?.[0]?.String?.sval as string;
    const left = own(expr.lexpr);
    const right = own(expr.rexpr);
    if (expr.kind === 'AEXPR_OP' || expr.kind === 'AEXPR_OP_ANY') {
      const [column, value] = left ? [left, expr.rexpr] : right ? [right, expr.lexpr] : [undefined, undefined];
      if (column && !(left && right)) {
        if (op === '=' && isValue(value)) return void into.equality.push(column.name);
        if (op === '=' && expr.kind === 'AEXPR_OP' && other(value)) return void into.joinEquality.push(column.name);
        if (expr.kind === 'AEXPR_OP' && RANGE_OPERATORS.has(op) && (isValue(value) || other(value))) return void into.range.push(column.name);
      }
    } else if (expr.kind === 'AEXPR_BETWEEN' && left) {
      return void into.range.push(left.name);
    }
  }
  const tested = node?.NullTest && own(node.NullTest.arg);
  if (tested) return void into.predicates.push(`${quoteIdent(tested.name)} ${node.NullTest.nulltesttype === 'IS_NULL' ? 'IS NULL' : 'IS NOT NULL'}`);
  const flag = own(node);
  if (flag) return void into.predicates.push(quoteIdent(flag.name));
  const negated = node?.BoolExpr?.boolop === 'NOT_EXPR' && own(node.BoolExpr.args[0]);
  if (negated) return void into.predicates.push(`NOT ${quoteIdent(negated.name)}`);
  into.other.push(describeOther(node));
}

/** The conjuncts of an expression at its top level: `(a) AND (b)` -> [`(a)`, `(b)`]. */
function topLevelConjuncts(text: string): string[] {
  const inner = text.startsWith('(') && text.endsWith(')') ? text.slice(1, -1) : text;
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch === "'") quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && inner.startsWith(' AND ', i)) {
      parts.push(inner.slice(start, i));
      start = i + 5;
    }
  }
  parts.push(inner.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseExpression(text: string): AstNode | undefined {
  try {
    return (parseSql(`SELECT WHERE ${text}`) as AstNode).stmts?.[0]?.stmt?.SelectStmt?.whereClause;
  } catch {
    return undefined;
  }
}

/**
 * The conditions an expression printed by EXPLAIN puts on the relation scanned
 * as `alias`. Parts the parser cannot read (`SubPlan 1`) count as `other`.
 */
export function conditionsOn(expression: string | undefined, alias: string, into: Conditions = emptyConditions()): Conditions {
  if (!expression) return into;
  const mine = (c: ColumnRef) => c.alias === null || c.alias === alias;
  const whole = parseExpression(expression);
  if (whole) {
    classify(whole, mine, into);
    return into;
  }
  for (const part of topLevelConjuncts(expression)) {
    const node = parseExpression(part);
    if (node) classify(node, mine, into);
    else into.other.push('a subquery or a value computed at run time');
  }
  return into;
}

export function emptyConditions(): Conditions {
  return { equality: [], joinEquality: [], range: [], predicates: [], other: [] };
}

export interface SortColumn {
  alias: string | null;
  name: string;
  descending: boolean;
  /** NULLS FIRST / NULLS LAST when written, else null (the direction's default). */
  nulls: 'first' | 'last' | null;
}

/** A sort key as EXPLAIN prints it (`inventory.quantity DESC`), or undefined when it is not a plain column. */
export function sortColumn(key: string): SortColumn | undefined {
  let clause: AstNode;
  try {
    clause = (parseSql(`SELECT ORDER BY ${key}`) as AstNode).stmts?.[0]?.stmt?.SelectStmt?.sortClause?.[0]?.SortBy;
  } catch {
    return undefined;
  }
  const column = clause && columnOf(clause.node);
  if (!column) return undefined;
  const nulls = clause.sortby_nulls === 'SORTBY_NULLS_FIRST' ? 'first' : clause.sortby_nulls === 'SORTBY_NULLS_LAST' ? 'last' : null;
  return { ...column, descending: clause.sortby_dir === 'SORTBY_DESC', nulls };
}
