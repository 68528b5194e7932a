import { scanSync } from 'libpg-query';
import type { LintRule } from './rule';

/** NAMEDATALEN - 1: PostgreSQL truncates longer identifiers (with a NOTICE). */
const MAX_IDENTIFIER_BYTES = 63;
/** A run of at least 16 characters (of up to 4 bytes each) that could be a 64-byte identifier. */
const LONG_RUN = /[\p{L}\p{N}_$]{16,}|"[^"]{16,}"/u;

export default {
  id: 'identifier-too-long',
  title: 'Identifier longer than 63 bytes',
  severity: 'low',
  category: 'deploy',
  flags: 'an identifier over 63 bytes, which PostgreSQL silently truncates',
  doc: 'PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1) with only a NOTICE. The object then has another name than the migration, ORMs and later migrations use, and two long names that share their first 63 bytes collide. Use a shorter name.',
  check({ statement }) {
    // The parse tree holds names already truncated by the scanner: read the tokens of the statement text.
    if (!LONG_RUN.test(statement.text)) return [];
    const bytes = Buffer.from(statement.text);
    return scanSync(statement.text)
      .tokens.filter((t: { tokenName: string }) => t.tokenName === 'IDENT')
      .map((t: { start: number; end: number }) => bytes.subarray(t.start, t.end).toString().replace(/^"|"$/g, ''))
      .filter((name: string) => Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES)
      .map((name: string) => `identifier ${name} is ${Buffer.byteLength(name)} bytes: PostgreSQL truncates it to ${MAX_IDENTIFIER_BYTES}`);
  },
} satisfies LintRule;
