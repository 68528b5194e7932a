// Classifies columns as sensitive from metadata only (table name, column name,
// declared type, comment), never row data. Independent of any database: the
// same inputs come from PostgreSQL's catalog and ClickHouse's system.columns.
// docs/sensitivity.md explains the rules and the decisions behind them.
import { CLASS_INFO, type SensitiveClass, type SensitivityKind } from './classes';
import { typeFamily, type TypeFamily } from './types';
import {
  alternatives,
  CLEAR,
  KNOWN_COLUMNS,
  NEUTRAL,
  PERSON_NOUNS,
  PREDICATES,
  PROTECTION,
  TABLE_AFFIXES,
  TABLE_VALUE_WORDS,
  TERMS,
  THING_NOUNS,
  type Term,
} from './vocabulary';
import { vocabularyWords, words } from './words';

export { CLASS_INFO, remediationFor, SENSITIVE_CLASSES, type SensitiveClass, type SensitivityKind } from './classes';
export { typeFamily, type TypeFamily } from './types';
export { words } from './words';

export interface ColumnMetadata {
  /** The table the column belongs to, without its schema or database. */
  table: string;
  name: string;
  /** The declared type as the catalog prints it (PostgreSQL format_type, ClickHouse system.columns.type). */
  type?: string | null;
  comment?: string | null;
}

export interface Classification {
  class: SensitiveClass;
  kind: SensitivityKind;
  /** What decided it: the column's name (read with its table's), its declared type, or its comment. */
  basis: 'name' | 'type' | 'comment';
}

interface TableContext {
  kind: 'person' | 'thing' | 'other';
  /** The class the table's own name reads as: `api_keys` (secret), `addresses` (postal address). */
  class?: SensitiveClass;
  /** The table's last word, singular: `key` for `api_keys`. */
  head?: string;
}

interface NameReading {
  /** null: known not to be sensitive (a flag such as `is_email_verified`, or `public_key`). */
  class: SensitiveClass | null;
  /** A hashing or encryption word surrounds it (`password_hash`, `encrypted_otp_secret`). */
  protected: boolean;
  /** It ends with `id`: an integer or uuid then reads as a reference to a row, not the value. */
  endsWithId: boolean;
  holds?: readonly TypeFamily[];
}

const NO_CONTEXT: TableContext = { kind: 'other' };
/** Tables whose bare `key` column is the credential (api_keys.key, authtoken_token.key); in `secrets` a key names the secret. */
const KEY_TABLES = new Set(['key', 'token', 'credential']);

function tableAllows(term: Term, table: TableContext): boolean {
  return (
    !term.in ||
    term.in.some((c) => (c === 'person' ? table.kind === 'person' : c === 'not thing' ? table.kind !== 'thing' : table.class === c))
  );
}

interface CompiledTerm {
  term: Term;
  order: number;
  words: readonly ReadonlySet<string>[];
  then: ReadonlySet<string>;
}

/** Terms by their last word: a name is read from its end, so only those can end at a given word. */
const TERMS_BY_LAST_WORD = new Map<string, CompiledTerm[]>();
TERMS.forEach((term, order) => {
  const compiled = { term, order, words: term.words.map((w) => new Set(alternatives(w))), then: new Set(term.then) };
  for (const last of compiled.words[compiled.words.length - 1]!) {
    TERMS_BY_LAST_WORD.set(last, [...(TERMS_BY_LAST_WORD.get(last) ?? []), compiled]);
  }
});
/** Words any term allows after it; reading stops at the first word from the end that is none of these. */
const ANY_TRAILING = new Set([...NEUTRAL, ...PROTECTION, ...TERMS.flatMap((t) => t.then ?? [])]);

const isTrailing = (w: string) => NEUTRAL.has(w) || PROTECTION.has(w);

/** Read a name (as vocabulary words) from its end; undefined when no term of the vocabulary ends it. */
function readName(name: readonly string[], table: TableContext): NameReading | undefined {
  if (name.length === 0) return undefined;
  if (PREDICATES.has(name[0]!)) return { class: null, protected: false, endsWithId: false };
  let start = 0;
  while (start < name.length - 1 && PROTECTION.has(name[start]!)) start++;
  const leadingProtection = start > 0;
  const rest = name.slice(start);

  // A bare column holding what its table is named after: secrets.value, api_keys.key, credit_cards.number.
  if (table.class) {
    let end = rest.length;
    while (end > 1 && isTrailing(rest[end - 1]!)) end--;
    const word = end === 1 ? rest[0]! : undefined;
    const own =
      word !== undefined &&
      (TABLE_VALUE_WORDS.has(word) ||
        word === table.head ||
        (word === 'key' && KEY_TABLES.has(table.head!)) ||
        (PROTECTION.has(word) && CLASS_INFO[table.class].kind === 'secret'));
    if (own) return { class: table.class, protected: leadingProtection || rest.some((w) => PROTECTION.has(w)), endsWithId: false };
  }

  // The term that ends the name, starting earliest (email_address is an e-mail, not a postal address).
  let best: { compiled: CompiledTerm; start: number; end: number } | undefined;
  for (let end = rest.length - 1; end >= 0; end--) {
    const after = rest.slice(end + 1);
    for (const compiled of TERMS_BY_LAST_WORD.get(rest[end]!) ?? []) {
      const length = compiled.words.length;
      const s = end - length + 1;
      if (s < 0 || (compiled.term.bare && s !== 0) || !tableAllows(compiled.term, table)) continue;
      if (!after.every((w) => isTrailing(w) || compiled.then.has(w))) continue;
      if (!compiled.words.every((alternatives, j) => alternatives.has(rest[s + j]!))) continue;
      const better =
        !best ||
        s < best.start ||
        (s === best.start &&
          (length > best.compiled.words.length || (length === best.compiled.words.length && compiled.order < best.compiled.order)));
      if (better) best = { compiled, start: s, end };
    }
    if (!ANY_TRAILING.has(rest[end]!)) break;
  }
  if (!best) return undefined;
  const after = rest.slice(best.end + 1);
  const { term } = best.compiled;
  return {
    class: term.class,
    protected: leadingProtection || after.some((w) => PROTECTION.has(w)),
    endsWithId: rest[best.end] === 'id' || after.includes('id'),
    ...(term.holds ? { holds: term.holds } : {}),
  };
}

// Columns come table by table and names recur across tables (id, name, created_at): each table and
// each name is read once. Bounded memos of pure functions.
const MEMO_LIMIT = 10_000;
const TABLE_CONTEXTS = new Map<string, TableContext>();
const NAME_WORDS = new Map<string, string[]>();

function nameWords(name: string): string[] {
  let reduced = NAME_WORDS.get(name);
  if (!reduced) {
    if (NAME_WORDS.size >= MEMO_LIMIT) NAME_WORDS.clear();
    reduced = vocabularyWords(words(name));
    NAME_WORDS.set(name, reduced);
  }
  return reduced;
}

function tableContext(table: string): TableContext {
  let context = TABLE_CONTEXTS.get(table);
  if (!context) {
    if (TABLE_CONTEXTS.size >= MEMO_LIMIT) TABLE_CONTEXTS.clear();
    context = readTableContext(table);
    TABLE_CONTEXTS.set(table, context);
  }
  return context;
}

function readTableContext(table: string): TableContext {
  const name = vocabularyWords(words(table));
  while (name.length > 1 && TABLE_AFFIXES.has(name[name.length - 1]!)) name.pop();
  const head = name[name.length - 1];
  if (head === undefined) return NO_CONTEXT;
  const kind = PERSON_NOUNS.has(head) ? 'person' : THING_NOUNS.has(head) ? 'thing' : 'other';
  const reading = readName(name, NO_CONTEXT);
  const cls = reading?.class ? (reading.class === 'secret' && reading.protected ? 'hashed secret' : reading.class) : undefined;
  return { kind, head, ...(cls ? { class: cls } : {}) };
}

const TEXTUAL_ID: readonly TypeFamily[] = ['text', 'binary', 'other'];

function canHold(cls: SensitiveClass, family: TypeFamily | undefined, reading?: Pick<NameReading, 'endsWithId' | 'holds'>): boolean {
  if (family === undefined || family === 'other') return true;
  if (reading?.endsWithId && !TEXTUAL_ID.includes(family)) return false;
  return (reading?.holds ?? CLASS_INFO[cls].holds).includes(family);
}

// Comments are sentences: the first clause names what the column holds ("Customer full name", "IBAN of the payout account").
const STOPWORDS = new Set(['the', 'a', 'an', 'this', 'its', 'their', 'his', 'her', 'our', 'your', 'my', 's']);
const CLAUSE_END = new Set([
  'for', 'used', 'when', 'where', 'which', 'who', 'whom', 'whose', 'that', 'if', 'to', 'from', 'in', 'into', 'by', 'with',
  'without', 'on', 'at', 'as', 'is', 'was', 'are', 'were', 'be', 'been', 'being', 'will', 'would', 'should', 'must',
  'may', 'might', 'can', 'could', 'stored', 'kept', 'sent', 'received', 'provided', 'supplied', 'entered', 'collected',
  'generated', 'issued', 'shown', 'returned', 'e', 'g', 'eg', 'ie', 'etc', 'after', 'before', 'during', 'per', 'via',
  'like', 'such', 'or', 'and', 'but', 'not', 'unless', 'until', 'while', 'so', 'than', 'then', 'has', 'have', 'had',
  'does', 'do',
]);
const NEGATIONS = new Set(['no', 'not', 'non', 'without']);
/** Hashing words that, in a comment, make a secret a hashed one; `hmac` and `iv` are left out (a key used for HMACs is still a key). */
const COMMENT_PROTECTION = new Set([...PROTECTION].filter((w) => w !== 'hmac' && w !== 'iv'));

/** The noun phrase a comment's first clause names: "IBAN of the payout account" -> payout account iban. */
function commentPhrase(clause: string): string[] {
  const phrase = vocabularyWords(words(clause)).filter((w) => !STOPWORDS.has(w));
  const end = phrase.findIndex((w, i) => i > 0 && CLAUSE_END.has(w));
  const head = end === -1 ? phrase : phrase.slice(0, end);
  const of = head.indexOf('of');
  return of > 0 ? [...head.slice(of + 1), ...head.slice(0, of)] : head;
}

/** "PII", "personal data", "personally identifiable", unless negated ("non-PII", "not personal data"). */
function declaresPersonal(surface: readonly string[]): boolean {
  return surface.some((w, i) => {
    const marker =
      w === 'pii' ||
      (w === 'personal' && ['data', 'information', 'details'].includes(surface[i + 1] ?? '')) ||
      (w === 'personally' && surface[i + 1] === 'identifiable');
    return marker && !NEGATIONS.has(surface[i - 1] ?? '');
  });
}

interface CommentReading {
  reading?: NameReading;
  protected: boolean;
  clear: boolean;
  declaresPersonal: boolean;
}

function readComment(comment: string, table: TableContext): CommentReading {
  const surface = words(comment);
  const clause = comment.split(/[.;:,()[\]!?\n]|\s[-–—]\s/).find((c) => words(c).length > 0) ?? '';
  const reading = readName(commentPhrase(clause), table);
  return {
    ...(reading ? { reading } : {}),
    protected: surface.some((w) => COMMENT_PROTECTION.has(w)),
    clear: surface.some((w) => CLEAR.has(w)) || surface.some((w, i) => w === 'not' && PROTECTION.has(surface[i + 1] ?? '')),
    declaresPersonal: declaresPersonal(surface),
  };
}

function hashedIfSecret(cls: SensitiveClass, hashed: boolean): SensitiveClass {
  return cls === 'secret' && hashed ? 'hashed secret' : cls;
}

function classification(cls: SensitiveClass, basis: Classification['basis']): Classification {
  return { class: cls, kind: CLASS_INFO[cls].kind, basis };
}

/** The class of sensitive data a column holds, judged from its metadata; undefined when it looks like none. */
export function classifyColumn(column: ColumnMetadata): Classification | undefined {
  const known = KNOWN_COLUMNS.get(`${column.table}.${column.name}`.toLowerCase());
  if (known) return classification(known, 'name');
  const family = typeFamily(column.type);
  if (family === 'boolean') return undefined;
  const table = tableContext(column.table);
  const name = readName(nameWords(column.name), table);
  if (name?.class === null) return undefined;
  const comment = column.comment?.trim() ? readComment(column.comment, table) : undefined;

  if (name?.class && canHold(name.class, family, name)) {
    return classification(hashedIfSecret(name.class, name.protected || (!!comment?.protected && !comment.clear)), 'name');
  }
  // A type that only holds one kind of value: inet, IPv4/IPv6, a geographic point.
  if (table.kind !== 'thing' && (family === 'ip' || family === 'geo-point')) {
    return classification(family === 'ip' ? 'ip address' : 'precise location', 'type');
  }
  // A domain or enum named after what it holds (CREATE DOMAIN email_address ...).
  if (!name && family === 'other' && column.type) {
    const type = readName(vocabularyWords(words(column.type)), NO_CONTEXT);
    if (type?.class) return classification(type.class, 'type');
  }
  if (!comment) return undefined;
  const said = comment.reading;
  if (said?.class && canHold(said.class, family, said)) {
    return classification(hashedIfSecret(said.class, (said.protected || comment.protected) && !comment.clear), 'comment');
  }
  if (comment.declaresPersonal && canHold('personal data', family)) return classification('personal data', 'comment');
  return undefined;
}
