// The evidence of postgres.query-index-use findings that the reports read back
// to lay out the statements table: written by the check, read by
// src/report/statements-view.ts. Pure constants.
export const QUERY_INDEX_USE = 'postgres.query-index-use';

export const STATEMENT_EVIDENCE = {
  /** Source of the counters and the text. */
  statements: 'pg_stat_statements',
  queryId: 'queryid',
  query: 'query',
  calls: 'calls',
  totalTime: 'total_exec_time (ms)',
  meanTime: 'mean_exec_time (ms)',
  /** What the statement's plan says, in words (its finding's message without the statement). */
  verdict: 'verdict',
  /** Source and field of a suggested CREATE INDEX CONCURRENTLY. */
  suggestion: 'suggested index',
  suggestionField: 'CREATE INDEX CONCURRENTLY',
  /** Source and field of the HypoPG estimate of a suggestion. */
  hypopg: 'HypoPG (hypothetical index, in the scanner session only)',
  hypopgField: 'estimated total cost',
} as const;
