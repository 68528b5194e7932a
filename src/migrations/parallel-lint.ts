// Lint on two threads when a repository has many migrations and the machine a
// spare core: the main thread lints the first half of the migrations (by size),
// a worker thread (lint-worker.ts) the second half. A set's migrations depend
// on its earlier ones (a routine they created, a validated CHECK); the worker
// reports what it looked for in a set's history and did not find, and the
// main thread lints that set's second half again when its first half held one
// of them. The results are those of linting everything in order on one thread.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { newSetHistory } from './lint';
import { lintSets, lintUnits, mergeFiles, misfitsHistory, unitsOf, type LintUnit } from './lint-units';
import type { LintReply, LintRequest } from './lint-worker';
import type { LintedFile, MigrationSet } from './types';

/** Below this much SQL (characters) a worker thread's start-up costs more than it saves. */
const MIN_PARALLEL_SQL = 200_000;

/** The worker's bundle, beside this module's in dist/; absent when running from src/ (tests), which lints on one thread. */
const WORKER = new URL('./lint-worker.js', import.meta.url);

let helpersRunning = 0;

export interface LintHelper {
  lint(units: LintUnit[]): Promise<Extract<LintReply, { results: unknown }>>;
  close(): Promise<void>;
}

/**
 * Start a worker thread that loads the parser, to lint with later; undefined
 * when no core is spare for it (one helper per spare core at most).
 */
export function startLintHelper(worker: URL = WORKER): LintHelper | undefined {
  if (helpersRunning >= os.availableParallelism() - 1 || !existsSync(worker)) return undefined;
  helpersRunning++;
  const thread = new Worker(worker);
  let failed: Error | undefined;
  const failure = new Promise<never>((_, reject) => {
    thread.once('error', (error) => reject((failed = error)));
    thread.once('exit', (code) => reject((failed ??= new Error(`the lint worker exited (code ${code})`))));
  });
  failure.catch(() => {});
  let closed = false;
  return {
    lint(units) {
      if (failed) return Promise.reject(failed);
      const reply = new Promise<LintReply>((resolve) => thread.once('message', resolve));
      thread.postMessage({ units } satisfies LintRequest);
      return Promise.race([reply, failure]).then((r) => ('error' in r ? Promise.reject(new Error(r.error)) : r));
    },
    async close() {
      if (closed) return;
      closed = true;
      helpersRunning--;
      await thread.terminate();
    },
  };
}

/** Lint every linted migration of the sets, with the helper when there is enough SQL to share; same results as lintSets. */
export async function lintSetsInParallel(sets: MigrationSet[], helper: LintHelper | undefined): Promise<LintedFile[]> {
  const units = unitsOf(sets);
  const sizes = units.map((u) => u.sql.reduce((n, s) => n + s.sql.length, 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (!helper || total < MIN_PARALLEL_SQL) return lintSets(sets);
  const histories = sets.map(() => newSetHistory());
  const historyOf = (set: number) => histories[set]!;

  let split = 0;
  for (let size = 0; split < units.length && size < total / 2; split++) size += sizes[split]!;
  const tail = units.slice(split);
  const remote = helper.lint(tail).catch(() => undefined);
  const head = lintUnits(units.slice(0, split), historyOf);
  const reply = await remote;
  if (!reply) return mergeFiles([...head, ...lintUnits(tail, historyOf)]);

  // Only the set the split falls in has migrations on both sides; the worker's answers for its tail hold unless its head's history answers a miss.
  const shared = units[split - 1]?.set;
  const misses = reply.misses.find(([set]) => set === shared)?.[1];
  let results = reply.results;
  if (shared !== undefined && misses && misfitsHistory(histories[shared]!, misses)) {
    const again = tail.findIndex((u) => u.set !== shared);
    const redo = again === -1 ? tail.length : again;
    results = [...lintUnits(tail.slice(0, redo), historyOf), ...results.slice(redo)];
  }
  return mergeFiles([...head, ...results]);
}
