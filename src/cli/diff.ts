// `continuity diff`: the drift events between two stored scans.
import { loadConfigForCommand } from './config';
import { HistorySchema } from '../config/schema';
import { diffScans } from '../drift/diff';
import { formatEvents } from '../drift/format';
import { openHistory } from '../history/open';
import type { HistoryStore } from '../history/types';
import { createLogger } from '../log';
import type { ScanResult } from '../model';
import { errorMessage } from '../secrets';
import { EXIT } from './exit-codes';

export interface DiffOptions {
  config?: string;
  history?: string;
  service?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export async function runDiffCommand(options: DiffOptions): Promise<number> {
  let history = HistorySchema.parse({});
  if (options.config) {
    const loaded = await loadConfigForCommand(options.config);
    if ('exitCode' in loaded) return loaded.exitCode;
    history = loaded.config.history;
  }
  if (options.history) history = { ...history, url: undefined, dir: options.history };
  let store;
  try {
    store = await openHistory(history, createLogger());
  } catch (error) {
    process.stderr.write(`continuity: cannot open the history: ${errorMessage(error)}\n`);
    return EXIT.scanFailed;
  }
  try {
    return await diffStored(store, options);
  } catch (error) {
    process.stderr.write(`continuity: cannot read the history (${store.description}): ${errorMessage(error)}\n`);
    return EXIT.scanFailed;
  } finally {
    await store.close().catch(() => undefined);
  }
}

async function diffStored(store: HistoryStore, options: DiffOptions): Promise<number> {
  const to = await target(store, options);
  if (!to) {
    process.stderr.write(`continuity: ${options.to ? `no scan ${options.to} in the history` : 'the history holds no scan'}\n`);
    return EXIT.usage;
  }
  const service = options.service ?? to.services[0]?.name;
  const from = options.from
    ? await store.get(options.from)
    : service
      ? await store.latestFor(service, { before: to.scanId })
      : undefined;
  if (!from) {
    process.stderr.write(
      `continuity: ${options.from ? `no scan ${options.from} in the history` : `no scan of ${service ?? 'this service'} before ${to.scanId}`}\n`,
    );
    return EXIT.usage;
  }
  let events = diffScans(from, to);
  if (options.service) events = events.filter((e) => e.service === options.service);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ from: from.scanId, to: to.scanId, events }, null, 2)}\n`);
  } else {
    process.stdout.write(`changes from scan ${from.scanId} (${from.finishedAt}) to ${to.scanId} (${to.finishedAt}):\n${formatEvents(events)}`);
  }
  return EXIT.ok;
}

/** The scan to compare to: --to, else the newest scan of --service, else the newest scan. */
async function target(store: HistoryStore, options: DiffOptions): Promise<ScanResult | undefined> {
  if (options.to) return store.get(options.to);
  if (options.service) return store.latestFor(options.service);
  // A damaged newest scan is moved aside by the store: the one before it answers.
  for (const entry of await store.list()) {
    const scan = await store.get(entry.scanId);
    if (scan) return scan;
  }
  return undefined;
}
