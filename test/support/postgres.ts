// Real PostgreSQL servers for the tests, started by the suite itself, and the
// changes an operator makes to a running one (certificate, pg_hba.conf; applied
// with pg_reload_conf()).
import pg from 'pg';
import selfsigned from 'selfsigned';
import { startEmbeddedPostgres, writeDataDirFile, type EmbeddedServer } from '../../src/embedded-postgres';

export type { EmbeddedServer };

export interface CertificatePair {
  cert: string;
  key: string;
}

/** pg_hba.conf that admits TCP clients only over TLS. */
export const HBA_TLS_ONLY = [
  'local all all scram-sha-256',
  'hostssl all all 127.0.0.1/32 scram-sha-256',
  'hostssl all all ::1/128 scram-sha-256',
];
/** The incident change: a plaintext rule put first "temporarily". */
export const HBA_PLAINTEXT_FIRST = [HBA_TLS_ONLY[0]!, 'host all all 127.0.0.1/32 scram-sha-256', ...HBA_TLS_ONLY.slice(1)];

/** A self-signed server certificate for 127.0.0.1 valid until `notAfter`. */
export async function serverCertificate(notAfter: Date): Promise<CertificatePair> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'continuity-test' }], {
    keySize: 2048,
    notBeforeDate: new Date(Date.now() - 24 * 3600 * 1000),
    notAfterDate: notAfter,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { cert: pems.cert, key: pems.private };
}

/** SSL off, the package's default pg_hba.conf (host rules for everyone). */
export function startPlaintextServer(): Promise<EmbeddedServer> {
  return startEmbeddedPostgres();
}

/** archive_mode on with an archive_command that succeeds and keeps nothing: pg_stat_archiver counts real archiving. */
export const ARCHIVE_WAL_FLAGS = ['-c', 'archive_mode=on', '-c', 'archive_command=true'];

/**
 * SSL on with a certificate made now, and pg_hba.conf admitting TCP clients only over TLS;
 * with `archiveWal`, WAL archiving on (ARCHIVE_WAL_FLAGS; see archiveOneSegment).
 */
export async function startTlsOnlyServer(notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000), options: { archiveWal?: boolean } = {}): Promise<EmbeddedServer> {
  const { cert, key } = await serverCertificate(notAfter);
  return startEmbeddedPostgres({
    files: { 'server.crt': cert, 'server.key': key },
    postgresFlags: ['-c', 'ssl=on', '-c', 'ssl_cert_file=server.crt', '-c', 'ssl_key_file=server.key', ...(options.archiveWal ? ARCHIVE_WAL_FLAGS : [])],
    hbaLines: HBA_TLS_ONLY,
  });
}

/**
 * On a server started with ARCHIVE_WAL_FLAGS: write, switch to a new WAL segment and wait
 * (at most `timeoutMs`) until pg_stat_archiver counts an archived one, so the server
 * shows archiving that works rather than "no segment archived yet".
 */
export async function archiveOneSegment(server: EmbeddedServer, tls = false, timeoutMs = 15_000): Promise<void> {
  await withAdmin(
    server,
    'postgres',
    async (client) => {
      // A write (leaving no table behind for the schema checks), then a segment switch.
      await client.query('CREATE TABLE continuity_wal_probe (at timestamptz)');
      await client.query('DROP TABLE continuity_wal_probe');
      await client.query('SELECT pg_switch_wal()');
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await client.query<{ archived: string; failed: string }>('SELECT archived_count AS archived, failed_count AS failed FROM pg_stat_archiver');
        if (Number(rows[0]?.archived) > 0) return;
        if (Date.now() > deadline) throw new Error(`no WAL segment archived within ${timeoutMs} ms (pg_stat_archiver: archived_count ${rows[0]?.archived}, failed_count ${rows[0]?.failed})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    tls,
  );
}

export async function installCertificate(server: EmbeddedServer, pair: CertificatePair): Promise<void> {
  await writeDataDirFile(server.dataDir, 'server.crt', pair.cert);
  await writeDataDirFile(server.dataDir, 'server.key', pair.key);
}

export async function writeHba(server: EmbeddedServer, lines: string[]): Promise<void> {
  await writeDataDirFile(server.dataDir, 'pg_hba.conf', `${lines.join('\n')}\n`);
}

/** Run statements as the superuser (over TLS when the server demands it). */
export async function withAdmin<T>(
  server: EmbeddedServer,
  database: string,
  run: (client: pg.Client) => Promise<T>,
  tls = false,
): Promise<T> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: server.port,
    user: 'postgres',
    password: server.password,
    database,
    ssl: tls ? { rejectUnauthorized: false } : false,
  });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The machine's own PostgreSQL 15 (trust auth), when it is reachable. */
export async function machinePostgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    return `the machine's PostgreSQL on 127.0.0.1:5432 is not reachable (${(error as Error).message})`;
  }
}
