import type { LintRule } from './rule';

/** NAMEDATALEN - 1: PostgreSQL truncates longer identifiers (with a NOTICE). */
const MAX_IDENTIFIER_BYTES = 63;
/**
 * Whether the text holds a run of at least 22 identifier characters (UTF-16 units: 3 bytes each at most, 4 per
 * surrogate pair), the shortest that can be a 64-byte identifier; one pass, so most statements cost next to nothing.
 */
function mayHoldLongIdentifier(text: string): boolean {
  let run = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      quoted = !quoted;
      run = 0;
      continue;
    }
    const identifier = quoted || c >= 0x80 || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
    run = identifier ? run + 1 : 0;
    if (run >= 22) return true;
  }
  return false;
}

/**
 * The identifiers as written in a statement: unquoted words and "quoted" names,
 * outside string constants, dollar-quoted bodies and comments. (The parse tree
 * holds names already truncated by the scanner, so the text is read.)
 */
function writtenIdentifiers(text: string): string[] {
  const code = text
    .replace(/\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g, ' ')
    .replace(/(^|[^\w])[eE]?'(?:[^'\\]|''|\\.)*'/g, '$1 ')
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  return [...code.matchAll(/"((?:[^"]|"")+)"|([\p{L}_][\p{L}\p{N}_$]*)/gu)].map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!));
}

export default {
  id: 'identifier-too-long',
  title: 'Identifier longer than 63 bytes',
  severity: 'low',
  category: 'deploy',
  flags: 'an identifier over 63 bytes, which PostgreSQL silently truncates',
  doc: 'PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1) with only a NOTICE. The object then has another name than the migration, ORMs and later migrations use, and two long names that share their first 63 bytes collide. Use a shorter name.',
  check({ statement }) {
    if (!mayHoldLongIdentifier(statement.text)) return [];
    return [...new Set(writtenIdentifiers(statement.text))]
      .filter((name) => Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES)
      .map((name) => `identifier ${name} is ${Buffer.byteLength(name)} bytes: PostgreSQL truncates it to ${MAX_IDENTIFIER_BYTES}`);
  },
} satisfies LintRule;
