// Static reading of migration code: function bodies and SQL string literals.
// No code is executed; what cannot be read statically is counted, not guessed.

export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Index just past the bracket that closes the one at `open`, skipping strings and comments (JS-like syntax). */
export function matchingBrace(text: string, open: number): number {
  const pairs: Record<string, string> = { '{': '}', '(': ')', '[': ']' };
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      if (i === -1) return text.length;
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i === 0) return text.length;
    } else if (c === '"' || c === "'" || c === '`') {
      i = stringEnd(text, i) - 1;
    } else if (pairs[c]) {
      stack.push(pairs[c]!);
    } else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  return text.length;
}

/** Index just past the closing quote of the JS string literal starting at `start`. */
function stringEnd(text: string, start: number): number {
  const quote = text[start]!;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

export interface FunctionBody {
  /** Text of the body, without the braces; for an expression-bodied arrow, the expression. */
  text: string;
  start: number;
}

/**
 * The body of the first function matched by `header` (a regex matching up to the
 * parameter list's opening parenthesis, or to `=`/`:` before an arrow function).
 */
export function functionBody(text: string, header: RegExp): FunctionBody | undefined {
  const match = header.exec(text);
  if (!match) return undefined;
  let i = match.index + match[0].length;
  // Skip to the parameter list, then past it.
  const paren = text.indexOf('(', i - 1);
  if (paren === -1) return undefined;
  i = matchingBrace(text, paren);
  const rest = text.slice(i);
  const arrow = /^\s*(:\s*[^={]+)?\s*=>\s*/.exec(rest);
  const block = /^\s*(:\s*[^{]+)?\s*\{/.exec(rest);
  if (arrow && rest[arrow[0].length] !== '{') {
    const start = i + arrow[0].length;
    const end = text.slice(start).search(/;\s*(\n|$)|\n\s*(exports|module|export)\b/);
    return { text: text.slice(start, end === -1 ? text.length : start + end), start };
  }
  const brace = text.indexOf('{', i + (arrow ? arrow[0].length - 1 : block ? 0 : 0));
  if (brace === -1) return undefined;
  const close = matchingBrace(text, brace);
  return { text: text.slice(brace + 1, close - 1), start: brace + 1 };
}

/** Code with comments and whitespace removed, to judge whether a body does anything. */
export function strippedCode(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/^\s*#.*$/gm, '')
    .replace(/\s+/g, '');
}

export interface ExtractedSql {
  sql: string;
  /** Offset of the SQL's first character in the text. */
  index: number;
}

/**
 * SQL passed as a literal to raw-query calls (`knex.raw('...')`,
 * `queryRunner.query("...")`, `pgm.sql(`...`)`, `op.execute("""...""")`).
 * Calls whose argument is not a plain literal are counted as unreadable.
 */
export function rawSqlLiterals(text: string, callPattern: RegExp): { literals: ExtractedSql[]; unreadable: number } {
  const literals: ExtractedSql[] = [];
  let unreadable = 0;
  for (const match of text.matchAll(callPattern)) {
    const at = match.index! + match[0].length;
    const rest = text.slice(at);
    const lead = /^\s*(?:sa\.text\(\s*|text\(\s*)?/.exec(rest)![0].length;
    const start = at + lead;
    const triple = /^("""|''')/.exec(text.slice(start));
    if (triple) {
      const end = text.indexOf(triple[1]!, start + 3);
      if (end === -1) { unreadable++; continue; }
      literals.push({ sql: text.slice(start + 3, end), index: start + 3 });
      continue;
    }
    const quote = text[start];
    if (quote !== '"' && quote !== "'" && quote !== '`') {
      unreadable++;
      continue;
    }
    const end = stringEnd(text, start);
    const body = text.slice(start + 1, end - 1);
    const next = text.slice(end).trimStart()[0];
    if ((quote === '`' && body.includes('${')) || next === '+' || next === '%' || next === '.') {
      unreadable++; // interpolated or concatenated: not readable statically
      continue;
    }
    literals.push({ sql: quote === '`' ? body : body.replace(/\\(['"\\])/g, '$1').replace(/\\n/g, '\n'), index: start + 1 });
  }
  return { literals, unreadable };
}
