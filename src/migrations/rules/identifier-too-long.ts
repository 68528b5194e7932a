import type { LintRule } from './rule';

/** NAMEDATALEN - 1: PostgreSQL truncates longer identifiers (with a NOTICE). */
const MAX_IDENTIFIER_BYTES = 63;
/** A run of at least 16 characters (of up to 4 bytes each) that could be a 64-byte identifier. */
const LONG_RUN = /[\p{L}\p{N}_$]{16,}|"[^"]{16,}"/u;

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
    if (!LONG_RUN.test(statement.text)) return [];
    return [...new Set(writtenIdentifiers(statement.text))]
      .filter((name) => Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES)
      .map((name) => `identifier ${name} is ${Buffer.byteLength(name)} bytes: PostgreSQL truncates it to ${MAX_IDENTIFIER_BYTES}`);
  },
} satisfies LintRule;
