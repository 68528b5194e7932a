// The PostgreSQL versions every catalog test runs on: embedded PostgreSQL 17 and a
// private PostgreSQL 15 from Debian's server binaries (skipped, with the reason, where
// those are absent). Both start with the settings a test asks for.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';
import { postgres15Unavailable, startPostgres15 } from './postgres15';

export interface PostgresVersion {
  name: string;
  /** Why this version cannot run here, if it cannot. */
  unavailable: string | undefined;
  start(settings?: Record<string, string>): Promise<EmbeddedServer>;
}

export const POSTGRES_VERSIONS: PostgresVersion[] = [
  {
    name: 'PostgreSQL 17 (embedded)',
    unavailable: undefined,
    start: (settings = {}) => startEmbeddedPostgres({ postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]) }),
  },
  { name: 'PostgreSQL 15 (Debian binaries)', unavailable: postgres15Unavailable(), start: (settings = {}) => startPostgres15({ settings }) },
];

/** A directory the server (another user) may write into, e.g. a WAL archive; removed by `remove`. */
export async function sharedDirectory(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o777);
  return {
    path: dir,
    remove: async () => {
      await chmod(dir, 0o777).catch(() => undefined); // a test may have made it read-only
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A client as the superuser of a test server. */
export async function adminClient(server: EmbeddedServer, database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.adminUrl(database) });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Run a remediation as an operator would: each line on its own (CONCURRENTLY refuses a transaction), comments skipped. */
export async function runRemediation(client: pg.Client, remediation: string): Promise<void> {
  for (const line of remediation.split('\n')) {
    if (line.trim() === '' || line.trim().startsWith('--')) continue;
    await client.query(line);
  }
}

/** Poll until `ready` returns a value (a server doing something in the background), failing after `attempts` tries. */
export async function eventually<T>(what: string, ready: () => Promise<T | undefined>, attempts = 300): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await ready();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}
