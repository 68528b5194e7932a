// An exclusive lock between processes sharing a history directory: a lock file
// created with O_EXCL that holds its owner's pid and host. A lock whose owner
// died (kill -9, power loss) is broken by the next process that wants it.
import { hostname } from 'node:os';
import { open, readFile, rm, stat } from 'node:fs/promises';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export interface FileLockOptions {
  /** Give up after this long; the error names the holder. */
  timeoutMs?: number;
  /**
   * A lock held this long by a process on another host (whose pid cannot be
   * checked from here) is taken as stale. Mutations hold it for milliseconds.
   */
  foreignStaleMs?: number;
}

/** A lock file left empty by an owner killed between creating and writing it is stale after this long. */
const EMPTY_STALE_MS = 5_000;
const POLL_MIN_MS = 5;
const POLL_MAX_MS = 50;

export class LockTimeoutError extends Error {}

/** Run `work` while holding the lock file; released whatever `work` does. */
export async function withFileLock<T>(lockFile: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  await acquire(lockFile, options);
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function acquire(lockFile: string, options: FileLockOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (;;) {
    if (await tryCreate(lockFile, me)) return;
    const holder = await readHolder(lockFile);
    if (holder !== 'gone' && (await isStale(lockFile, holder, options)) && (await breakStale(lockFile, holder))) continue;
    if (Date.now() > deadline) {
      const who = holder === 'gone' || holder === undefined ? 'another process' : `process ${holder.pid} on ${holder.host} since ${holder.since}`;
      throw new LockTimeoutError(`${lockFile} is held by ${who}; gave up after ${Math.round(timeoutMs / 1000)} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MIN_MS + Math.random() * (POLL_MAX_MS - POLL_MIN_MS)));
  }
}

async function tryCreate(file: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return true;
}

/** The holder, undefined when the file is empty or unreadable JSON, 'gone' when released meanwhile. */
async function readHolder(file: string): Promise<LockHolder | undefined | 'gone'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? (parsed as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

async function isStale(file: string, holder: LockHolder | undefined, options: FileLockOptions): Promise<boolean> {
  if (holder && holder.host === hostname()) return !processAlive(holder.pid);
  let ageMs: number;
  try {
    ageMs = Date.now() - (await stat(file)).mtimeMs;
  } catch {
    return false;
  }
  return ageMs > (holder ? (options.foreignStaleMs ?? 10 * 60_000) : EMPTY_STALE_MS);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove a stale lock without removing a live one: two processes may find the
 * same stale lock; the one that breaks it first may already hold a new lock by
 * the time the other acts. Breaking is done under a second lock file, and only
 * if the lock still names the dead holder.
 */
async function breakStale(lockFile: string, stale: LockHolder | undefined): Promise<boolean> {
  const breaker = `${lockFile}.break`;
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  if (!(await tryCreate(breaker, me))) {
    const other = await readHolder(breaker);
    // A breaker killed while breaking: its own lock is stale by the same rule.
    if (other !== 'gone' && other?.host === hostname() && !processAlive(other.pid)) await rm(breaker, { force: true });
    return false;
  }
  try {
    const current = await readHolder(lockFile);
    if (current !== 'gone' && JSON.stringify(current) === JSON.stringify(stale)) await rm(lockFile, { force: true });
    return true;
  } finally {
    await rm(breaker, { force: true });
  }
}
