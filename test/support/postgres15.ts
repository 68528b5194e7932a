// A private PostgreSQL 15 for the tests that need a second major version with
// its own settings (archive_command, shared_preload_libraries...): a throwaway
// cluster from the server binaries of Debian's postgresql-15 package, started by
// the same launcher as the embedded PostgreSQL 17. Tests skip with the reason
// when the binaries are absent.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';

export const POSTGRES15_BIN = '/usr/lib/postgresql/15/bin';

export interface Postgres15Options {
  /** `postgres -c name=value` settings, e.g. { archive_mode: 'on' }. */
  settings?: Record<string, string>;
  /** Files written into the data directory before start (the server's user owns them). */
  files?: Record<string, string>;
}

/** Why a PostgreSQL 15 cannot be started here, or undefined when it can. */
export function postgres15Unavailable(): string | undefined {
  if (!existsSync(path.join(POSTGRES15_BIN, 'postgres')) || !existsSync(path.join(POSTGRES15_BIN, 'initdb'))) {
    return `PostgreSQL 15 server binaries not found in ${POSTGRES15_BIN} (Debian package postgresql-15)`;
  }
  return undefined;
}

export async function startPostgres15(options: Postgres15Options = {}): Promise<EmbeddedServer> {
  const unavailable = postgres15Unavailable();
  if (unavailable) throw new Error(unavailable);
  return startEmbeddedPostgres({
    binDir: POSTGRES15_BIN,
    files: options.files,
    postgresFlags: Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  });
}
