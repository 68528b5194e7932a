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
export function stringEnd(text: string, start: number): number {
  const quote = text[start]!;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/** Code with comments and whitespace removed, to judge whether a body does anything. */
export function strippedCode(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/^\s*#.*$/gm, '')
    .replace(/\s+/g, '');
}

/** A name as a quoted SQL identifier, case kept: how the SQL a code migration runs is written out to be linted. */
export const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A dotted name (`app.users`) as quoted identifiers. */
export const quotedQualified = (name: string) => name.split('.').map(quoted).join('.');

/** A column type as a migration writes it (`VARCHAR(255)`, `uuid[]`), when it reads as a SQL type name; undefined otherwise. */
export function writtenSqlType(name: string | undefined): string | undefined {
  return name !== undefined && /^[a-z_][\w ]*(\(\d+(,\s*\d+)?\))?(\[\])?$/i.test(name) ? name : undefined;
}

export interface ExtractedSql {
  sql: string;
  /** Offset of the SQL's first character in the text. */
  index: number;
}

/** The string literal (or Python triple-quoted string, or sql`…` template) an argument starts with at `start`, unescaped; 'unreadable' when it is not a plain literal. */
export function literalAt(text: string, start: number): ExtractedSql | 'unreadable' {
  const triple = /^("""|''')/.exec(text.slice(start));
  if (triple) {
    const end = text.indexOf(triple[1]!, start + 3);
    return end === -1 ? 'unreadable' : { sql: text.slice(start + 3, end), index: start + 3 };
  }
  // A tagged template of a SQL library (slonik's, postgres.js's `sql`): its text is the SQL when it interpolates nothing.
  // What follows it is a call on the query it makes (Kysely's sql`…`.execute(db)), not more SQL.
  const tag = /^sql\s*(?=`)/.exec(text.slice(start));
  if (tag) {
    const open = start + tag[0].length;
    const body = text.slice(open + 1, stringEnd(text, open) - 1);
    return body.includes('${') ? 'unreadable' : { sql: body, index: open + 1 };
  }
  const quote = text[start];
  if (quote !== '"' && quote !== "'" && quote !== '`') return 'unreadable';
  const end = stringEnd(text, start);
  const body = text.slice(start + 1, end - 1);
  const next = text.slice(end).trimStart()[0];
  // Interpolated or concatenated: not readable statically.
  if ((quote === '`' && body.includes('${')) || next === '+' || next === '%' || next === '.') return 'unreadable';
  return { sql: quote === '`' ? body : body.replace(/\\(['"\\])/g, '$1').replace(/\\n/g, '\n'), index: start + 1 };
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
    const literal = literalAt(text, at + lead);
    if (literal === 'unreadable') unreadable++;
    else literals.push(literal);
  }
  return { literals, unreadable };
}

/**
 * The text with comments blanked and the contents of string literals blanked
 * (quotes kept), offsets unchanged: patterns over code then never match inside
 * a comment or a string.
 */
export function maskCode(text: string): string {
  const out = text.split('');
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      for (let j = i; j < stop; j++) out[j] = ' ';
      i = stop - 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let j = i; j < stop; j++) if (text[j] !== '\n') out[j] = ' ';
      i = stop - 1;
    } else if (c === '"' || c === "'" || c === '`') {
      const end = stringEnd(text, i);
      for (let j = i + 1; j < end - 1; j++) if (text[j] !== '\n') out[j] = ' ';
      i = end - 1;
    }
  }
  return out.join('');
}

export interface FunctionText {
  /** Parameter names (or their source text when destructured). */
  params: string[];
  /** The body without braces; for an expression-bodied arrow function, the expression. */
  body: string;
  /** Offset of `body` in the file. */
  start: number;
}

/**
 * Split code at its top-level separators (outside strings, comments and brackets): a parameter or argument list
 * (without its parentheses) at its commas by default.
 */
export function splitTopLevel(text: string, separators = ','): { text: string; start: number }[] {
  const parts: { text: string; start: number }[] = [];
  const masked = maskCode(text);
  let depth = 0;
  let from = 0;
  for (let i = 0; i <= masked.length; i++) {
    const c = masked[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if ((depth === 0 && c !== undefined && separators.includes(c)) || i === masked.length) {
      const part = text.slice(from, i);
      const lead = part.length - part.trimStart().length;
      if (part.trim() !== '') parts.push({ text: part.trim(), start: from + lead });
      from = i + 1;
    }
  }
  return parts;
}

function paramNames(list: string): string[] {
  return splitTopLevel(list).map((p) => /^(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(p.text)?.[1] ?? p.text);
}

/** A function value starting at `at` (after `=` or `:`): `async function (…) {…}`, `(…) => {…}`, `x => expr`; an identifier is returned as a reference. */
function functionValue(text: string, masked: string, at: number): FunctionText | { reference: string } | undefined {
  const rest = masked.slice(at);
  const reference = /^\s*([A-Za-z_$][\w$]*)\s*(?:[,;}\n]|$)/.exec(rest);
  if (reference && reference[1] !== 'async') return { reference: reference[1]! };
  const lead = /^\s*(?:async\s+)?(?:function\s*\*?\s*[\w$]*\s*)?/.exec(rest)![0];
  let i = at + lead.length;
  let params: string[];
  if (masked[i] === '(') {
    const close = matchingBrace(masked, i);
    params = paramNames(text.slice(i + 1, close - 1));
    i = close;
  } else {
    const single = /^([A-Za-z_$][\w$]*)\s*(?==>)/.exec(masked.slice(i));
    if (!single) return undefined;
    params = [single[1]!];
    i += single[0].length;
  }
  const after = /^\s*(?::\s*[^={]+?)?\s*(=>)?\s*/.exec(masked.slice(i))!;
  const isArrow = after[1] === '=>';
  if (!isArrow && !/function/.test(lead)) return undefined;
  i += after[0].length;
  if (masked[i] === '{') {
    const close = matchingBrace(masked, i);
    return { params, body: text.slice(i + 1, close - 1), start: i + 1 };
  }
  if (!isArrow) return undefined;
  // An expression body runs to the end of the statement: the first top-level `,`, `;` or closing bracket.
  let depth = 0;
  let end = i;
  for (; end < masked.length; end++) {
    const c = masked[end]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) break;
      depth--;
    } else if ((c === ',' || c === ';') && depth === 0) break;
  }
  return { params, body: text.slice(i, end), start: i };
}

/**
 * The function a migration file defines as `name` (up, down), whatever the
 * export shape: `exports.up = …`, `module.exports = { up: …, async down() {…} }`,
 * `export async function up(…)`, `export const up = …`, `const up = function …; module.exports = { up }`,
 * or a class method `async up(queryRunner) {…}`.
 */
export function findFunction(text: string, name: string, depth = 0): FunctionText | undefined {
  const masked = maskCode(text);
  const candidates: { at: number; found: FunctionText }[] = [];
  const valueSites = [
    new RegExp(`(?:module\\.)?exports\\.${name}\\s*=\\s*`, 'g'),
    new RegExp(`\\b(?:export\\s+)?(?:const|let|var)\\s+${name}\\s*(?::[^=]+)?=\\s*`, 'g'),
    new RegExp(`(?<![\\w$.])${name}\\s*:\\s*(?=(?:async\\s+)?(?:function|\\(|[A-Za-z_$][\\w$]*\\s*=>))`, 'g'),
  ];
  for (const site of valueSites) {
    for (const match of masked.matchAll(site)) {
      const value = functionValue(text, masked, match.index! + match[0].length);
      if (value && 'reference' in value) {
        if (value.reference !== name && depth < 2) {
          const referenced = findFunction(text, value.reference, depth + 1);
          if (referenced) candidates.push({ at: match.index!, found: referenced });
        }
      } else if (value) candidates.push({ at: match.index!, found: value });
    }
  }
  // Declarations and methods: the parameter list follows the name; a method's body follows the list.
  const declaration = new RegExp(`(?<![\\w$.])(?:(?:export\\s+(?:default\\s+)?)?(?:async\\s+)?function\\s*\\*?\\s*|(?:(?:public|private|protected|static|async)\\s+)*)${name}\\s*(?=\\()`, 'g');
  for (const match of masked.matchAll(declaration)) {
    const open = match.index! + match[0].length;
    const close = matchingBrace(masked, open);
    const after = /^\s*(?::\s*[^{;]+?)?\s*\{/.exec(masked.slice(close));
    if (!after) continue;
    const brace = close + after[0].length - 1;
    const end = matchingBrace(masked, brace);
    candidates.push({ at: match.index!, found: { params: paramNames(text.slice(open + 1, close - 1)), body: text.slice(brace + 1, end - 1), start: brace + 1 } });
  }
  candidates.sort((a, b) => a.at - b.at);
  return candidates[0]?.found;
}
