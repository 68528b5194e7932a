// The SQL inside DO blocks and function bodies, read with PostgreSQL's own
// PL/pgSQL parser (libpg-query's parse_plpgsql). Static statements are linted
// like top-level ones; dynamic SQL (EXECUTE) cannot be read and makes the
// migration "not fully assessed".
import { parsePlpgsql } from './pg-parser';
import { lineAt } from './tools/code-text';
import { functionCalls, type AstNode, type ParsedStatement } from './sql';

export interface BodyStatement {
  /** The SQL of one statement of the body. */
  sql: string;
  /** 1-based line within the outer statement's text. */
  line: number;
}

export interface RoutineBody {
  statements: BodyStatement[];
  /** Lines (within the outer statement's text) of dynamic SQL: EXECUTE, FOR … IN EXECUTE, OPEN … FOR EXECUTE, RETURN QUERY EXECUTE. */
  dynamic: number[];
  /** Why the body could not be read (another language, or a PL/pgSQL syntax error). */
  unreadable?: string;
}

/** A function or procedure created in a migration, whose body runs when the migration (or a later one) calls it. */
export interface RoutineDefinition {
  name: string;
  /** The body, read on first use: most routines a migration defines are never called by a migration. */
  body(): RoutineBody;
}

function once<T>(read: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= read());
}

function option(options: AstNode[] | undefined, name: string): AstNode | undefined {
  return (options ?? []).find((o: AstNode) => o?.DefElem?.defname === name)?.DefElem?.arg;
}

/** PL/pgSQL statement node types that run SQL held in an expression, and the field that holds it. */
const STATIC_SQL: Record<string, string> = {
  PLpgSQL_stmt_execsql: 'sqlstmt',
  PLpgSQL_stmt_perform: 'expr',
  PLpgSQL_stmt_fors: 'query',
  PLpgSQL_stmt_return_query: 'query',
  PLpgSQL_stmt_open: 'query',
};
const DYNAMIC_SQL = new Set(['PLpgSQL_stmt_dynexecute', 'PLpgSQL_stmt_dynfors']);

function walk(node: AstNode, visit: (type: string, body: AstNode) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, visit);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('PLpgSQL_stmt_')) visit(key, value);
      walk(value, visit);
    }
  }
}

/** The value of an expression that is one string constant (`'…'` or `$tag$…$tag$`), undefined for anything else. */
function constantString(expression: string | undefined): string | undefined {
  if (typeof expression !== 'string') return undefined;
  const quoted = /^\s*'((?:[^']|'')*)'\s*$/.exec(expression);
  if (quoted) return quoted[1]!.replace(/''/g, "'");
  const dollar = /^\s*\$(\w*)\$([\s\S]*)\$\1\$\s*$/.exec(expression);
  return dollar ? dollar[2] : undefined;
}

/** Read a PL/pgSQL body from the whole statement text (the parser takes CREATE FUNCTION or DO). */
function plpgsqlBody(statement: ParsedStatement, bodyText: string): RoutineBody {
  const bodyLine = Math.max(1, lineAt(statement.text, Math.max(0, statement.text.indexOf(bodyText))));
  const toOuter = (lineno: number | undefined) => bodyLine + Math.max(0, (lineno ?? 1) - 1);
  let tree: AstNode;
  try {
    tree = parsePlpgsql(statement.text);
  } catch (error) {
    return { statements: [], dynamic: [], unreadable: `PL/pgSQL body does not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
  const statements: BodyStatement[] = [];
  const dynamic: number[] = [];
  walk(tree, (type, body) => {
    if (DYNAMIC_SQL.has(type) || ((type === 'PLpgSQL_stmt_open' || type === 'PLpgSQL_stmt_return_query') && body?.dynquery)) {
      // EXECUTE of a constant string runs static SQL after all; anything built at run time cannot be read.
      const constant = constantString(body?.query?.PLpgSQL_expr?.query ?? body?.dynquery?.PLpgSQL_expr?.query);
      if (constant !== undefined && !body?.params) statements.push({ sql: constant, line: toOuter(body?.lineno) });
      else dynamic.push(toOuter(body?.lineno));
      return;
    }
    const field = STATIC_SQL[type];
    const query = field ? body?.[field]?.PLpgSQL_expr?.query : undefined;
    if (typeof query === 'string') statements.push({ sql: query, line: toOuter(body?.lineno) });
  });
  return { statements, dynamic };
}

/** The body of a DO block, or undefined for other statements. */
export function doBlockBody(statement: ParsedStatement): RoutineBody | undefined {
  if (statement.kind !== 'DoStmt') return undefined;
  const args = statement.node.args ?? [];
  const language = String(option(args, 'language')?.String?.sval ?? 'plpgsql').toLowerCase();
  const body = option(args, 'as')?.String?.sval;
  if (typeof body !== 'string') return { statements: [], dynamic: [], unreadable: 'DO block without a body' };
  if (language !== 'plpgsql') return { statements: [], dynamic: [], unreadable: `DO block in language ${language} is not read` };
  return plpgsqlBody(statement, body);
}

/** A function or procedure a CREATE [OR REPLACE] FUNCTION/PROCEDURE defines, with its body; undefined for other statements. */
export function routineDefinition(statement: ParsedStatement): RoutineDefinition | undefined {
  if (statement.kind !== 'CreateFunctionStmt') return undefined;
  const { node } = statement;
  const name = String(node.funcname?.at(-1)?.String?.sval ?? '');
  const language = String(option(node.options, 'language')?.String?.sval ?? 'sql').toLowerCase();
  const as = option(node.options, 'as')?.List?.items?.[0]?.String?.sval;
  if (language === 'plpgsql' && typeof as === 'string') return { name, body: once(() => plpgsqlBody(statement, as)) };
  if (language === 'sql' && typeof as === 'string') {
    return { name, body: once(() => ({ statements: [{ sql: as, line: Math.max(1, lineAt(statement.text, Math.max(0, statement.text.indexOf(as)))) }], dynamic: [] })) };
  }
  const unreadable = language === 'sql' && node.sql_body ? 'BEGIN ATOMIC body is not read' : `function body in language ${language} is not read`;
  return { name, body: () => ({ statements: [], dynamic: [], unreadable }) };
}

/** Names of the functions and procedures a statement calls (SELECT f(), CALL p(); PERFORM inside bodies arrives as SELECT). */
export function calledRoutines(statement: ParsedStatement): string[] {
  if (statement.kind === 'CallStmt') return functionCalls(statement.node.funccall ? { FuncCall: statement.node.funccall } : undefined);
  if (statement.kind !== 'SelectStmt') return [];
  return [...functionCalls(statement.node.targetList), ...functionCalls(statement.node.fromClause)];
}
