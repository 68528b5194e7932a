// The launcher behind the demo, `verify-migrations` and the tests' PostgreSQL:
// it must start wherever the checkout is (as root, from binaries in a directory
// the server's user cannot traverse) and fail with a message, never a stack trace.
import { chmod, cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPostgresBinDir, EmbeddedPostgresError, startEmbeddedPostgres } from '../src/embedded-postgres';
import { runCli } from './support/cli';

const asRoot = process.getuid?.() === 0;


describe('the embedded PostgreSQL launcher', () => {
  let privateDir: string;
  let privateBin: string;

  beforeAll(async () => {
    // A checkout in a directory only root can traverse: mkdtemp makes it 0700.
    privateDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-private-'));
    const postgres = path.join(privateDir, 'checkout', 'postgresql');
    await mkdir(path.dirname(postgres));
    await cp(path.dirname(bundledPostgresBinDir()), postgres, { recursive: true, verbatimSymlinks: true });
    privateBin = path.join(postgres, 'bin');
  }, 60_000);

  afterAll(async () => {
    await rm(privateDir, { recursive: true, force: true });
  });

  it.skipIf(!asRoot)('runs as root from binaries in a 0700 directory, and leaves nothing behind', async () => {
    const server = await startEmbeddedPostgres({ binDir: privateBin });
    const client = new pg.Client({ connectionString: server.adminUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string }>("select current_setting('server_version') as version");
      expect(rows[0]?.version).toMatch(/^17\./);
    } finally {
      await client.end();
    }
    await server.stop();
    expect(existsSync(path.dirname(server.dataDir))).toBe(false);
  }, 120_000);

  it('names the cause when there are no server binaries', async () => {
    const missing = path.join(privateDir, 'no-such-postgresql', 'bin');
    await expect(startEmbeddedPostgres({ binDir: missing })).rejects.toThrow(new EmbeddedPostgresError(`no PostgreSQL server binaries in ${missing}`));
  });

  it('names the cause when the server refuses to start, and removes what it made', async () => {
    // A temp dir of its own (os.tmpdir() reads TMPDIR), so that other tests' servers do not show in it.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'continuity-tmp-'));
    await chmod(tmp, 0o755);
    const systemTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const failure = startEmbeddedPostgres({ postgresFlags: ['-c', 'no_such_setting=on'] });
      await expect(failure).rejects.toBeInstanceOf(EmbeddedPostgresError);
      await expect(failure).rejects.toThrow(/postgres exited during start-up .*unrecognized configuration parameter "no_such_setting"/);
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      if (systemTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = systemTmp;
      await rm(tmp, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(!asRoot)('scans the demo estate with `continuity scan` from a 0700 directory as root', async () => {
    const cwd = path.join(privateDir, 'checkout');
    const result = await runCli(['scan', '--out', 'out'], { cwd, env: { CONTINUITY_POSTGRES_BIN: privateBin } });
    expect(result.stderr).not.toMatch(/EACCES|\n\s+at /);
    expect(result.code).toBe(0);
    expect(existsSync(path.join(cwd, 'out', 'scan.json'))).toBe(true);
  }, 300_000);

  it('exits 3 with the reason, and no stack trace, when the demo server cannot start', async () => {
    const cwd = path.join(privateDir, 'checkout');
    const result = await runCli(['scan', '--out', 'out-failed'], { cwd, env: { CONTINUITY_POSTGRES_BIN: path.join(privateDir, 'nowhere') } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`continuity: could not start the demo estate: no PostgreSQL server binaries in ${path.join(privateDir, 'nowhere')}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
