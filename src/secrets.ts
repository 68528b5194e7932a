// Credentials must never reach a report, log line, alert or error message.
// Every secret the configuration carries is registered here when the config
// is loaded, and every message built from an external error passes redact().

const REDACTED = '[redacted]';
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; they are not plausible secrets.
  if (value && value.length >= 4) secrets.add(value);
}

/** Register the password of a connection URL, if it has one. */
export function registerUrlSecrets(url: string): void {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      registerSecret(parsed.password);
      registerSecret(decodeURIComponent(parsed.password));
    }
  } catch {
    // Not a URL: nothing to register.
  }
}

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s]+):([^@/?#\s]+)@/gi;
const SECRET_PARAMETER = /\b(password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key)=([^&\s]+)/gi;

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
    return parsed.toString();
  } catch {
    return redact(url);
  }
}

export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redact(text);
}
