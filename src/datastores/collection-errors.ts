// What to do about a datastore that could not be scanned: the fix for the
// causes a new user meets first, matched on the error a collector raised.
import type { Config } from '../config/schema';

const POSTGRES_TLS_DOCS = 'https://www.postgresql.org/docs/current/ssl-tcp.html';

interface KnownCause {
  pattern: RegExp;
  fix: (match: RegExpExecArray, scan: Config['scan']) => string;
}

const KNOWN_CAUSES: KnownCause[] = [
  {
    pattern: /The server does not support SSL connections/i,
    fix: () =>
      `the server does not offer TLS and the URL requires it (the default): add \`sslmode=disable\` to the URL for a dev database, or enable TLS on the server (${POSTGRES_TLS_DOCS})`,
  },
  {
    pattern: /password authentication failed for user "([^"]*)"/i,
    fix: (m) =>
      `the server refused the password of role "${m[1]}": check the variable the URL reads the password from, and that the role exists with LOGIN`,
  },
  {
    pattern: /database "([^"]*)" does not exist/i,
    fix: (m) => `there is no database "${m[1]}" on this server: correct the database name at the end of the URL (\`\\l\` in psql lists them)`,
  },
  {
    pattern: /no pg_hba\.conf entry for host "([^"]*)"/i,
    fix: (m) => `the server's pg_hba.conf admits no connection from ${m[1]} for this role and database: add an entry (with hostssl for TLS)`,
  },
  {
    pattern: /ENOENT: no such file or directory, open '([^']+)'/,
    fix: (m) => `the file ${m[1]} the datastore's config names (tls.caFile, or sslrootcert in the URL) is not on the machine running the scan: copy the server's CA certificate there, or correct the path`,
  },
  {
    pattern: /no answer within (\d+(?:\.\d+)?) s/i,
    fix: (m, scan) =>
      `the server did not answer within ${m[1]} s (scan.connectTimeoutMs: ${scan.connectTimeoutMs}): check the host, the port and any firewall between them; raise scan.connectTimeoutMs for a slow network`,
  },
  {
    pattern: /timed out after (\d+(?:\.\d+)?)s/i,
    fix: (m) => `collection did not finish within ${m[1]} s (scan.datastoreTimeoutSeconds): raise it for a large datastore, or check the server for long lock waits`,
  },
  {
    pattern: /ECONNREFUSED (\S+)/,
    fix: (m) => `nothing accepts connections at ${m[1]}: check the host and port in the URL, and that the server is running`,
  },
  {
    pattern: /(?:ENOTFOUND|EAI_AGAIN) (\S+)/,
    fix: (m) => `the host name ${m[1]} does not resolve from the machine running the scan: check the host in the URL and DNS`,
  },
];

/** The fix for a collection error, where its cause is a known one. */
export function fixForCollectionError(error: string, scan: Config['scan']): string | undefined {
  for (const cause of KNOWN_CAUSES) {
    const match = cause.pattern.exec(error);
    if (match) return cause.fix(match, scan);
  }
  return undefined;
}
