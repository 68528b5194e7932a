// `continuity history`: the stored scans, newest first.
import type { ScanIndexEntry } from '../history/types';
import { humanTime, statusCounts } from '../report/wording';
import { EXIT } from './exit-codes';
import { openHistoryForCommand } from './history-store';

export interface HistoryOptions {
  config?: string;
  history?: string;
  service?: string;
  limit?: number;
  json?: boolean;
}

/** Characters of a scan id shown in the table; any unique prefix is accepted where a scan id is. */
const SHORT_ID = 8;

export async function runHistoryCommand(options: HistoryOptions): Promise<number> {
  const opened = await openHistoryForCommand(options);
  if ('exitCode' in opened) return opened.exitCode;
  const { store } = opened;
  try {
    const entries = await store.list({
      ...(options.service ? { service: options.service } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    } else if (entries.length === 0) {
      process.stdout.write(`no scan${options.service ? ` of ${options.service}` : ''} in the history (${store.description})\n`);
    } else {
      process.stdout.write(`${entries.map(line).join('\n')}\n`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function line(entry: ScanIndexEntry): string {
  return `${entry.scanId.slice(0, SHORT_ID)}  ${humanTime(entry.finishedAt)}  ${entry.services.join(', ')}  ${statusCounts(entry.totals) || 'no findings'}`;
}
