// Sensitivity classifier on its corpus (test/fixtures/sensitivity): precision and
// recall per class, per corpus file and overall, beside the same classifier given
// the column name alone (no table, type or comment); then its speed on a
// generated schema of 10,000 tables of 10 columns (every table name new).
import { CLASS_INFO, classifyColumn, type ColumnMetadata } from '../src/sensitivity';
import { CORPUS_FILES, loadCorpus, scoreCorpus, type CorpusEntry, type CorpusScore } from '../test/support/sensitivity-corpus';

const TABLES = 10_000;
const COLUMNS_PER_TABLE = 10;

const full = (c: ColumnMetadata) => classifyColumn(c)?.class;
const nameOnly = (c: ColumnMetadata) => classifyColumn({ table: '', name: c.name })?.class;
const pct = (x: number) => x.toFixed(3);

function summary(label: string, entries: CorpusEntry[], score: CorpusScore, peer: CorpusScore): string {
  const positives = entries.filter((e) => e.expected !== 'none').length;
  return (
    `${label.padEnd(14)} ${String(entries.length).padStart(5)} columns, ${String(positives).padStart(4)} sensitive: ` +
    `class P ${pct(score.overall.precision)} R ${pct(score.overall.recall)}; sensitive P ${pct(score.sensitive.precision)} R ${pct(score.sensitive.recall)}` +
    ` | name only: class P ${pct(peer.overall.precision)} R ${pct(peer.overall.recall)}`
  );
}

export async function run(): Promise<void> {
  const corpus = loadCorpus();
  const score = scoreCorpus(corpus, full);
  const peer = scoreCorpus(corpus, nameOnly);
  const lines = [
    `corpus: ${corpus.length} columns in ${CORPUS_FILES.join(', ')} (${corpus.filter((e) => e.known).length} known misses counted)`,
    '',
    `${'class'.padEnd(17)} ${'kind'.padEnd(8)} ${'n'.padStart(4)} ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'FN'.padStart(4)}  precision  recall | name only: precision  recall`,
    ...score.perClass.map((s, i) => {
      const p = peer.perClass[i]!;
      return (
        `${s.class.padEnd(17)} ${CLASS_INFO[s.class].kind.padEnd(8)} ${String(s.expected).padStart(4)} ${String(s.truePositives).padStart(4)} ` +
        `${String(s.falsePositives).padStart(4)} ${String(s.falseNegatives).padStart(4)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)} | ` +
        `${pct(p.precision).padStart(20)}  ${pct(p.recall).padStart(6)}`
      );
    }),
    '',
    ...CORPUS_FILES.map((file) => {
      const entries = corpus.filter((e) => e.file === file);
      return summary(file, entries, scoreCorpus(entries, full), scoreCorpus(entries, nameOnly));
    }),
    summary('overall', corpus, score, peer),
  ];

  // Tables named after the corpus's with a number (so none repeats), columns taken from the corpus in turn.
  const schema = Array.from({ length: TABLES * COLUMNS_PER_TABLE }, (_, i) => {
    const entry = corpus[i % corpus.length]!;
    return { ...entry, table: `${corpus[Math.floor(i / COLUMNS_PER_TABLE) % corpus.length]!.table}_${Math.floor(i / COLUMNS_PER_TABLE)}` };
  });
  const measure = (classify: (c: ColumnMetadata) => unknown) => {
    const started = performance.now();
    for (const column of schema) classify(column);
    return performance.now() - started;
  };
  measure(full); // warm up the JIT
  const fullMs = measure(full);
  const nameOnlyMs = measure(nameOnly);
  lines.push(
    '',
    `${TABLES} tables x ${COLUMNS_PER_TABLE} columns: ${fullMs.toFixed(0)} ms (${Math.round(schema.length / (fullMs / 1000))} columns/s); ` +
      `name only: ${nameOnlyMs.toFixed(0)} ms; ratio x${(fullMs / nameOnlyMs).toFixed(2)}`,
    '',
  );
  process.stdout.write(lines.join('\n'));
}
