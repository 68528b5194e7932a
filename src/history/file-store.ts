// The embedded history store: one JSON file per scan plus state.json (index,
// outbox, digest times). state.json is the commit point: a scan file that is
// not in it was never committed and is removed on open.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ScanResult } from '../model';
import { writeFileAtomic } from '../atomic-file';
import type { HistoryCommit, HistoryStore, OutboxItem, ScanIndexEntry } from './types';
import { retainedScans } from './retention';

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

export class FileHistoryStore implements HistoryStore {
  readonly description: string;
  private readonly scansDir: string;
  private readonly stateFile: string;
  /** Mutations run one at a time: each reads, changes and atomically replaces state.json. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly keep: number,
  ) {
    this.description = `files in ${dir}`;
    this.scansDir = path.join(dir, 'scans');
    this.stateFile = path.join(dir, 'state.json');
  }

  static async open(dir: string, options: { keep: number }): Promise<FileHistoryStore> {
    const store = new FileHistoryStore(dir, options.keep);
    await mkdir(store.scansDir, { recursive: true });
    await store.removeUncommitted();
    return store;
  }

  /** Temporary files of interrupted writes, and scan files written but never committed to state.json. */
  private async removeUncommitted(): Promise<void> {
    const state = await this.readState();
    const committed = new Set(state.scans.map((s) => `${s.scanId}.json`));
    for (const name of await readdir(this.scansDir)) {
      if (!committed.has(name)) await rm(path.join(this.scansDir, name), { force: true });
    }
    for (const name of await readdir(this.dir)) {
      if (name.startsWith('state.json.') && name.endsWith('.tmp')) await rm(path.join(this.dir, name), { force: true });
    }
  }

  private async readState(): Promise<State> {
    let text: string;
    try {
      text = await readFile(this.stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw error;
    }
    const state = JSON.parse(text) as State;
    if (state.version !== STATE_VERSION) {
      throw new Error(`${this.stateFile} has version ${state.version}; this continuity reads version ${STATE_VERSION}`);
    }
    return state;
  }

  private mutate<T>(change: (state: State) => Promise<T> | T): Promise<T> {
    const run = this.queue.then(async () => {
      const state = await this.readState();
      const result = await change(state);
      await writeFileAtomic(this.stateFile, JSON.stringify(state));
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private scanFile(scanId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(scanId)) throw new Error(`not a scan id: ${JSON.stringify(scanId)}`);
    return path.join(this.scansDir, `${scanId}.json`);
  }

  /** The file store has one writer (no queue mode): a commit's job id is not kept. */
  async record({ scan, outbox, digests }: HistoryCommit): Promise<boolean> {
    const dropped = await this.mutate(async (state) => {
      if (state.scans.some((s) => s.scanId === scan.scanId)) throw new Error(`scan ${scan.scanId} is already recorded`);
      // The scan file first; it only counts once state.json names it.
      await writeFileAtomic(this.scanFile(scan.scanId), JSON.stringify(scan));
      state.scans.push(indexEntry(scan));
      const known = new Set([...state.delivered, ...state.outbox.map((o) => o.id)]);
      state.outbox.push(...outbox.filter((o) => !known.has(o.id)));
      for (const digest of digests) state.digests[digest.service] = digest.at;
      const kept = new Set(retainedScans(state.scans, this.keep));
      const removed = state.scans.filter((s) => !kept.has(s.scanId));
      state.scans = state.scans.filter((s) => kept.has(s.scanId));
      return removed;
    });
    // After the commit: a crash here leaves files that the next open removes.
    for (const entry of dropped) await rm(this.scanFile(entry.scanId), { force: true });
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
    return this.readScan(scanId);
  }

  async latestFor(service: string, options: { before?: string } = {}): Promise<ScanResult | undefined> {
    const entries = await this.list({ service });
    const start = options.before ? entries.findIndex((e) => e.scanId === options.before) + 1 : 0;
    if (options.before && start === 0) return undefined;
    const entry = entries[start];
    // The entry comes from the index just read: its file is committed.
    return entry ? this.readScan(entry.scanId) : undefined;
  }

  private async readScan(scanId: string): Promise<ScanResult> {
    return JSON.parse(await readFile(this.scanFile(scanId), 'utf8')) as ScanResult;
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

function indexEntry(scan: ScanResult): ScanIndexEntry {
  return {
    scanId: scan.scanId,
    startedAt: scan.startedAt,
    finishedAt: scan.finishedAt,
    services: scan.services.map((s) => s.name),
    totals: scan.totals,
  };
}
