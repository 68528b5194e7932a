// Classifies columns as sensitive from their names, types and comments only:
// metadata, never row data.

export const SENSITIVE_CATEGORIES = [
  'secret',
  'email',
  'phone',
  'person name',
  'address',
  'birth date',
  'government id',
  'payment card',
  'ip address',
] as const;
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number];

/** Split snake_case, camelCase and kebab-case names into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

type Rule = { category: SensitiveCategory; test: (w: string[], joined: string) => boolean };

const has = (w: string[], ...any: string[]) => any.some((a) => w.includes(a));

// Checked in order: the first match names the category ("ip_address" is an IP, not a postal address).
const RULES: Rule[] = [
  {
    category: 'secret',
    test: (w, j) =>
      has(w, 'password', 'passwd', 'pwd', 'secret', 'token', 'apikey', 'credential', 'credentials', 'passphrase') ||
      /api_?key|access_?key|private_?key|secret_?key|signing_?key|encryption_?key/.test(j),
  },
  { category: 'email', test: (w) => has(w, 'email', 'mail', 'emailaddress') },
  { category: 'ip address', test: (w, j) => has(w, 'ip', 'ipaddr', 'ipv4', 'ipv6') || /remote_?addr|client_?addr/.test(j) },
  { category: 'phone', test: (w) => has(w, 'phone', 'mobile', 'msisdn', 'telephone', 'cellphone', 'fax') },
  {
    category: 'birth date',
    test: (w, j) => has(w, 'dob', 'birthday', 'birthdate') || /birth_?date|date_?of_?birth|born_?on/.test(j),
  },
  {
    category: 'government id',
    test: (w, j) =>
      has(w, 'ssn', 'passport', 'nino', 'aadhaar', 'nric', 'itin') ||
      /social_?security|national_?id|tax_?id|tax_?number|driver_?s?_?licen[cs]e|id_?card_?number/.test(j),
  },
  {
    category: 'payment card',
    test: (w, j) =>
      has(w, 'cvv', 'cvc', 'iban', 'pan') || /card_?number|credit_?card|cc_?number|account_?number|routing_?number/.test(j),
  },
  {
    category: 'person name',
    test: (w, j) =>
      has(w, 'firstname', 'lastname', 'surname', 'fullname', 'forename') ||
      /(first|last|middle|full|given|family|maiden|legal|customer|contact|display)_name/.test(j),
  },
  {
    category: 'address',
    test: (w, j) =>
      has(w, 'street', 'postcode', 'zipcode', 'zip') ||
      /(street|postal|mailing|billing|shipping|home|physical)_?address|address_?line|postal_?code|^address\d?$/.test(j),
  },
];

/** Words in a comment that mark a column as personal or secret data. */
const COMMENT_MARKERS: { category: SensitiveCategory; pattern: RegExp }[] = [
  { category: 'secret', pattern: /\b(secret|credential|api key|password|token)s?\b/i },
  { category: 'email', pattern: /\be-?mail\b/i },
  { category: 'phone', pattern: /\bphone\b/i },
  { category: 'person name', pattern: /\b(pii|personal(ly)? ?(identifiable)?|person'?s name|customer name)\b/i },
];

/** A trailing word that makes the column metadata about a value, not the value itself. */
const METADATA_SUFFIXES = new Set(['id', 'ids', 'count', 'verified', 'confirmed', 'enabled', 'type', 'kind', 'at', 'on', 'status', 'expires', 'expiry', 'hint', 'format', 'length', 'sent', 'template', 'policy', 'version']);

const NON_DATA_TYPES = /^(boolean|timestamp|time |time$|interval|smallint|integer|bigint|uuid)/;

export function classifyColumn(column: { name: string; type: string; comment: string | null }): SensitiveCategory | undefined {
  const w = words(column.name);
  const joined = w.join('_');
  const last = w[w.length - 1] ?? '';
  const isInet = /^(inet|cidr)/.test(column.type);
  if (isInet) return 'ip address';
  const byName = RULES.find((r) => r.test(w, joined))?.category;
  if (byName) {
    const governmentId = byName === 'government id';
    if (!governmentId && METADATA_SUFFIXES.has(last)) return undefined;
    // A flag or timestamp about a value is not the value (email_verified, password_changed_at).
    if (NON_DATA_TYPES.test(column.type) && byName !== 'birth date' && !governmentId) return undefined;
    return byName;
  }
  if (column.comment) return COMMENT_MARKERS.find((m) => m.pattern.test(column.comment!))?.category;
  return undefined;
}
