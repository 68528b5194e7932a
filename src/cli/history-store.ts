// Opening the history for the commands that only read it (diff, history):
// from --history, else the config's history section, else the default directory.
import { loadHistoryConfigForCommand } from './config';
import { HistorySchema } from '../config/schema';
import { openHistory } from '../history/open';
import type { HistoryStore } from '../history/types';
import { createLogger } from '../log';
import { errorMessage } from '../secrets';
import { EXIT } from './exit-codes';

export async function openHistoryForCommand(options: { config?: string; history?: string }): Promise<{ store: HistoryStore } | { exitCode: number }> {
  let history = HistorySchema.parse({});
  if (options.config) {
    const loaded = await loadHistoryConfigForCommand(options.config);
    if ('exitCode' in loaded) return loaded;
    history = loaded.history;
  }
  if (options.history) history = { ...history, url: undefined, dir: options.history };
  try {
    return { store: await openHistory(history, createLogger()) };
  } catch (error) {
    process.stderr.write(`continuity: cannot open the history: ${errorMessage(error)}\n`);
    return { exitCode: EXIT.scanFailed };
  }
}
