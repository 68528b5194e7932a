// The words that make a column sensitive. A column name is read from its end:
// the last words say what the column holds (`billing_email` holds an e-mail
// address, `email_verified` holds a flag about one), so a term counts only
// where the words after it are neutral (`email_address_normalized`) or allowed
// by the term (`phone_number`, `avatar_url`).
import type { SensitiveClass } from './classes';
import type { TypeFamily } from './types';

type Alternatives = string | readonly string[];

/** What the table says about its bare columns. */
export type TableCondition = 'person' | 'not thing' | SensitiveClass;

export interface Term {
  /** The words the name ends with (before neutral words); an inner list gives alternatives for one word. */
  words: readonly Alternatives[];
  /** null: the phrase is known not to hold sensitive data (`public_key`, `page_token`), whatever shorter term it ends with. */
  class: SensitiveClass | null;
  /** Words that may follow the phrase besides the neutral ones: `phone_number`, `avatar_url`. */
  then?: readonly string[];
  /** The phrase must be the whole name: `name` alone is a person's only in a person's table. */
  bare?: boolean;
  /** Counts only in these tables: a person's (`users`), not a thing's (`products`), or one whose own name has the class (`addresses`). */
  in?: readonly TableCondition[];
  /** Declared types that can hold it, where they differ from the class's. */
  holds?: readonly TypeFamily[];
}

const NUMBER = ['number'];

/** Words for a person that make `<word>_name` a person's name. */
const PERSON_NAME_MODIFIERS = [
  'first', 'last', 'middle', 'given', 'family', 'full', 'maiden', 'birth', 'preferred', 'real', 'christian',
  'customer', 'contact', 'patient', 'employee', 'member', 'author', 'recipient', 'sender', 'holder',
  'beneficiary', 'owner', 'guardian', 'parent', 'mother', 'father', 'spouse', 'kin', 'billing', 'shipping', 'person',
  'applicant', 'passenger', 'guest', 'driver', 'student', 'teacher', 'doctor', 'physician', 'buyer', 'payee', 'payer',
  'signer', 'signatory', 'witness', 'assignee', 'requester', 'reporter', 'subscriber', 'attendee', 'participant',
  'player', 'consignee', 'addressee', 'courier', 'rider', 'traveler', 'traveller', 'visitor', 'emergency',
];

/** Kinds of postal address that count in any table (`warehouses.street_address` too). */
const POSTAL_ADDRESS_KINDS = [
  'street', 'postal', 'post', 'mailing', 'billing', 'shipping', 'delivery', 'home', 'residential', 'residence',
  'physical', 'permanent', 'correspondence', 'pickup', 'dropoff', 'drop', 'return', 'customer', 'contact', 'invoice',
  'registered', 'employee', 'patient', 'member', 'recipient', 'sender', 'destination', 'user',
];

/** `<word>_address` that is not a postal address. */
const NON_POSTAL_ADDRESS = [
  'mac', 'hardware', 'wallet', 'contract', 'crypto', 'bitcoin', 'btc', 'eth', 'ethereum', 'deposit', 'web', 'url',
  'memory', 'server', 'host', 'node', 'peer', 'bind', 'listen', 'local', 'proxy', 'gateway', 'broker', 'cluster',
  'network', 'socket', 'endpoint', 'service', 'rpc', 'api', 'grpc', 'multicast', 'broadcast', 'link',
];

/** `<word>_key` that is a credential; any other key (`partition_key`, `public_key`) is not. */
const SECRET_KEY_MODIFIERS = [
  'api', 'secret', 'private', 'access', 'signing', 'sign', 'encryption', 'encrypt', 'decryption', 'master', 'auth',
  'authentication', 'license', 'licence', 'session', 'shared', 'hmac', 'jwt', 'webhook', 'client', 'consumer', 'app',
  'application', 'service', 'integration', 'ssl', 'tls', 'root', 'admin', 'ingest', 'ingestion', 'write', 'otp',
  'totp', 'mfa', 'recovery', 'activation', 'reset', 'unlock', 'confirmation', 'verification', 'invitation', 'magic', 'aes',
  'share', 'sharing',
];

/** `<word>_code` that is a one-time code or other credential. */
const SECRET_CODE_MODIFIERS = [
  'otp', 'totp', 'hotp', 'mfa', '2fa', 'verification', 'verify', 'recovery', 'backup', 'auth', 'authorization',
  'authorisation', 'reset', 'confirmation', 'activation', 'access', 'login', 'magic', 'sms', 'pin', 'security', 'unlock',
];

/** `<word>_token` that is not a credential: pagination cursors, path segments, a processor's card token. */
const NON_SECRET_TOKENS = ['page', 'pagination', 'cursor', 'continuation', 'sync', 'card', 'payment', 'path', 'search', 'text'];

/** Tokens kept hashed or encrypted, whose `<word>_digest` is a hashed secret (Rails' remember_digest). */
const TOKEN_PURPOSES = ['remember', 'activation', 'reset', 'confirmation', 'unlock', 'invitation', 'invite', 'session', 'magic', 'verification', 'recovery'];

const SOCIAL = ['twitter', 'github', 'gitlab', 'instagram', 'telegram', 'slack', 'discord', 'tiktok', 'social', 'user', 'mastodon', 'reddit', 'linkedin'];

const PHOTO_THEN = ['url', 'uri', 'link', 'path', 'file', 'key', 'blob', 'data', 'image', 'thumb', 'thumbnail', 'small', 'medium', 'large', 'remote', 'src'];

const INFRASTRUCTURE = ['server', 'host', 'node', 'gateway', 'router', 'bind', 'listen', 'private', 'internal', 'instance', 'proxy', 'dns', 'nameserver', 'vpc', 'nat'];

const ACCESS_LISTS = ['allowed', 'allow', 'whitelist', 'whitelisted', 'allowlist', 'allowlisted', 'trusted', 'blocked', 'block', 'blacklist', 'blocklist', 'deny', 'denied', 'banned'];

const SECRET_WITH_NUMBERS: readonly TypeFamily[] = ['text', 'binary', 'json', 'other', 'uuid', 'int', 'int-big', 'decimal'];

/** Ordered: at the same position, the longer phrase wins, then the earlier term. */
export const TERMS: readonly Term[] = [
  // e-mail
  { words: ['email'], class: 'email', then: ['address'] },
  { words: ['email', 'id'], class: 'email' },
  { words: ['mail'], class: 'email', then: ['address'] },
  { words: [['email', 'mail'], 'change'], class: 'email' },

  // phone
  { words: [['phone', 'mobile', 'fax', 'msisdn', 'landline']], class: 'phone', then: [...NUMBER, 'e164'] },
  { words: [['cell', 'contact', 'sms', 'whatsapp'], ['phone', 'number']], class: 'phone', then: NUMBER },
  { words: [['phone', 'mobile'], 'change'], class: 'phone' },

  // person name
  { words: [PERSON_NAME_MODIFIERS, 'name'], class: 'person name' },
  { words: ['name', ['first', 'last', 'middle', 'given', 'family', 'full']], class: 'person name' },
  { words: [['surname', 'forename']], class: 'person name' },
  { words: [['card', 'account'], 'holder'], class: 'person name' },
  { words: ['legal', 'name'], class: 'person name', in: ['not thing'] },
  { words: ['display', 'name'], class: 'person name', in: ['not thing'] },
  { words: ['name'], class: 'person name', bare: true, in: ['person', 'postal address'] },

  // username
  { words: ['user', 'name'], class: 'username' },
  { words: [['screen', 'nick', 'login'], 'name'], class: 'username' },
  { words: ['login'], class: 'username', in: ['not thing'] },
  { words: [SOCIAL, 'handle'], class: 'username' },
  { words: ['handle'], class: 'username', bare: true, in: ['person'] },

  // postal address
  { words: ['address'], class: 'postal address', then: ['line'], in: ['not thing'] },
  { words: [POSTAL_ADDRESS_KINDS, 'address'], class: 'postal address', then: ['line'] },
  { words: [NON_POSTAL_ADDRESS, 'address'], class: null },
  { words: ['line'], class: 'postal address', bare: true, in: ['postal address'] },
  { words: ['street'], class: 'postal address', then: ['name', 'number', 'line'] },
  { words: [['house', 'building', 'apartment', 'flat', 'door'], 'number'], class: 'postal address' },
  { words: ['pin', 'code'], class: 'postal address', in: ['postal address'] },
  { words: [['zip', 'post', 'postal'], 'code'], class: 'postal address' },
  { words: ['zip'], class: 'postal address' },

  // birth date
  { words: ['birth', ['date', 'day']], class: 'birth date' },
  { words: ['date', 'of', 'birth'], class: 'birth date' },
  { words: ['born', ['on', 'at']], class: 'birth date' },

  // government id
  {
    words: [['ssn', 'passport', 'aadhaar', 'cpf', 'curp', 'nric', 'nino', 'itin', 'tin', 'bsn', 'pesel', 'dni', 'hkid', 'personnummer']],
    class: 'government id',
    then: [...NUMBER, 'id', 'last', 'four'],
  },
  { words: ['social', 'security'], class: 'government id', then: NUMBER },
  {
    words: [['national', 'tax', 'voter', 'citizen', 'citizenship', 'resident', 'government', 'taxpayer'], ['id', 'identifier', 'identification', 'number']],
    class: 'government id',
    then: NUMBER,
  },
  { words: ['national', 'insurance'], class: 'government id', then: NUMBER },
  { words: [['ni', 'nhs', 'medicare', 'medicaid'], 'number'], class: 'government id' },
  { words: [['driver', 'driving'], ['license', 'licence']], class: 'government id', then: [...NUMBER, 'id'] },
  { words: [['id', 'identity', 'pan'], 'card'], class: 'government id', then: NUMBER },

  // payment card
  { words: [['credit', 'debit', 'payment', 'bank'], 'card'], class: 'payment card', then: NUMBER },
  { words: ['card', 'number'], class: 'payment card' },
  { words: ['cc', 'number'], class: 'payment card' },
  { words: ['pan'], class: 'payment card', then: NUMBER },
  { words: [['cvv', 'cvc', 'cvn']], class: 'payment card' },
  { words: ['card', 'security', 'code'], class: 'payment card' },

  // bank account
  { words: [['iban', 'bban', 'clabe']], class: 'bank account', then: NUMBER },
  { words: ['account', 'number'], class: 'bank account' },
  { words: ['bank', 'account'], class: 'bank account', then: NUMBER },
  { words: [['routing', 'aba', 'sort', 'bsb', 'transit'], ['number', 'code']], class: 'bank account' },

  // IP address
  { words: [['ip', 'ipv4', 'ipv6']], class: 'ip address', then: ['address', 'int', 'integer', 'number'], in: ['not thing'] },
  { words: [['remote', 'source', 'src', 'originating'], 'address'], class: 'ip address', in: ['not thing'] },
  { words: ['forwarded', 'for'], class: 'ip address' },
  { words: [ACCESS_LISTS, 'ip'], class: null },
  { words: [INFRASTRUCTURE, 'ip'], class: null },

  // precise location
  { words: [['latitude', 'longitude', 'coordinates', 'coordinate', 'coords', 'geolocation', 'geopoint', 'geohash', 'gps']], class: 'precise location', in: ['not thing'] },
  { words: [['geo', 'gps', 'current', 'last', 'known', 'live', 'precise', 'exact', 'device'], 'location'], class: 'precise location', in: ['not thing'] },

  // photo
  { words: [['avatar', 'photo', 'picture', 'selfie', 'headshot', 'portrait', 'mugshot']], class: 'photo', then: PHOTO_THEN, in: ['not thing'] },
  { words: [['profile', 'face', 'user', 'member', 'customer', 'employee'], ['image', 'picture', 'photo']], class: 'photo', then: PHOTO_THEN, in: ['not thing'] },
  { words: ['image'], class: 'photo', then: PHOTO_THEN, bare: true, in: ['person'] },

  // secrets
  { words: ['password'], class: 'secret' },
  { words: [['passphrase', 'passcode']], class: 'secret' },
  { words: ['secret'], class: 'secret' },
  { words: [['secret', 'security'], 'answer'], class: 'secret' },
  { words: ['token'], class: 'secret' },
  { words: [NON_SECRET_TOKENS, 'token'], class: null },
  { words: [SECRET_KEY_MODIFIERS, 'key'], class: 'secret' },
  { words: ['key', ['auth', 'secret', 'private']], class: 'secret' },
  { words: ['credential'], class: 'secret' },
  { words: ['connection', 'string'], class: 'secret' },
  { words: ['dsn'], class: 'secret' },
  { words: [['database', 'db', 'jdbc', 'redis', 'amqp', 'mongo', 'mongodb', 'postgres', 'postgresql', 'connection'], 'url'], class: 'secret' },
  { words: [SECRET_CODE_MODIFIERS, 'code'], class: 'secret', holds: SECRET_WITH_NUMBERS },
  { words: [['otp', 'totp', 'hotp', 'pin']], class: 'secret', holds: SECRET_WITH_NUMBERS },
  { words: ['code', 'verifier'], class: 'secret' },
  { words: ['jwt'], class: 'secret' },

  // hashed secrets (a secret followed or preceded by a hashing or encryption word becomes one too)
  { words: [TOKEN_PURPOSES, 'digest'], class: 'hashed secret' },
  { words: ['salt'], class: 'hashed secret' },
];

/** Words after the term that do not change what the column holds: `email_address_normalized`, `phone_home`. */
export const NEUTRAL = new Set([
  'raw', 'normalized', 'normalised', 'canonical', 'lower', 'lowercase', 'lc', 'upper', 'clean', 'cleaned', 'plain',
  'plaintext', 'cleartext', 'clear', 'text', 'txt', 'str', 'string', 'val', 'value', 'primary', 'secondary', 'alt',
  'alternate', 'alternative', 'other', 'old', 'new', 'prev', 'previous', 'current', 'original', 'orig', 'formatted',
  'fmt', 'e164', 'intl', 'international', 'local', 'encoded', 'b64', 'base64', 'pem', 'der', 'json', 'home', 'work',
  'personal', 'business', 'office', 'billing', 'shipping', 'backup', 'temp', 'tmp', 'pending', 'unconfirmed', 'full',
]);

/** Words that say a value is hashed or encrypted; a secret with one of them is a hashed secret. */
export const PROTECTION = new Set([
  'encrypted', 'encrypt', 'enc', 'crypted', 'crypt', 'cipher', 'ciphertext', 'ciphered', 'hashed', 'hash', 'digest',
  'hmac', 'bcrypt', 'scrypt', 'argon2', 'argon2id', 'pbkdf2', 'md5', 'sha', 'sha1', 'sha256', 'sha512', 'salt', 'salted',
  'iv', 'sealed', 'wrapped',
]);

/** Words that say a value is kept in clear, overriding PROTECTION in a comment ("plain-text password, to be hashed"). */
export const CLEAR = new Set(['plain', 'plaintext', 'cleartext', 'clear', 'unencrypted', 'unhashed']);

/** A name or comment starting with one of these is a flag or a time, not a value: `is_email_verified`, `has_avatar`. */
export const PREDICATES = new Set([
  'is', 'has', 'have', 'had', 'can', 'should', 'allow', 'allows', 'enable', 'use', 'uses', 'show', 'hide', 'require',
  'requires', 'needs', 'whether', 'true', 'false', 'flag', 'indicates', 'indicating', 'if', 'when', 'whenever', 'contains',
]);

/** Tables of people: their bare `name`, `handle`, `image` are a person's. */
export const PERSON_NOUNS = new Set([
  'user', 'customer', 'person', 'contact', 'member', 'employee', 'staff', 'patient', 'student', 'teacher', 'profile',
  'author', 'subscriber', 'recipient', 'applicant', 'candidate', 'guest', 'passenger', 'driver', 'rider', 'courier',
  'participant', 'attendee', 'lead', 'buyer', 'shopper', 'owner', 'volunteer', 'donor', 'beneficiary', 'guardian',
  'parent', 'child', 'spouse', 'dependent', 'resident', 'citizen', 'voter', 'player', 'athlete', 'doctor', 'physician',
  'nurse', 'practitioner', 'therapist', 'caregiver', 'instructor', 'learner', 'speaker', 'worker',
  'signatory', 'visitor', 'traveler', 'traveller', 'admin', 'administrator', 'moderator', 'investor', 'borrower',
  'policyholder', 'claimant', 'respondent', 'prospect', 'friend', 'follower', 'individual', 'human', 'employer',
]);

/** Tables of things and places: their bare `name`, `address`, coordinates and pictures are not a person's. */
export const THING_NOUNS = new Set([
  'product', 'item', 'sku', 'variant', 'category', 'tag', 'label', 'brand', 'vendor', 'supplier', 'merchant', 'company',
  'organization', 'organisation', 'org', 'business', 'team', 'workspace', 'tenant', 'project', 'store', 'shop', 'branch',
  'office', 'warehouse', 'facility', 'site', 'venue', 'restaurant', 'hotel', 'airport', 'station', 'city', 'country',
  'region', 'province', 'zone', 'area', 'timezone', 'currency', 'language', 'locale', 'host', 'server', 'node',
  'instance', 'cluster', 'machine', 'vm', 'container', 'pod', 'service', 'endpoint', 'gateway', 'router', 'interface',
  'peer', 'network', 'subnet', 'vpc', 'database', 'db', 'schema', 'table', 'column', 'bucket', 'file', 'object', 'blob',
  'attachment', 'document', 'asset', 'resource', 'image', 'media', 'plan', 'price', 'feature', 'role', 'permission',
  'group', 'channel', 'queue', 'job', 'task', 'workflow', 'pipeline', 'repository', 'repo', 'app', 'application',
  'integration', 'webhook', 'menu', 'dish', 'recipe', 'book', 'course', 'movie', 'song', 'album', 'game', 'vehicle',
  'setting', 'config', 'configuration', 'parameter', 'option', 'template', 'metric', 'dashboard', 'report', 'domain',
  'dns', 'certificate', 'provider', 'model', 'listing', 'property', 'building', 'inventory',
]);

/** Trailing words of a table name that say how it is kept, not what it holds: `customer_history`, `dim_user`. */
export const TABLE_AFFIXES = new Set([
  'detail', 'info', 'information', 'record', 'data', 'entry', 'master', 'dim', 'fact', 'snapshot', 'history', 'hist',
  'archive', 'backup', 'bak', 'old', 'tmp', 'temp', 'staging', 'stg', 'v', 'view', 'vw', 'copy', 'log', 'audit', 'tbl',
  'table', 'list', 'raw', 'legacy',
]);

/** Bare columns that hold what their table is named after: `secrets.value`, `credit_cards.number`, `emails.address`. */
export const TABLE_VALUE_WORDS = new Set(['value', 'val', 'data', 'content', 'number', 'plaintext', 'raw', 'address']);

/** Abbreviations and spellings, to one word (or a phrase) of the vocabulary. */
export const ALIASES: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['pwd', ['password']],
  ['passwd', ['password']],
  ['pw', ['password']],
  ['pass', ['password']],
  ['addr', ['address']],
  ['tel', ['phone']],
  ['telephone', ['phone']],
  ['cellphone', ['cell', 'phone']],
  ['msisdn', ['msisdn']],
  ['fname', ['first', 'name']],
  ['lname', ['last', 'name']],
  ['nm', ['name']],
  ['dob', ['birth', 'date']],
  ['birthday', ['birth', 'date']],
  ['dt', ['date']],
  ['no', ['number']],
  ['num', ['number']],
  ['nr', ['number']],
  ['cd', ['code']],
  ['acct', ['account']],
  ['img', ['image']],
  ['pic', ['picture']],
  ['usr', ['user']],
  ['cust', ['customer']],
  ['lat', ['latitude']],
  ['lng', ['longitude']],
  ['lon', ['longitude']],
  ['creds', ['credential']],
  ['cred', ['credential']],
  ['people', ['person']],
  ['children', ['child']],
  ['emailaddress', ['email', 'address']],
  ['cardholder', ['card', 'holder']],
]);

/** Last words a run-together name may end with after an unknown first word: `refreshtoken`, `useremail`. */
export const COMPOUND_HEADS = ['token', 'secret', 'password', 'email', 'name', 'key', 'hash', 'id', 'number', 'code'];

/** Phrases read as one: "date of birth" is a birth date, not a date of something. */
export const IDIOMS: readonly { words: readonly string[]; as: readonly string[] }[] = [
  { words: ['date', 'of', 'birth'], as: ['birth', 'date'] },
  { words: ['place', 'of', 'birth'], as: ['birth', 'place'] },
  { words: ['e', 'mail'], as: ['email'] },
];

/** Columns of well-known frameworks whose content the name alone misreads, by `table.column`. */
export const KNOWN_COLUMNS: ReadonlyMap<string, SensitiveClass> = new Map([
  // Django's auth_user.password holds a salted PBKDF2 or Argon2 hash, never the password.
  ['auth_user.password', 'hashed secret'],
]);

const alternatives = (a: Alternatives): readonly string[] => (typeof a === 'string' ? [a] : a);

/** Every word the classifier knows: what run-together names are split into, and plurals reduced to. */
export const VOCABULARY: ReadonlySet<string> = new Set([
  ...TERMS.flatMap((t) => [...t.words.flatMap(alternatives), ...(t.then ?? [])]),
  ...NEUTRAL,
  ...PROTECTION,
  ...PREDICATES,
  ...PERSON_NOUNS,
  ...THING_NOUNS,
  ...TABLE_AFFIXES,
  ...TABLE_VALUE_WORDS,
  ...[...ALIASES.values()].flat(),
  'of',
]);

export { alternatives };
