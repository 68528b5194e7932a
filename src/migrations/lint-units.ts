// The migrations of a scan as units of lint work: parsed a batch at a time and
// linted in set order, on this thread or (lint-worker.ts) another one. Pure.
import { lintMigration, newSetHistory, type NotNullCheck, type SetHistory } from './lint';
import type { RoutineBody } from './plpgsql';
import { LINT_RULES } from './rules';
import { parseStatementsBatch } from './sql';
import { linted } from './scope';
import type { LintedFile, MigrationSet, SqlSource } from './types';

/** One migration's SQL and the index of its set: the migrations of a set run in order and share a SetHistory. */
export interface LintUnit {
  sql: SqlSource[];
  set: number;
}

const PARSE_BATCH = 100;

/** The units of every migration the lint covers (scope.ts), in set order. */
export function unitsOf(sets: MigrationSet[]): LintUnit[] {
  return sets.flatMap((set, index) => set.migrations.filter((m) => linted(set, m)).map((m) => ({ sql: m.sql, set: index })));
}

/**
 * Lint units in order, each with the history of its set (`historyOf`), and
 * return each unit's files. A batch of scripts is parsed with one parser call
 * (a call has a fixed cost that dominates for small files), linted, and its
 * trees let go before the next: holding every tree of a large repository at
 * once costs more in garbage collection than the parsing itself.
 */
export function lintUnits(units: LintUnit[], historyOf: (set: number) => SetHistory): LintedFile[][] {
  const results: LintedFile[][] = [];
  for (let start = 0; start < units.length; ) {
    let end = start;
    let scripts = 0;
    while (end < units.length && (scripts === 0 || scripts + units[end]!.sql.length <= PARSE_BATCH)) scripts += units[end++]!.sql.length;
    const batch = units.slice(start, end);
    const parsed = parseStatementsBatch(batch.flatMap((u) => u.sql.map((source) => source.sql)));
    let next = 0;
    for (const unit of batch) results.push(lintMigration(unit.sql, LINT_RULES, parsed.slice(next, (next += unit.sql.length)), historyOf(unit.set)));
    start = end;
  }
  return results;
}

/**
 * Lint every PostgreSQL migration's SQL; one migration is one unit ("created
 * earlier in the same migration"); the migrations of a set run in order, so a
 * constraint validated or a routine created by an earlier one is known to later ones.
 */
export function lintSets(sets: MigrationSet[]): LintedFile[] {
  const histories = sets.map(() => newSetHistory());
  return mergeFiles(lintUnits(unitsOf(sets), (set) => histories[set]!));
}

/** The files of several units as one list, a file's results merged in unit order. */
export function mergeFiles(results: LintedFile[][]): LintedFile[] {
  const byPath = new Map<string, LintedFile>();
  for (const files of results) {
    for (const file of files) {
      const known = byPath.get(file.path);
      if (!known) byPath.set(file.path, file);
      else {
        known.statements += file.statements;
        known.hits.push(...file.hits);
        known.parseError ??= file.parseError;
        if (file.notAnalysed) (known.notAnalysed ??= []).push(...file.notAnalysed);
      }
    }
  }
  return [...byPath.values()];
}

/** A Map that remembers the keys it was asked for and did not hold, and whether it was searched through. */
class MissRecordingMap<K, V> extends Map<K, V> {
  readonly missed = new Set<K>();
  searched = false;

  override get(key: K): V | undefined {
    const value = super.get(key);
    if (value === undefined) this.missed.add(key);
    return value;
  }

  override values(): MapIterator<V> {
    this.searched = true;
    return super.values();
  }
}

/** What linting the tail of a set without its earlier migrations asked of the set's history and did not find. */
export interface HistoryMisses {
  routines: string[];
  notNullChecks: string[];
  /** Whether a proof of NOT NULL was looked for among the set's CHECK constraints (it may have been one of the earlier ones). */
  searchedNotNullChecks: boolean;
}

/**
 * A fresh history that records its misses: lint a set's later migrations with
 * it, and the results hold for the whole set unless the earlier migrations
 * hold one of the misses (misfitsHistory).
 */
export function missRecordingHistory(): { history: SetHistory; misses: () => HistoryMisses } {
  const routines = new MissRecordingMap<string, () => RoutineBody>();
  const notNullChecks = new MissRecordingMap<string, NotNullCheck>();
  return {
    history: { routines, notNullChecks },
    misses: () => ({ routines: [...routines.missed], notNullChecks: [...notNullChecks.missed], searchedNotNullChecks: notNullChecks.searched }),
  };
}

/** Whether the earlier migrations' history answers one of the misses differently, so the later ones must be linted again with it. */
export function misfitsHistory(earlier: SetHistory, misses: HistoryMisses): boolean {
  return (
    misses.routines.some((name) => earlier.routines.has(name)) ||
    misses.notNullChecks.some((name) => earlier.notNullChecks.has(name)) ||
    (misses.searchedNotNullChecks && earlier.notNullChecks.size > 0)
  );
}
