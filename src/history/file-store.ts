// The embedded history store: one JSON file per scan plus state.json (index,
// outbox, digest times). state.json is the commit point: a scan file that is
// not in it was never committed. Several processes (scans, serve) may share the
// directory: every change happens under an exclusive lock file, so what is on
// disk without being committed belongs to a writer that died.
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ScanResult } from '../model';
import { writeFileAtomic } from '../atomic-file';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { CorruptFileError, moveAside, parseJsonFile } from './corrupt';
import { withFileLock } from './file-lock';
import type { HistoryCommit, HistoryStore, OutboxItem, ScanIndexEntry } from './types';
import { retainedScans } from './retention';
import { SCAN_ID } from './scan-id';

const STATE_VERSION = 1;
/** Delivered ids remembered so a re-queued idempotency key is recognised. */
const DELIVERED_MEMORY = 5000;

interface State {
  version: typeof STATE_VERSION;
  /** Oldest first. */
  scans: ScanIndexEntry[];
  outbox: OutboxItem[];
  delivered: string[];
  digests: Record<string, string>;
}

const EMPTY: State = { version: STATE_VERSION, scans: [], outbox: [], delivered: [], digests: {} };

export interface FileHistoryOptions {
  keep: number;
  /** Repairs (a damaged file moved aside, an index entry dropped) are warned here. */
  log?: Logger;
  /** How long to wait for another process's lock. */
  lockTimeoutMs?: number;
}

export class FileHistoryStore implements HistoryStore {
  readonly description: string;
  private readonly scansDir: string;
  private readonly stateFile: string;
  private readonly lockFile: string;
  private readonly log: Logger;
  /** Mutations of this process run one at a time; the lock file orders them with other processes'. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly options: FileHistoryOptions,
  ) {
    this.description = `files in ${dir}`;
    this.scansDir = path.join(dir, 'scans');
    this.stateFile = path.join(dir, 'state.json');
    this.lockFile = path.join(dir, 'lock');
    this.log = options.log ?? silentLogger;
  }

  static async open(dir: string, options: FileHistoryOptions): Promise<FileHistoryStore> {
    const store = new FileHistoryStore(dir, options);
    await mkdir(store.scansDir, { recursive: true });
    await store.mutate((state) => store.recover(state));
    return store;
  }

  /**
   * Under the lock, so no other writer is mid-write: remove what interrupted
   * writes left (temporary files, scan files never committed), and drop index
   * entries whose scan file is gone.
   */
  private async recover(state: State): Promise<void> {
    const committed = new Set(state.scans.map((s) => `${s.scanId}.json`));
    const present = new Set<string>();
    for (const name of await readdir(this.scansDir)) {
      if (isMovedAside(name)) continue;
      if (committed.has(name)) present.add(name);
      else await rm(path.join(this.scansDir, name), { force: true });
    }
    for (const name of await readdir(this.dir)) {
      if (name.startsWith('state.json.') && name.endsWith('.tmp')) await rm(path.join(this.dir, name), { force: true });
    }
    const missing = state.scans.filter((s) => !present.has(`${s.scanId}.json`));
    if (missing.length > 0) {
      this.log.warn(
        { history: this.dir, dropped: missing.map((s) => s.scanId) },
        `history index entries dropped: their scan files are missing from ${this.scansDir}`,
      );
      state.scans = state.scans.filter((s) => present.has(`${s.scanId}.json`));
    }
  }

  /** state.json as committed; a damaged one is repaired (under the lock) first. */
  private async readState(): Promise<State> {
    try {
      return await this.parseState();
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      return this.mutate((state) => structuredClone(state));
    }
  }

  private async parseState(): Promise<State> {
    let text: string;
    try {
      text = await readFile(this.stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw error;
    }
    const state = parseJsonFile<State>(this.stateFile, text);
    if (state.version !== STATE_VERSION) {
      throw new Error(`${this.stateFile} has version ${state.version}; this continuity reads version ${STATE_VERSION}`);
    }
    return state;
  }

  /**
   * Under the lock: a damaged state.json is moved aside and the index rebuilt
   * from the scan files. Its outbox and digest times are lost (they stay in the
   * moved file); receivers deduplicate a re-sent alert on its idempotency key.
   */
  private async parseStateOrRebuild(): Promise<State> {
    try {
      return await this.parseState();
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      const aside = await moveAside(this.stateFile);
      const state = structuredClone(EMPTY);
      for (const name of (await readdir(this.scansDir)).sort()) {
        if (!name.endsWith('.json') || isMovedAside(name)) continue;
        const scan = await this.readScanFile(name.slice(0, -'.json'.length), { repairing: true });
        if (scan) state.scans.push(indexEntry(scan));
      }
      state.scans.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
      this.log.warn(
        { history: this.dir, movedTo: aside, scans: state.scans.length },
        `${error.message}: moved aside; the index was rebuilt from the scan files and undelivered alerts it held are lost`,
      );
      return state;
    }
  }

  private mutate<T>(change: (state: State) => Promise<T> | T): Promise<T> {
    const run = this.queue.then(() =>
      withFileLock(
        this.lockFile,
        async () => {
          const state = await this.parseStateOrRebuild();
          const result = await change(state);
          await writeFileAtomic(this.stateFile, JSON.stringify(state));
          return result;
        },
        { timeoutMs: this.options.lockTimeoutMs },
      ),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private scanFile(scanId: string): string {
    if (!SCAN_ID.test(scanId)) throw new Error(`not a scan id: ${JSON.stringify(scanId)}`);
    return path.join(this.scansDir, `${scanId}.json`);
  }

  /** The file store is not used in queue mode: a commit's job id is not kept. */
  async record({ scan, outbox, digests }: HistoryCommit): Promise<boolean> {
    await this.mutate(async (state) => {
      if (state.scans.some((s) => s.scanId === scan.scanId)) throw new Error(`scan ${scan.scanId} is already recorded`);
      // The scan file first; it only counts once state.json names it.
      await writeFileAtomic(this.scanFile(scan.scanId), JSON.stringify(scan));
      state.scans.push(indexEntry(scan));
      const known = new Set([...state.delivered, ...state.outbox.map((o) => o.id)]);
      state.outbox.push(...outbox.filter((o) => !known.has(o.id)));
      for (const digest of digests) state.digests[digest.service] = digest.at;
      const kept = new Set(retainedScans(state.scans, this.options.keep));
      const removed = state.scans.filter((s) => !kept.has(s.scanId));
      state.scans = state.scans.filter((s) => kept.has(s.scanId));
      // Removed before the commit: a crash in between leaves index entries
      // without files, which the next open drops (they were past retention anyway).
      for (const entry of removed) await rm(this.scanFile(entry.scanId), { force: true });
    });
    return true;
  }

  async list(filter: { service?: string; limit?: number } = {}): Promise<ScanIndexEntry[]> {
    const state = await this.readState();
    const entries = state.scans.filter((s) => !filter.service || s.services.includes(filter.service)).reverse();
    return filter.limit ? entries.slice(0, filter.limit) : entries;
  }

  async get(scanId: string): Promise<ScanResult | undefined> {
    const state = await this.readState();
    if (!state.scans.some((s) => s.scanId === scanId)) return undefined;
    return this.readScanFile(scanId);
  }

  async latestFor(service: string, options: { before?: string } = {}): Promise<ScanResult | undefined> {
    const entries = await this.list({ service });
    const start = options.before ? entries.findIndex((e) => e.scanId === options.before) + 1 : 0;
    if (options.before && start === 0) return undefined;
    // A damaged newest scan is moved aside and the one before it answers.
    for (const entry of entries.slice(start)) {
      const scan = await this.readScanFile(entry.scanId);
      if (scan) return scan;
    }
    return undefined;
  }

  /**
   * A committed scan; undefined when another process's retention removed it
   * since the index was read, or when it is damaged: then it is moved aside and
   * dropped from the index, with a warning naming it.
   */
  private async readScanFile(scanId: string, options: { repairing?: boolean } = {}): Promise<ScanResult | undefined> {
    const file = this.scanFile(scanId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return parseJsonFile<ScanResult>(file, text);
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      const drop = async () => {
        // Another process may have repaired it already.
        if (!(await exists(file))) return;
        const aside = await moveAside(file);
        this.log.warn({ history: this.dir, scanId, movedTo: aside }, `${error.message}: moved aside and dropped from the history`);
      };
      if (options.repairing) await drop();
      else {
        await this.mutate(async (state) => {
          await drop();
          state.scans = state.scans.filter((s) => s.scanId !== scanId);
        });
      }
      return undefined;
    }
  }

  async pending(): Promise<OutboxItem[]> {
    return (await this.readState()).outbox;
  }

  async markDelivered(id: string): Promise<void> {
    await this.mutate((state) => {
      state.outbox = state.outbox.filter((o) => o.id !== id);
      state.delivered = [...state.delivered, id].slice(-DELIVERED_MEMORY);
    });
  }

  async markFailed(id: string, error: string, at: Date): Promise<void> {
    await this.mutate((state) => {
      const item = state.outbox.find((o) => o.id === id);
      if (!item) return;
      item.attempts++;
      item.lastError = error;
      item.lastAttemptAt = at.toISOString();
    });
  }

  async lastDigestAt(service: string): Promise<string | undefined> {
    return (await this.readState()).digests[service];
  }

  async close(): Promise<void> {
    await this.queue;
  }
}

function isMovedAside(name: string): boolean {
  return name.includes('.corrupt-');
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

function indexEntry(scan: ScanResult): ScanIndexEntry {
  return {
    scanId: scan.scanId,
    startedAt: scan.startedAt,
    finishedAt: scan.finishedAt,
    services: scan.services.map((s) => s.name),
    totals: scan.totals,
  };
}
