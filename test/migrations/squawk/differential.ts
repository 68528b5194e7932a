// Both linters over the corpus: for each case and each Squawk rule that has a
// continuity equivalent, whether Squawk fired and whether continuity fired
// one of the equivalent rules.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { lintMigration } from '../../../src/migrations/lint';
import { loadParser } from '../../../src/migrations/sql';
import { squawk } from '../../support/squawk';
import { CORPUS, type CorpusCase } from './corpus';
import { matches, SQUAWK_RULES } from './rules';

export interface Comparison {
  case: string;
  squawkRule: string;
  squawk: boolean;
  continuity: boolean;
  /** What each said, for the record. */
  squawkMessages: string[];
  continuityMessages: string[];
}

export interface Differential {
  comparisons: Comparison[];
  /** Squawk rules each case triggered, mapped or not (to prove coverage). */
  squawkFired: Map<string, Set<string>>;
  continuityFired: Map<string, Set<string>>;
}

export async function runDifferential(cases: CorpusCase[] = CORPUS): Promise<Differential> {
  await loadParser();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-squawk-'));
  try {
    const file = (c: CorpusCase) => path.join(dir, `${c.id}.sql`);
    for (const c of cases) await writeFile(file(c), `${c.sql}\n`);
    const hits = [
      ...(await squawk(cases.filter((c) => c.mode === 'tool').map(file), { assumeInTransaction: true })),
      ...(await squawk(cases.filter((c) => c.mode !== 'tool').map(file), { assumeInTransaction: false })),
    ];
    const comparisons: Comparison[] = [];
    const squawkFired = new Map<string, Set<string>>();
    const continuityFired = new Map<string, Set<string>>();
    for (const c of cases) {
      const ours = lintMigration([{ path: `${c.id}.sql`, sql: `${c.sql}\n`, line: 1, transaction: c.mode }])[0]!.hits;
      const theirs = hits.filter((h) => path.basename(h.file) === `${c.id}.sql`);
      squawkFired.set(c.id, new Set(theirs.map((h) => h.rule)));
      continuityFired.set(c.id, new Set(ours.map((h) => h.rule)));
      for (const [rule, mapping] of Object.entries(SQUAWK_RULES)) {
        if (!('continuity' in mapping)) continue;
        const squawkMessages = theirs.filter((h) => h.rule === rule).map((h) => `${h.line}: ${h.message}`);
        const continuityMessages = ours.filter((h) => mapping.continuity.some((m) => matches(m, h))).map((h) => `${h.line}: ${h.rule}: ${h.message}`);
        if (squawkMessages.length === 0 && continuityMessages.length === 0) continue;
        comparisons.push({ case: c.id, squawkRule: rule, squawk: squawkMessages.length > 0, continuity: continuityMessages.length > 0, squawkMessages, continuityMessages });
      }
    }
    return { comparisons, squawkFired, continuityFired };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
