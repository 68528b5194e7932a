// Names and comments as lists of lower-case words: snake_case, camelCase,
// PascalCase, kebab-case, UPPER_SNAKE, dotted (ClickHouse Nested) and digits.
import { ALIASES, COMPOUND_HEADS, IDIOMS, VOCABULARY } from './vocabulary';

/** Words whose digits are part of them; other trailing digits are a counter (`address2`, `line1`). */
const WORDS_WITH_DIGITS = new Set(['ipv4', 'ipv6', 'md5', 'sha1', 'sha256', 'sha512', 'e164', 'argon2', 'argon2id', 'x509', '2fa']);

/** Split a name or a sentence into lower-case words, as written. */
export function words(text: string): string[] {
  let spaced = text;
  if (/[A-Z]/.test(spaced)) {
    spaced = spaced
      .replace(/IPv([46])/g, '_ipv$1_')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, (whole, caps: string, next: string) => (next.endsWith('s') && whole.length === caps.length + 2 ? whole : `${caps}_${next}`))
      .toLowerCase();
  }
  const out: string[] = [];
  for (const w of spaced.split(/[^a-z0-9]+/)) {
    if (w === '' || /^\d+$/.test(w)) continue;
    const counter = WORDS_WITH_DIGITS.has(w) ? undefined : /^([a-z]+)\d+$/.exec(w);
    out.push(counter ? counter[1]! : w);
  }
  return out;
}

const known = (w: string) => VOCABULARY.has(w) || ALIASES.has(w);

function singular(w: string): string | undefined {
  const candidates = w.endsWith('ies') ? [`${w.slice(0, -3)}y`] : [];
  if (w.endsWith('es')) candidates.push(w.slice(0, -2));
  if (w.endsWith('s')) candidates.push(w.slice(0, -1));
  return candidates.find(known);
}

/** `dateofbirth` -> date, of, birth; `refreshtoken` -> refresh, token. Undefined when no split reads as known words. */
function splitCompound(w: string): string[] | undefined {
  for (let i = w.length - 2; i >= 2; i--) {
    const head = w.slice(0, i);
    if (!known(head)) continue;
    const rest = w.slice(i);
    if (known(rest)) return [head, rest];
    const more = splitCompound(rest);
    if (more) return [head, ...more];
  }
  const tail = COMPOUND_HEADS.find((h) => w.endsWith(h) && w.length - h.length >= 2);
  return tail ? [w.slice(0, -tail.length), tail] : undefined;
}

/** The same words recur in every schema (id, name, created, at): each is reduced once (a bounded memo of a pure function). */
const REDUCED = new Map<string, readonly string[]>();
const MEMO_LIMIT = 10_000;

function toVocabulary(w: string): readonly string[] {
  let reduced = REDUCED.get(w);
  if (!reduced) {
    if (REDUCED.size >= MEMO_LIMIT) REDUCED.clear();
    reduced = reduce(w);
    REDUCED.set(w, reduced);
  }
  return reduced;
}

function reduce(w: string): readonly string[] {
  const alias = ALIASES.get(w);
  if (alias) return alias;
  if (VOCABULARY.has(w)) return [w];
  const one = singular(w);
  if (one) return ALIASES.get(one) ?? [one];
  const parts = splitCompound(w) ?? (w.endsWith('s') ? splitCompound(w.slice(0, -1)) : undefined);
  return parts ? parts.flatMap((p) => ALIASES.get(p) ?? [p]) : [w];
}

/** Words reduced to the vocabulary: aliases expanded (`pwd` -> password), plurals made singular, run-together words split. */
export function vocabularyWords(surface: readonly string[]): string[] {
  let out = surface.flatMap(toVocabulary);
  for (const idiom of IDIOMS) {
    for (let i = 0; i + idiom.words.length <= out.length; i++) {
      if (idiom.words.every((w, j) => out[i + j] === w)) out = [...out.slice(0, i), ...idiom.as, ...out.slice(i + idiom.words.length)];
    }
  }
  return out;
}
