import type { Config } from '../config/schema';
import type { Logger } from '../log';
import { FileHistoryStore } from './file-store';
import type { HistoryStore } from './types';

/** The configured store: PostgreSQL when history.url is set, else the directory. */
export async function openHistory(history: Config['history'], log: Logger): Promise<HistoryStore> {
  if (history.url) {
    const { PostgresHistoryStore } = await import('./postgres-store');
    return PostgresHistoryStore.open(history.url, { keep: history.keep, log });
  }
  return FileHistoryStore.open(history.dir, { keep: history.keep, log });
}
