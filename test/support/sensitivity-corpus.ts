// The sensitivity corpus (test/fixtures/sensitivity/columns.yaml) and how a
// classifier scores on it, shared by the corpus test and `npm run bench -- sensitivity`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { SENSITIVE_CLASSES, type ColumnMetadata, type SensitiveClass } from '../../src/sensitivity';

const CORPUS_DIR = 'test/fixtures/sensitivity';
/** The curated corpus first, then real schemas labelled before the classifier saw them. */
export const CORPUS_FILES = ['columns.yaml'] as const;

const ExpectedClass = z.enum([...SENSITIVE_CLASSES, 'none']);
export type ExpectedClass = z.infer<typeof ExpectedClass>;

const EntrySchema = z
  .object({
    table: z.string().min(1),
    column: z.string().min(1),
    type: z.string().min(1),
    comment: z.string().min(1).optional(),
    class: ExpectedClass,
    why: z.string().min(1).optional(),
    /** A known miss, and why; the corpus test fails when it starts passing. */
    known: z.string().min(1).optional(),
  })
  .strict();

export interface CorpusEntry extends ColumnMetadata {
  expected: ExpectedClass;
  why?: string;
  known?: string;
  /** Where the entry is, for failure messages: `test/fixtures/sensitivity/columns.yaml:12`. */
  at: string;
  file: (typeof CORPUS_FILES)[number];
}

function loadFile(file: (typeof CORPUS_FILES)[number]): CorpusEntry[] {
  const path = `${CORPUS_DIR}/${file}`;
  const text = readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
  const items = (doc.contents as { items?: { range?: [number, number, number] }[] } | null)?.items ?? [];
  const values = doc.toJS() as unknown;
  if (!Array.isArray(values)) throw new Error(`${path}: expected a list of columns`);
  return values.map((value: unknown, i) => {
    const at = `${path}:${lineCounter.linePos(items[i]?.range?.[0] ?? 0).line}`;
    const parsed = EntrySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${at}: ${issue.path.join('.') || 'entry'}: ${issue.message}`);
    }
    const { column, class: expected, comment, why, known, ...rest } = parsed.data;
    return { ...rest, name: column, comment: comment ?? null, expected, ...(why ? { why } : {}), ...(known ? { known } : {}), at, file };
  });
}

/** Every corpus file's entries, in file order. */
export function loadCorpus(): CorpusEntry[] {
  return CORPUS_FILES.flatMap(loadFile);
}

export interface ClassScore {
  class: SensitiveClass;
  expected: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

export interface CorpusScore {
  perClass: ClassScore[];
  /** Exact class, micro-averaged over every sensitive class. */
  overall: { precision: number; recall: number };
  /** Sensitive or not, whatever the class: what the questionnaire's "Data sensitivity" row needs. */
  sensitive: { precision: number; recall: number };
}

const ratio = (n: number, d: number) => (d === 0 ? 1 : n / d);

/** Precision and recall of `classify` on the corpus, per class and overall. */
export function scoreCorpus(entries: CorpusEntry[], classify: (column: ColumnMetadata) => SensitiveClass | undefined): CorpusScore {
  const predicted = entries.map((e) => ({ expected: e.expected, got: classify(e) ?? 'none' }));
  const perClass = SENSITIVE_CLASSES.map((cls) => {
    const truePositives = predicted.filter((p) => p.expected === cls && p.got === cls).length;
    const falsePositives = predicted.filter((p) => p.expected !== cls && p.got === cls).length;
    const falseNegatives = predicted.filter((p) => p.expected === cls && p.got !== cls).length;
    return {
      class: cls,
      expected: truePositives + falseNegatives,
      truePositives,
      falsePositives,
      falseNegatives,
      precision: ratio(truePositives, truePositives + falsePositives),
      recall: ratio(truePositives, truePositives + falseNegatives),
    };
  });
  const sum = (f: (s: ClassScore) => number) => perClass.reduce((n, s) => n + f(s), 0);
  const tp = sum((s) => s.truePositives);
  const positives = predicted.filter((p) => p.expected !== 'none');
  const flagged = predicted.filter((p) => p.got !== 'none');
  return {
    perClass,
    overall: { precision: ratio(tp, tp + sum((s) => s.falsePositives)), recall: ratio(tp, tp + sum((s) => s.falseNegatives)) },
    sensitive: {
      precision: ratio(flagged.filter((p) => p.expected !== 'none').length, flagged.length),
      recall: ratio(positives.filter((p) => p.got !== 'none').length, positives.length),
    },
  };
}
