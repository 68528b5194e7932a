// The classifier against its corpus, one class at a time: a regression names its class.
import { describe, expect, it } from 'vitest';
import { classifyColumn, SENSITIVE_CLASSES } from '../../src/sensitivity';
import { CORPUS_FILES, loadCorpus, type CorpusEntry } from '../support/sensitivity-corpus';

const results = loadCorpus().map((entry) => ({ entry, got: classifyColumn(entry)?.class ?? 'none' }));
const checked = results.filter((r) => !r.entry.known);
const show = ({ entry, got }: { entry: CorpusEntry; got: string }) =>
  `${entry.at}: ${entry.table}.${entry.name} (${entry.type}${entry.comment ? `, "${entry.comment}"` : ''}) expected ${entry.expected}, got ${got}`;

describe('sensitivity corpus', () => {
  it('has at least 300 curated columns, negatives included, and every class', () => {
    const curated = results.filter((r) => r.entry.file === CORPUS_FILES[0]);
    expect(curated.length).toBeGreaterThanOrEqual(300);
    expect(curated.filter((r) => r.entry.expected === 'none').length).toBeGreaterThanOrEqual(100);
    const present = new Set(curated.map((r) => r.entry.expected));
    expect(SENSITIVE_CLASSES.filter((c) => !present.has(c))).toEqual([]);
  });

  describe.each([...SENSITIVE_CLASSES, 'none'] as const)('%s', (cls) => {
    it('is given to every column expected to be one', () => {
      expect(checked.filter((r) => r.entry.expected === cls && r.got !== cls).map(show)).toEqual([]);
    });
    it('is given to no other column', () => {
      expect(checked.filter((r) => r.entry.expected !== cls && r.got === cls).map(show)).toEqual([]);
    });
  });

  it('still gets every entry marked known wrong (remove the marker of one that passes)', () => {
    const known = results.filter((r) => r.entry.known);
    expect(known.length).toBeGreaterThan(0);
    expect(known.filter((r) => r.got === r.entry.expected).map(show)).toEqual([]);
  });
});
