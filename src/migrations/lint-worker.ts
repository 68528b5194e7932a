// A worker thread that lints the tail of a scan's migrations (parallel-lint.ts)
// while the main thread lints the head. Each set starts from a history that
// records what it was asked and did not hold, so the main thread can tell
// whether the set's earlier migrations would have changed an answer.
import { parentPort } from 'node:worker_threads';
import { loadParser } from './sql';
import { lintUnits, missRecordingHistory, type HistoryMisses, type LintUnit } from './lint-units';
import type { LintedFile } from './types';

export interface LintRequest {
  units: LintUnit[];
}

export type LintReply = { results: LintedFile[][]; misses: [set: number, misses: HistoryMisses][] } | { error: string };

const parser = loadParser();

parentPort!.on('message', async ({ units }: LintRequest) => {
  let reply: LintReply;
  try {
    await parser;
    const histories = new Map<number, ReturnType<typeof missRecordingHistory>>();
    const historyOf = (set: number) => {
      let recording = histories.get(set);
      if (!recording) histories.set(set, (recording = missRecordingHistory()));
      return recording.history;
    };
    const results = lintUnits(units, historyOf);
    reply = { results, misses: [...histories].map(([set, recording]) => [set, recording.misses()]) };
  } catch (error) {
    reply = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply);
});
