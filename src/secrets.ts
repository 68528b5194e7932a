// Credentials must never reach a report, log line, alert or error message.
// Every secret the configuration carries is registered here when the config
// is loaded, and every message built from an external error passes redact().

const REDACTED = '[redacted]';
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; they are not plausible secrets.
  if (!value || value.length < 4) return;
  // The forms a secret travels in: as written, URL-encoded, base64 (SMTP AUTH LOGIN, Basic auth).
  for (const form of [value, encodeURIComponent(value), Buffer.from(value).toString('base64')]) secrets.add(form);
}

/** True when the value is, as a whole, a registered secret. */
export function isSecret(value: string): boolean {
  return secrets.has(value);
}

const USERINFO = /^[a-z][a-z0-9+.-]*:\/\/(.*)@/is;

/**
 * Register the password of a connection URL, if it has one. Read without a URL
 * parser as well: a password holding an unencoded `#`, `/` or `?` makes the
 * parser cut the URL elsewhere, and then only the text is left to go by.
 */
export function registerUrlSecrets(url: string): void {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      registerSecret(parsed.password);
      registerSecret(safeDecode(parsed.password));
    }
  } catch {
    // Not parseable: the text below still finds the userinfo.
  }
  // The userinfo ends at the last `@` of the URL (a password may hold `@` unencoded too).
  const userinfo = USERINFO.exec(url)?.[1];
  const colon = userinfo?.indexOf(':') ?? -1;
  if (userinfo && colon >= 0) {
    const password = userinfo.slice(colon + 1);
    registerSecret(password);
    registerSecret(safeDecode(password));
  }
}

/** The path and query of a URL ('' when unparseable). */
export function urlPath(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return '';
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s]+):([^@/?#\s]+)@/gi;
// Also a prefixed name (PGPASSWORD=, DB_PASSWORD=): repository commands shown as evidence set them so.
const SECRET_PARAMETER = /\b(\w*(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key))=([^&\s]+)/gi;

/** Remove every registered secret and anything shaped like a credential from a text. */
export function redact(text: string): string {
  let result = text.replace(URL_USERINFO, `$1$2:${REDACTED}@`).replace(SECRET_PARAMETER, `$1=${REDACTED}`);
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** A connection URL as it may be shown: no password, no secret query parameters. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, REDACTED);
    }
    return redact(parsed.toString());
  } catch {
    // Never the text of a URL that could not be parsed: where its credential ends is unknown.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
    return scheme ? `${scheme}//(unparseable URL)` : '(unparseable URL)';
  }
}

/** Every string of a value passed through redact(): for results built from config and external text. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redact(text);
}
