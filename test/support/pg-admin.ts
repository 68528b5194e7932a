// Test-side administration of an embedded PostgreSQL: TLS certificates,
// pg_hba.conf edits and settings, applied with a reload, as an operator would.
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { EmbeddedServer } from '../../src/demo/estate';

export interface CertificatePair {
  cert: string;
  key: string;
}

/** A self-signed certificate valid for `days` from now (openssl). */
export async function selfSignedCertificate(days: number): Promise<CertificatePair> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', String(days), '-subj', '/CN=localhost',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { cert: await readFile(path.join(dir, 'cert.pem'), 'utf8'), key: await readFile(path.join(dir, 'key.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An admin session over TLS when the server requires it (hostssl rules). */
export async function adminQuery(server: EmbeddedServer, sql: string, database = 'postgres', tls = true): Promise<pg.QueryResult> {
  const client = new pg.Client({
    connectionString: server.adminUrl(database).replace('?sslmode=disable', ''),
    ssl: tls ? { rejectUnauthorized: false } : false,
  });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function writeOwned(server: EmbeddedServer, name: string, content: string, mode: number): Promise<void> {
  const owner = await stat(server.dataDir);
  const file = path.join(server.dataDir, name);
  await writeFile(file, content);
  await chown(file, owner.uid, owner.gid);
  await chmod(file, mode);
}

export async function installCertificate(server: EmbeddedServer, pair: CertificatePair): Promise<void> {
  await writeOwned(server, 'server.crt', pair.cert, 0o644);
  await writeOwned(server, 'server.key', pair.key, 0o600);
}

export async function writeHba(server: EmbeddedServer, lines: string[]): Promise<void> {
  await writeOwned(server, 'pg_hba.conf', `${lines.join('\n')}\n`, 0o600);
}

/** pg_hba.conf that admits TCP clients only over TLS. */
export const HBA_TLS_ONLY = [
  'local all all trust',
  'hostssl all all 127.0.0.1/32 scram-sha-256',
  'hostssl all all ::1/128 scram-sha-256',
];
/** The incident change: a plaintext rule put first "temporarily". */
export const HBA_PLAINTEXT_FIRST = ['local all all trust', 'host all all 127.0.0.1/32 scram-sha-256', ...HBA_TLS_ONLY.slice(1)];
