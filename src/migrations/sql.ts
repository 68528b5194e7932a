// The PostgreSQL parser (libpg-query: the real parser compiled to WASM, pinned
// to PostgreSQL 17 by the package's major version, see PARSER_PG_MAJOR) and helpers over its JSON tree.
import { parseSql, scanSql } from './pg-parser';
import { PARSER_PG_MAJOR } from './types';

export { PARSER_PG_MAJOR };
/** Load the WASM module once; parseStatements() may be called after this resolves. */
export { loadParser } from './pg-parser';

/**
 * A node of the parse tree, e.g. the body of an AlterTableStmt. The tree is JSON
 * produced by the parser and rules read the few fields they need, so it is untyped.
 */
export type AstNode = any;

export interface ParsedStatement {
  /** The statement's node type, e.g. `AlterTableStmt`. */
  kind: string;
  /** The node body, e.g. the AlterTableStmt object. */
  node: AstNode;
  /** The statement text without leading comments and whitespace. */
  text: string;
  /** 1-based line of the statement's first token, within the parsed text. */
  line: number;
  /** 1-based line of the statement's last character. */
  endLine: number;
}

export class SqlParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** The statements before the one that fails, which parse on their own and can still be linted. */
    readonly statements: ParsedStatement[] = [],
  ) {
    super(message);
    this.name = 'SqlParseError';
  }
}

/** Offsets of each line start, in bytes (the parser reports byte offsets). */
function lineStarts(bytes: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Length in characters of the whitespace and comments a statement's text starts with. */
function leadingTriviaLength(text: string): number {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text.startsWith('/*', i)) (depth++, (i += 2));
        else if (text.startsWith('*/', i)) (depth--, (i += 2));
        else i++;
      }
    } else {
      return i;
    }
  }
}

/**
 * The parser's error carries no position: find the first statement (split at
 * the scanner's top-level semicolons) that fails on its own. Returns the byte
 * offset where that statement's chunk begins, and the line of its first token.
 */
function failingStatement(bytes: Buffer, starts: number[]): { begin: number; line: number } {
  let tokens: { start: number; end: number; tokenName: string }[];
  try {
    tokens = scanSql(bytes.toString()).tokens;
  } catch {
    return { begin: 0, line: 1 };
  }
  const ends = [...tokens.filter((t) => t.tokenName === 'ASCII_59').map((t) => t.end), bytes.length];
  let begin = 0;
  for (const end of ends) {
    const chunk = bytes.subarray(begin, end).toString();
    try {
      parseSql(chunk);
    } catch {
      return { begin, line: lineOf(starts, begin + Buffer.byteLength(chunk.slice(0, leadingTriviaLength(chunk)))) };
    }
    begin = end;
  }
  return { begin: 0, line: 1 };
}

type ParseTree = { stmts?: { stmt?: Record<string, AstNode>; stmt_location?: number; stmt_len?: number }[] };

/** Every statement of a tree, with `first` the byte offset of its first token and lines of the whole text. */
function statementsOf(tree: ParseTree, bytes: Buffer, starts: number[]): (ParsedStatement & { first: number })[] {
  const statements: (ParsedStatement & { first: number })[] = [];
  for (const raw of tree.stmts ?? []) {
    if (!raw.stmt) continue;
    const location = raw.stmt_location ?? 0;
    const length = raw.stmt_len && raw.stmt_len > 0 ? raw.stmt_len : bytes.length - location;
    const whole = bytes.subarray(location, location + length).toString();
    const trivia = leadingTriviaLength(whole);
    const first = location + Buffer.byteLength(whole.slice(0, trivia));
    const [kind, node] = Object.entries(raw.stmt)[0]!;
    statements.push({
      kind,
      node,
      text: whole.slice(trivia).trimEnd(),
      first,
      line: lineOf(starts, first),
      endLine: lineOf(starts, Math.max(first, location + length - 1)),
    });
  }
  return statements;
}

function withoutOffset({ first: _first, ...statement }: ParsedStatement & { first: number }, lineBase = 1): ParsedStatement {
  return { ...statement, line: statement.line - lineBase + 1, endLine: statement.endLine - lineBase + 1 };
}

/**
 * Parse a SQL script into statements with their lines. Throws SqlParseError
 * with the line of the first statement that does not parse, carrying the
 * statements before it.
 */
export function parseStatements(sql: string): ParsedStatement[] {
  const bytes = Buffer.from(sql);
  const starts = lineStarts(bytes);
  try {
    return statementsOf(parseSql(sql), bytes, starts).map((s) => withoutOffset(s));
  } catch (error) {
    const failing = failingStatement(bytes, starts);
    let before: ParsedStatement[] = [];
    try {
      // Later statements are not linted: what the failing one did to the schema is unknown.
      const prefix = bytes.subarray(0, failing.begin);
      before = statementsOf(parseSql(prefix.toString()), prefix, starts).map((s) => withoutOffset(s));
    } catch {
      // The prefix only fails where the scanner split a statement (BEGIN ATOMIC bodies): lint nothing.
    }
    throw new SqlParseError(error instanceof Error ? error.message : String(error), failing.line, before);
  }
}

/**
 * Parse many scripts with one parser call (each call into the WASM parser has a
 * fixed cost that dominates for small migration files). A script that does not
 * parse on its own, or that would run into the next one (an unterminated quote
 * or comment), makes the batch fall back to one call per script.
 */
export function parseStatementsBatch(scripts: string[]): (ParsedStatement[] | SqlParseError)[] {
  const separator = '\n;\n';
  const separatorLength = Buffer.byteLength(separator);
  const bytes = Buffer.from(scripts.join(separator));
  const ranges: [number, number][] = [];
  let from = 0;
  for (const script of scripts) {
    const to = from + Buffer.byteLength(script);
    ranges.push([from, to]);
    from = to + separatorLength;
  }
  let tree: ParseTree | undefined;
  try {
    tree = scripts.length > 1 ? parseSql(bytes.toString()) : undefined;
  } catch {
    tree = undefined;
  }
  // Statements and scripts both come in text order: the only script a statement can lie in is the first one it does
  // not end after, so one pass over both checks them all.
  let candidate = 0;
  const withinOneScript = (raw: NonNullable<ParseTree['stmts']>[number]) => {
    const location = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? location + raw.stmt_len : bytes.length;
    while (candidate < ranges.length - 1 && end > ranges[candidate]![1] + 1) candidate++;
    const [begin, stop] = ranges[candidate]!;
    // A statement starts right after the previous semicolon, so it may begin in the separator.
    return location >= begin - separatorLength && end <= stop + 1 && end > begin;
  };
  if (!tree || !(tree.stmts ?? []).every(withinOneScript)) {
    return scripts.map((script) => {
      try {
        return parseStatements(script);
      } catch (error) {
        return error instanceof SqlParseError ? error : new SqlParseError(String(error), 1);
      }
    });
  }
  const starts = lineStarts(bytes);
  const results: ParsedStatement[][] = scripts.map(() => []);
  let script = 0;
  for (const statement of statementsOf(tree, bytes, starts)) {
    while (script < ranges.length - 1 && statement.first >= ranges[script]![1]) script++;
    results[script]!.push(withoutOffset(statement, lineOf(starts, ranges[script]![0])));
  }
  return results;
}

/** The last name of a qualified name list (`[{String:{sval:'public'}},{String:{sval:'t'}}]` -> `t`). */
export function lastName(names: AstNode[] | undefined): string {
  const last = names?.[names.length - 1];
  return last?.String?.sval ?? '';
}

/** A RangeVar's name as the statement writes it: schema-qualified when it is. */
export function relationName(relation: AstNode): string {
  if (!relation?.relname) return '';
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname;
}

/** The dotted name of a qualified name list. */
export function qualifiedName(names: AstNode[] | undefined): string {
  return (names ?? []).map((n: AstNode) => n?.String?.sval ?? '?').join('.');
}

/** Every FuncCall name found anywhere under a node. */
export function functionCalls(node: AstNode, found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) functionCalls(item, found);
  } else if (node && typeof node === 'object') {
    if (node.FuncCall) found.push(lastName(node.FuncCall.funcname).toLowerCase());
    for (const value of Object.values(node)) functionCalls(value, found);
  }
  return found;
}

export { shorten } from '../util';
