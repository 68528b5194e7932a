// The private PostgreSQL 15 the suite starts from Debian's server binaries.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withAdmin } from '../support/postgres';
import { postgres15Unavailable, startPostgres15 } from '../support/postgres15';

const unavailable = postgres15Unavailable();
if (unavailable) console.warn(`skipping the PostgreSQL 15 tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('startPostgres15', () => {
  it('runs a PostgreSQL 15 with the settings asked for, and leaves nothing behind when stopped', async () => {
    const server = await startPostgres15({ settings: { log_statement: 'mod', track_io_timing: 'on' } });
    try {
      const rows = await withAdmin(server, 'postgres', async (client) =>
        (await client.query("select current_setting('server_version_num') v, current_setting('log_statement') l, current_setting('track_io_timing') t")).rows[0],
      );
      expect(rows).toMatchObject({ l: 'mod', t: 'on' });
      expect(Math.floor(Number(rows.v) / 10000)).toBe(15);
    } finally {
      await server.stop();
    }
    expect(existsSync(path.dirname(server.dataDir))).toBe(false);
  });
});
