// A private PostgreSQL 15 for the tests that need a second major version with
// its own settings (archive_command, shared_preload_libraries...): a throwaway
// cluster from the server binaries of Debian's postgresql-15 package. As root
// it runs as the system user `postgres` (PostgreSQL refuses root), else as the
// current user. Tests skip with the reason when the binaries are absent.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, type EmbeddedServer } from '../../src/embedded-postgres';
import { registerSecret } from '../../src/secrets';

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
  if (process.getuid?.() === 0 && runAs() === undefined) return 'running as root and there is no system user "postgres" to run PostgreSQL 15 as';
  return undefined;
}

/** The uid/gid to run the server as: the `postgres` system user when this process is root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return { uid: process.getuid!(), gid: process.getgid!() };
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(binary: string, args: string[], user: { uid: number; gid: number }, env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(path.join(POSTGRES15_BIN, binary), args, { uid: user.uid, gid: user.gid, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${binary} failed (${result.status}): ${result.stderr || result.stdout}`);
}

export async function startPostgres15(options: Postgres15Options = {}): Promise<EmbeddedServer> {
  const unavailable = postgres15Unavailable();
  if (unavailable) throw new Error(unavailable);
  const user = runAs()!;
  const base = await mkdtemp(path.join(os.tmpdir(), 'continuity-pg15-'));
  const dataDir = path.join(base, 'data');
  const password = randomBytes(12).toString('hex');
  registerSecret(password);
  const port = await freePort();
  let child: ReturnType<typeof spawn> | undefined;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGINT'); // fast shutdown
      await exited;
    }
    await rm(base, { recursive: true, force: true });
  };
  try {
    await chown(base, user.uid, user.gid);
    const passwordFile = path.join(base, 'pwfile');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    await chown(passwordFile, user.uid, user.gid);
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '--locale=C.UTF-8', '--encoding=UTF8'], user);
    for (const [name, content] of Object.entries(options.files ?? {})) {
      const file = path.join(dataDir, name);
      await writeFile(file, content, { mode: 0o600 });
      await chown(file, user.uid, user.gid);
    }
    const settings = { listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: base, ...options.settings };
    child = spawn(path.join(POSTGRES15_BIN, 'postgres'), ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
      uid: user.uid,
      gid: user.gid,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (d) => (log += d));
    await waitUntilReady(port, user, () => child!.exitCode !== null, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    password,
    dataDir,
    adminUrl: (database = 'postgres') => `postgres://postgres:${password}@127.0.0.1:${port}/${database}?sslmode=disable`,
    stop,
  };
}

async function waitUntilReady(port: number, user: { uid: number; gid: number }, exited: () => boolean, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (exited()) throw new Error(`PostgreSQL 15 exited during start-up: ${log()}`);
    const ready = spawnSync(path.join(POSTGRES15_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { uid: user.uid, gid: user.gid });
    if (ready.status === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`PostgreSQL 15 did not accept connections within 30 s: ${log()}`);
}
