import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES: SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

export interface PostgresEndpoint {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  unixSocket: boolean;
  sslMode: SslMode;
  caFile?: string;
}

/**
 * Parse a postgres:// URL. Without an sslmode the scanner requires TLS: it is
 * a client of production databases and must not send credentials in clear.
 */
export function parsePostgresUrl(url: string, tlsOptions?: { caFile?: string | undefined }): PostgresEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('the connection URL is not a valid URL (expected postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`the connection URL must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  const params = parsed.searchParams;
  const hostParam = params.get('host');
  const host = hostParam ?? decodeURIComponent(parsed.hostname || 'localhost');
  const unixSocket = host.startsWith('/');
  const sslModeParam = params.get('sslmode') ?? (unixSocket ? 'disable' : 'require');
  if (!SSL_MODES.includes(sslModeParam as SslMode)) {
    throw new Error(`unknown sslmode "${sslModeParam}" (expected one of ${SSL_MODES.join(', ')})`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  const user = decodeURIComponent(parsed.username) || params.get('user') || 'postgres';
  const password = parsed.password ? decodeURIComponent(parsed.password) : (params.get('password') ?? undefined);
  const caFile = tlsOptions?.caFile ?? params.get('sslrootcert') ?? undefined;
  return {
    host,
    port: Number(parsed.port || params.get('port') || 5432),
    database,
    user,
    ...(password ? { password } : {}),
    unixSocket,
    sslMode: sslModeParam as SslMode,
    ...(caFile ? { caFile } : {}),
  };
}

export interface SessionLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  connectTimeoutMs: number;
}

function tlsOptionsFor(endpoint: PostgresEndpoint, verify: boolean | undefined): ConnectionOptions | false {
  if (endpoint.sslMode === 'disable') return false;
  const ca = endpoint.caFile ? readFileSync(endpoint.caFile, 'utf8') : undefined;
  const verifyChain = verify ?? (endpoint.sslMode === 'verify-ca' || endpoint.sslMode === 'verify-full' || !!ca);
  return {
    rejectUnauthorized: verifyChain,
    ...(ca ? { ca } : {}),
    // verify-ca checks the chain but not the host name, as libpq does.
    ...(endpoint.sslMode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}

function clientConfig(endpoint: PostgresEndpoint, limits: SessionLimits, ssl: ConnectionOptions | false): pg.ClientConfig {
  return {
    host: endpoint.host,
    port: endpoint.port,
    database: endpoint.database,
    user: endpoint.user,
    ...(endpoint.password !== undefined ? { password: endpoint.password } : {}),
    ssl,
    application_name: 'continuity',
    connectionTimeoutMillis: limits.connectTimeoutMs,
    statement_timeout: limits.statementTimeoutMs,
    lock_timeout: limits.lockTimeoutMs,
    idle_in_transaction_session_timeout: limits.statementTimeoutMs * 6,
    // Belt and braces with BEGIN READ ONLY: every transaction of this session is read-only.
    options: '-c default_transaction_read_only=on',
  };
}

/**
 * Open the scanner's session. `prefer` and `allow` fall back to plaintext only
 * when the server says it has no TLS, as libpq does.
 */
export async function openSession(
  endpoint: PostgresEndpoint,
  limits: SessionLimits,
  verify?: boolean,
): Promise<{ client: pg.Client; tls: boolean }> {
  const ssl = tlsOptionsFor(endpoint, verify);
  const client = new pg.Client(clientConfig(endpoint, limits, ssl));
  try {
    await client.connect();
    return { client, tls: ssl !== false };
  } catch (error) {
    // pg says only "timeout expired": name the limit that expired.
    if ((error as Error).message === 'timeout expired') {
      throw new Error(`no answer within ${limits.connectTimeoutMs / 1000} s from ${endpoint.host}:${endpoint.port}`);
    }
    const noTls = /does not support SSL/i.test(String((error as Error).message));
    if (noTls && (endpoint.sslMode === 'prefer' || endpoint.sslMode === 'allow')) {
      const plain = new pg.Client(clientConfig(endpoint, limits, false));
      await plain.connect();
      return { client: plain, tls: false };
    }
    throw error;
  }
}
