// The classes of sensitive data, what kind each is, which declared types can
// hold it and what to do about it.
import type { TypeFamily } from './types';

export const SENSITIVE_CLASSES = [
  'email',
  'phone',
  'person name',
  'postal address',
  'birth date',
  'government id',
  'payment card',
  'bank account',
  'ip address',
  'precise location',
  'photo',
  'username',
  /** A comment declares the column personal (PII, personal data) without saying which kind. */
  'personal data',
  /** A credential readable as it is: password, API key, token, private key, connection string. */
  'secret',
  /** A credential stored hashed or encrypted (password_hash, password_digest, salt, encrypted_password). */
  'hashed secret',
] as const;
export type SensitiveClass = (typeof SENSITIVE_CLASSES)[number];

/** "personal": can identify a customer (the questionnaire's "Data sensitivity" row); "secret": grants access. */
export type SensitivityKind = 'personal' | 'secret';

const TEXTUAL: readonly TypeFamily[] = ['text', 'binary', 'json', 'other'];

const PERSONAL_DATA_REMEDIATION =
  'Personal data: keep it out of logs, analytics copies and development databases, limit who can read it (column privileges, row level security) and set how long it is kept.';

interface ClassInfo {
  kind: SensitivityKind;
  /** Declared type families that can hold a value of the class; any other declared type rules the class out. */
  holds: readonly TypeFamily[];
  remediation: string;
}

export const CLASS_INFO: Record<SensitiveClass, ClassInfo> = {
  email: { kind: 'personal', holds: TEXTUAL, remediation: PERSONAL_DATA_REMEDIATION },
  phone: { kind: 'personal', holds: [...TEXTUAL, 'int-big', 'decimal'], remediation: PERSONAL_DATA_REMEDIATION },
  'person name': { kind: 'personal', holds: TEXTUAL, remediation: PERSONAL_DATA_REMEDIATION },
  'postal address': { kind: 'personal', holds: [...TEXTUAL, 'int', 'int-big', 'decimal'], remediation: PERSONAL_DATA_REMEDIATION },
  'birth date': { kind: 'personal', holds: [...TEXTUAL, 'date', 'timestamp', 'int', 'int-big'], remediation: PERSONAL_DATA_REMEDIATION },
  'government id': {
    kind: 'personal',
    holds: [...TEXTUAL, 'int', 'int-big', 'decimal'],
    remediation:
      'Government identifiers: keep them only where a law requires it, encrypt them at column level, and show only the last digits outside the process that needs them.',
  },
  'payment card': {
    kind: 'personal',
    holds: [...TEXTUAL, 'int-big', 'decimal'],
    remediation:
      "Card data: do not store card numbers or security codes (PCI DSS forbids keeping CVV/CVC after authorisation); keep the payment processor's token and at most the last four digits.",
  },
  'bank account': {
    kind: 'personal',
    holds: [...TEXTUAL, 'int', 'int-big', 'decimal'],
    remediation: 'Bank details: encrypt them at column level or keep them with the payment provider, and limit who can read them.',
  },
  'ip address': {
    kind: 'personal',
    holds: [...TEXTUAL, 'ip', 'network', 'int', 'int-big', 'decimal'],
    remediation: 'IP addresses: truncate or drop them once the purpose they were kept for (abuse, audit) has passed.',
  },
  'precise location': {
    kind: 'personal',
    holds: [...TEXTUAL, 'float', 'decimal', 'int', 'int-big', 'geo-point'],
    remediation: 'Precise locations: round coordinates where the exact position is not needed, and keep the history short.',
  },
  photo: { kind: 'personal', holds: [...TEXTUAL, 'uuid'], remediation: PERSONAL_DATA_REMEDIATION },
  username: { kind: 'personal', holds: TEXTUAL, remediation: PERSONAL_DATA_REMEDIATION },
  'personal data': { kind: 'personal', holds: [...TEXTUAL, 'uuid', 'int', 'int-big', 'decimal', 'float', 'date', 'timestamp', 'ip', 'geo-point'], remediation: PERSONAL_DATA_REMEDIATION },
  secret: {
    kind: 'secret',
    holds: [...TEXTUAL, 'uuid'],
    remediation:
      'Secrets stored in clear: move them to a secret manager, or keep only a hash (tokens and API keys: SHA-256; passwords: argon2id, scrypt or bcrypt); where the application must read one back, encrypt it with a key kept outside the database (KMS, Vault, pgsodium).',
  },
  'hashed secret': {
    kind: 'secret',
    holds: TEXTUAL,
    remediation:
      'Hashed or encrypted secrets: check that passwords use a slow salted hash (argon2id, scrypt, bcrypt; not MD5, SHA-1 or unsalted SHA-256), that encryption keys are kept outside the database, and that only the authentication path can read these columns.',
  },
};

/** The remediation sentences for a set of classes, each once, in class order. */
export function remediationFor(classes: Iterable<SensitiveClass>): string[] {
  const present = new Set(classes);
  return [...new Set(SENSITIVE_CLASSES.filter((c) => present.has(c)).map((c) => CLASS_INFO[c].remediation))];
}
