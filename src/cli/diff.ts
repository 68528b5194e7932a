// `continuity diff`: the drift events between two stored scans.
import { diffScans } from '../drift/diff';
import { formatEvents } from '../drift/format';
import { AmbiguousScanIdError, resolveScanId, SCAN_ID } from '../history/scan-id';
import type { HistoryStore } from '../history/types';
import type { ScanResult } from '../model';
import { humanTime } from '../report/wording';
import { EXIT } from './exit-codes';
import { errorMessage } from '../secrets';
import { openHistoryForCommand } from './history-store';

export interface DiffOptions {
  config?: string;
  history?: string;
  service?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export async function runDiffCommand(options: DiffOptions): Promise<number> {
  const opened = await openHistoryForCommand(options);
  if ('exitCode' in opened) return opened.exitCode;
  const { store } = opened;
  try {
    const to = await target(store, options);
    if (!to) {
      process.stderr.write(`continuity: ${options.to ? `no scan ${options.to} in the history` : 'the history holds no scan'}\n`);
      return EXIT.usage;
    }
    const service = options.service ?? to.services[0]?.name;
    const from = options.from
      ? await byPrefix(store, options.from)
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
      process.stdout.write(
        `changes from scan ${from.scanId} (${humanTime(from.finishedAt)}) to ${to.scanId} (${humanTime(to.finishedAt)}):\n${formatEvents(events)}`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof AmbiguousScanIdError) {
      process.stderr.write(`continuity: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`continuity: cannot read the history (${store.description}): ${errorMessage(error)}\n`);
    return EXIT.scanFailed;
  } finally {
    await store.close();
  }
}

/** A stored scan by its id (read directly, as the history may be long) or any unique prefix of it. */
async function byPrefix(store: HistoryStore, prefix: string): Promise<ScanResult | undefined> {
  const exact = SCAN_ID.test(prefix) ? await store.get(prefix) : undefined;
  if (exact) return exact;
  const id = await resolveScanId(store, prefix);
  return id ? store.get(id) : undefined;
}

/** The scan to compare to: --to, else the newest scan of --service, else the newest scan. */
async function target(store: HistoryStore, options: DiffOptions): Promise<ScanResult | undefined> {
  if (options.to) return byPrefix(store, options.to);
  if (options.service) return store.latestFor(options.service);
  const [newest] = await store.list({ limit: 1 });
  return newest ? store.get(newest.scanId) : undefined;
}
