// What the scanner learned about a database's top statements: pg_stat_statements
// counters and what their generic plans say. Types only (checks import them).

/** How the statements were planned without being run. */
export type ExplainMethod = 'EXPLAIN (GENERIC_PLAN)' | 'PREPARE + EXPLAIN EXECUTE (plan_cache_mode = force_generic_plan)';

/** A hypothetical index (HypoPG) and the statement's estimated cost without and with it. */
export type HypotheticalEstimate =
  | { ok: true; costBefore: number; costAfter: number; /** the new plan scans the hypothetical index */ used: boolean }
  | { ok: false; reason: string };

export type IndexSuggestion =
  /** A new index; `statement` is the CREATE INDEX CONCURRENTLY to run. */
  | { kind: 'new'; columns: string[]; where: string | null; statement: string; hypothetical?: HypotheticalEstimate }
  /** An index on these columns already exists, yet the plan does not use it. */
  | { kind: 'existing'; index: string; valid: boolean }
  /** No index can be derived from the plan node (an expression, a LIKE, an OR...). */
  | { kind: 'none'; reason: string };

/** A plan node that reads a large relation in full where an index could narrow or order the read. */
export interface PlanIssue {
  kind: 'sequential scan' | 'sort';
  /** schema.name of the relation read. */
  relation: string;
  /** Live rows of the relation: the larger of pg_class.reltuples and pg_stat_all_tables.n_live_tup. */
  relationRows: number;
  /** Rows the planner expects the node to keep (after its filter or join), or to sort. */
  estimatedRows: number;
  /** e.g. `Seq Scan on public.inventory`. */
  node: string;
  /** The filter, join condition or sort key, as EXPLAIN prints it, literals masked. */
  condition: string;
  suggestion: IndexSuggestion;
}

export type StatementPlan =
  /** Explained: the index scans it makes and the issues found above the size threshold. */
  | { status: 'planned'; totalCost: number; indexesUsed: string[]; relations: string[]; issues: PlanIssue[] }
  /** The statement names no table (`SELECT $1`, a function call): nothing for an index to serve. */
  | { status: 'no table' }
  /** The scanner may not explain it (permission denied), or chose not to; `hint` is the GRANT that would allow it. */
  | { status: 'not explained'; reason: string; hint?: string }
  /** The server could not plan it (a dropped table, an ambiguous parameter type, a lock or statement timeout). */
  | { status: 'not planned'; reason: string };

export interface ObservedStatement {
  /** pg_stat_statements.queryid, as a decimal string (a bigint). */
  queryId: string;
  /** The normalized text ($1 placeholders), without comments; any literal left in it is masked. */
  text: string;
  command: 'select' | 'update' | 'delete';
  calls: number;
  totalTimeMs: number;
  meanTimeMs: number;
  rows: number;
  plan: StatementPlan;
}

export interface StatementFacts {
  /** Where pg_stat_statements is installed in this database, and its version. */
  extension: { schema: string; version: string };
  method: ExplainMethod;
  /** pg_stat_statements_info.stats_reset; null where the extension predates it (before 1.9). */
  statsReset: string | null;
  /** Every top-level statement of this database, hidden ones included. */
  totals: { statements: number; calls: number; totalTimeMs: number };
  /** Statements whose text the scanner role may not see (`<insufficient privilege>`). */
  hidden: { statements: number; totalTimeMs: number };
  /** How many of the top statements were asked for (policy.queryIndexUse.topStatements). */
  requested: number;
  /** The smallest relation that counts as large (policy.sequentialScan.minLiveRows). */
  minLiveRows: number;
  /** HypoPG, where the extension is installed in this database. */
  hypopg: { schema: string; version: string } | null;
  /** The top SELECT, UPDATE, DELETE and WITH statements by total execution time, worst first. */
  statements: ObservedStatement[];
  /** Round trips to the server this part of the collection made. */
  roundTrips: number;
}
