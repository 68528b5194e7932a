// The top statements of a database from pg_stat_statements, each planned
// without being run: EXPLAIN (GENERIC_PLAN) on PostgreSQL 16+, PREPARE +
// EXPLAIN EXECUTE with force_generic_plan before. Never ANALYZE, never EXECUTE
// outside EXPLAIN. Every explain runs in a savepoint of the scanner's read-only
// transaction that is rolled back at once, so its locks last only as long as
// the explain; statement_timeout and lock_timeout apply to each statement.
// Suggested indexes are tried with HypoPG where the extension is installed:
// its hypothetical indexes live in the scanner's session memory, never in the database.
import pg from 'pg';
import { observed, unavailable, type Observed } from '../../engine/types';
import { errorMessage } from '../../secrets';
import { GRANTS } from './grants';
import { QUERY_INDEX_USE } from './statement-evidence';
import { planRelations, planUsesIndex, readPlan, type PlanNode, type RelationInfo } from './plans';
import type { ExplainMethod, HypotheticalEstimate, ObservedStatement, StatementFacts, StatementPlan } from './statement-facts';
import { loadParser, readStatement, withoutLiterals, type StatementReading } from './statement-text';

/** What this module needs of the collector's session (one read-only transaction, counted). */
export interface StatementsSession {
  readonly queriesSent: number;
  /** Several statements in one simple-query message (one round trip): one row list per statement. */
  script(text: string): Promise<pg.QueryResultRow[][]>;
}

export interface StatementsOptions {
  /** How many of the top statements, by total execution time, to explain. */
  top: number;
  /** Relations with fewer rows are small: reading them in full is no finding. */
  minLiveRows: number;
  /**
   * Time allowed for planning the statements; those left when it runs out are
   * listed as not explained, so slow planning cannot cost the datastore's catalog facts.
   */
  budgetMs: number;
}

const SOURCE = 'pg_stat_statements';
/** Statements that can use an index: SELECT (WITH included), UPDATE, DELETE, after any comments. */
const CANDIDATE = String.raw`^(\s|/\*([^*]|\*+[^*/])*\*+/|--[^\n]*\n)*\(*\s*(select|with|update|delete)\M`;
/** The scanner's own catalog queries and HypoPG calls, and other sessions' catalog queries: not the application's, left out of the top statements and of the totals. */
const NOT_APPLICATION = String.raw`\m(pg_catalog|information_schema)\.|\mhypopg_|\mpg_stat_statements`;

type Attempt = { ok: true; results: pg.QueryResultRow[][] } | { ok: false; error: unknown };

/**
 * Run statements in a savepoint that is rolled back at the end, in one round
 * trip; on failure one more round trip rolls back (and runs `cleanup`).
 */
async function inSavepoint(session: StatementsSession, statements: string[], cleanup: string[] = []): Promise<Attempt> {
  const savepoint = 'continuity_statements';
  try {
    const results = await session.script([`savepoint ${savepoint}`, ...statements, `rollback to savepoint ${savepoint}`].join(';\n'));
    return { ok: true, results: results.slice(1, 1 + statements.length) };
  } catch (error) {
    await session.script([`rollback to savepoint ${savepoint}`, ...cleanup].join(';\n'));
    return { ok: false, error };
  }
}

const PREPARED = 'continuity_statement';

/** The statements that plan `text` generically, and where in their results the plan is. */
function explainStatements(method: ExplainMethod, text: string, params: number): { statements: string[]; planAt: number; cleanup: string[] } {
  // The text goes last on its line: a trailing `--` comment cannot swallow what follows.
  if (method === 'EXPLAIN (GENERIC_PLAN)') {
    return { statements: [`explain (generic_plan, verbose, format json) ${text}\n`], planAt: 0, cleanup: [] };
  }
  const args = params > 0 ? `(${Array.from({ length: params }, () => 'null').join(', ')})` : '';
  return {
    statements: [
      'set local plan_cache_mode = force_generic_plan',
      `prepare ${PREPARED} as ${text}\n`,
      `explain (verbose, format json) execute ${PREPARED}${args}`,
      `deallocate ${PREPARED}`,
    ],
    planAt: 2,
    // A prepared statement outlives the savepoint it was made in.
    cleanup: ['deallocate all'],
  };
}

function planOf(rows: pg.QueryResultRow[] | undefined): PlanNode {
  const plan = (rows?.[0]?.['QUERY PLAN'] as { Plan: PlanNode }[] | undefined)?.[0]?.Plan;
  if (!plan) throw new Error('EXPLAIN returned no plan');
  return plan;
}

function guessedCommand(text: string): ObservedStatement['command'] {
  const word = /\b(select|with|update|delete)\b/i.exec(text)?.[1]?.toLowerCase();
  return word === 'update' || word === 'delete' ? word : 'select';
}

function sqlState(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/** Why a statement was not planned, and the GRANT that would let the scanner explain it. */
function failedPlan(error: unknown, reading: Extract<StatementReading, { ok: true }>): StatementPlan {
  const reason = errorMessage(error);
  if (sqlState(error) !== '42501') return { status: 'not planned', reason };
  const deniedName = /permission denied for (?:table|relation|view) (\S+)/.exec(reason)?.[1];
  const named = [...reading.tables, ...(reading.target ? [reading.target] : [])].find((t) => t.name === deniedName);
  const table = named ? (named.schema ? `${named.schema}.${named.name}` : named.name) : (deniedName ?? 'the tables it reads');
  const writes = reading.target && reading.target.name === deniedName;
  const hint = writes ? GRANTS.explainWrite(reading.command === 'update' ? 'UPDATE' : 'DELETE', table) : GRANTS.explainSelect(table);
  return { status: 'not explained', reason, hint };
}

interface Candidate {
  row: pg.QueryResultRow;
  reading: StatementReading;
  plan?: PlanNode;
  result?: StatementPlan;
}

const RELATIONS_SQL = (schemas: string[], names: string[]) => `
select n.nspname as schema, c.relname as name,
       greatest(c.reltuples, 0)::float8 as reltuples, st.n_live_tup::int8 as live_rows,
       coalesce((
         select json_agg(json_build_object(
                  'name', ic.relname,
                  'valid', i.indisvalid and i.indisready,
                  'method', am.amname,
                  'predicate', pg_catalog.pg_get_expr(i.indpred, i.indrelid),
                  'columns', (select json_agg(a.attname order by k.ord)
                              from unnest(i.indkey::int2[]) with ordinality k(attnum, ord)
                              left join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                              where k.ord <= i.indnkeyatts)))
         from pg_catalog.pg_index i
         join pg_catalog.pg_class ic on ic.oid = i.indexrelid
         join pg_catalog.pg_am am on am.oid = ic.relam
         where i.indrelid = c.oid), '[]') as indexes
from unnest(${arrayLiteral(schemas)}, ${arrayLiteral(names)}) as r(schema, name)
join pg_catalog.pg_namespace n on n.nspname = r.schema
join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = r.name
left join pg_catalog.pg_stat_all_tables st on st.relid = c.oid`;

function arrayLiteral(values: string[]): string {
  return `array[${values.map((v) => pg.escapeLiteral(v)).join(', ')}]::text[]`;
}

function versionAtLeast(version: string, wanted: number[]): boolean {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < wanted.length; i++) {
    const have = parts[i] ?? 0;
    if (have !== wanted[i]) return have > wanted[i]!;
  }
  return true;
}

function topStatementsSql(schema: string, version: string, top: number): string {
  const view = `${pg.escapeIdentifier(schema)}.pg_stat_statements`;
  const newer = versionAtLeast(version, [1, 8]); // total_exec_time; before: total_time
  const withInfo = versionAtLeast(version, [1, 9]); // toplevel and pg_stat_statements_info
  // One entry per user (and per top-level flag) in the view: a statement run by two roles is one statement here.
  return `
with raw as (
  select s.queryid, s.query, s.calls, s.${newer ? 'total_exec_time' : 'total_time'} as total_ms, s.rows
  from ${view} s
  where s.dbid = (select d.oid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database())${withInfo ? ' and s.toplevel' : ''}
),
totals as (
  select count(*) as all_statements, coalesce(sum(r.calls), 0)::float8 as all_calls, coalesce(sum(r.total_ms), 0)::float8 as all_ms,
         count(*) filter (where r.queryid is null) as hidden_statements,
         coalesce(sum(r.total_ms) filter (where r.queryid is null), 0)::float8 as hidden_ms
  from raw r
  where r.query !~* ${pg.escapeLiteral(NOT_APPLICATION)}
),
top as (
  select r.queryid, min(r.query) as query, sum(r.calls) as calls, sum(r.total_ms) as total_ms, sum(r.rows) as rows
  from raw r
  where r.queryid is not null and r.query ~* ${pg.escapeLiteral(CANDIDATE)} and r.query !~* ${pg.escapeLiteral(NOT_APPLICATION)}
  group by r.queryid
  order by sum(r.total_ms) desc, r.queryid
  limit ${Math.trunc(top)}
)
select t.*, ${withInfo ? `(select i.stats_reset from ${pg.escapeIdentifier(schema)}.pg_stat_statements_info i)` : 'null::timestamptz'} as stats_reset,
       top.queryid::text as queryid, top.query, top.calls::float8 as calls, top.total_ms::float8 as total_ms,
       (top.total_ms / nullif(top.calls, 0))::float8 as mean_ms, top.rows::float8 as rows
from totals t left join top on true
order by top.total_ms desc nulls last, top.queryid`;
}

const EXTENSIONS_SQL = `
select pg_catalog.current_setting('server_version_num')::int as server_version_num,
       e.extname as name, e.extversion as version, n.nspname as schema
from (select 1) one
left join pg_catalog.pg_extension e on e.extname in ('pg_stat_statements', 'hypopg')
left join pg_catalog.pg_namespace n on n.oid = e.extnamespace`;

/**
 * The top statements and what their plans say, or why they could not be read.
 * Runs inside the collector's read-only transaction and leaves it as it found it.
 */
export async function collectStatements(
  session: StatementsSession,
  options: StatementsOptions | false,
  /** The datastore's excluded schemas: a full read of a table there is no finding. */
  excludeSchemas: readonly string[] = [],
): Promise<Observed<StatementFacts>> {
  if (options === false) return unavailable(SOURCE, `not collected: ${QUERY_INDEX_USE} is skipped by policy`);
  const sentBefore = session.queriesSent;
  try {
    const found = await inSavepoint(session, [EXTENSIONS_SQL]);
    if (!found.ok) return unavailable(SOURCE, errorMessage(found.error));
    const rows = found.results[0]!;
    const serverVersionNum = Number(rows[0]?.server_version_num ?? 0);
    const extension = rows.find((r) => r.name === 'pg_stat_statements');
    const hypopgRow = rows.find((r) => r.name === 'hypopg');
    if (!extension) return unavailable(SOURCE, 'the pg_stat_statements extension is not installed in this database', GRANTS.statements);
    if (serverVersionNum < 120000) {
      return unavailable(SOURCE, 'PostgreSQL 11 and older cannot plan a normalized statement without running it (no plan_cache_mode)');
    }
    const method: ExplainMethod =
      serverVersionNum >= 160000 ? 'EXPLAIN (GENERIC_PLAN)' : 'PREPARE + EXPLAIN EXECUTE (plan_cache_mode = force_generic_plan)';

    const read = await inSavepoint(session, [topStatementsSql(extension.schema, extension.version, options.top)]);
    if (!read.ok) {
      const reason = errorMessage(read.error);
      return unavailable(SOURCE, reason, /shared_preload_libraries/.test(reason) ? GRANTS.statements : /permission denied/.test(reason) ? GRANTS.stats : undefined);
    }
    const top = read.results[0]!;
    const head = top[0] ?? {};
    await loadParser();

    const candidates: Candidate[] = top.filter((r) => r.queryid !== null).map((row) => ({ row, reading: readStatement(row.query) }));
    const deadline = performance.now() + options.budgetMs;
    const outOfTime = `not explained: the time allowed for the statements (${Math.round(options.budgetMs / 1000)} s) ran out`;
    for (const candidate of candidates) {
      const { reading } = candidate;
      if (!reading.ok) {
        candidate.result = { status: 'not explained', reason: `not sent to the server: ${reading.reason}` };
        continue;
      }
      if (reading.tables.length === 0) {
        candidate.result = { status: 'no table' };
        continue;
      }
      if (performance.now() > deadline) {
        candidate.result = { status: 'not explained', reason: outOfTime };
        continue;
      }
      const explain = explainStatements(method, candidate.row.query, reading.params);
      const attempt = await inSavepoint(session, explain.statements, explain.cleanup);
      if (attempt.ok) candidate.plan = planOf(attempt.results[explain.planAt]);
      else candidate.result = failedPlan(attempt.error, reading);
    }

    const relations = await relationInfo(session, candidates.flatMap((c) => (c.plan ? planRelations(c.plan) : [])));
    const hypopg = hypopgRow ? { schema: String(hypopgRow.schema), version: String(hypopgRow.version) } : null;
    const statements: ObservedStatement[] = [];
    for (const candidate of candidates) {
      if (candidate.plan) {
        const reading = readPlan(candidate.plan, relations, options.minLiveRows, excludeSchemas);
        if (hypopg) {
          for (const issue of reading.issues) {
            if (issue.suggestion.kind !== 'new') continue;
            issue.suggestion.hypothetical =
              performance.now() > deadline
                ? { ok: false, reason: outOfTime.replace('not explained: ', '') }
                : await tryHypothetical(session, hypopg.schema, method, candidate, issue.suggestion.statement);
          }
        }
        candidate.result = { status: 'planned', ...reading };
      }
      // Another kind of statement (WITH ... INSERT) is no candidate; one the parser could not read is listed as not explained.
      if (!candidate.reading.ok && !candidate.reading.candidate) continue;
      statements.push({
        queryId: String(candidate.row.queryid),
        text: withoutLiterals(String(candidate.row.query)),
        command: candidate.reading.ok ? candidate.reading.command : guessedCommand(String(candidate.row.query)),
        calls: Number(candidate.row.calls),
        totalTimeMs: Number(candidate.row.total_ms),
        meanTimeMs: Number(candidate.row.mean_ms),
        rows: Number(candidate.row.rows),
        plan: candidate.result!,
      });
    }
    return observed(`${SOURCE}, ${method}`, {
      extension: { schema: String(extension.schema), version: String(extension.version) },
      method,
      statsReset: head.stats_reset ? (head.stats_reset as Date).toISOString() : null,
      totals: { statements: Number(head.all_statements ?? 0), calls: Number(head.all_calls ?? 0), totalTimeMs: Number(head.all_ms ?? 0) },
      hidden: { statements: Number(head.hidden_statements ?? 0), totalTimeMs: Number(head.hidden_ms ?? 0) },
      requested: options.top,
      minLiveRows: options.minLiveRows,
      hypopg,
      statements,
      roundTrips: session.queriesSent - sentBefore,
    });
  } catch (error) {
    return unavailable(SOURCE, errorMessage(error));
  }
}

/** Sizes and indexes of the relations the plans read, in one query. */
async function relationInfo(session: StatementsSession, relations: { schema: string; name: string }[]): Promise<Map<string, RelationInfo>> {
  const unique = [...new Map(relations.map((r) => [`${r.schema}.${r.name}`, r])).values()];
  const info = new Map<string, RelationInfo>();
  if (unique.length === 0) return info;
  const result = await inSavepoint(session, [RELATIONS_SQL(unique.map((r) => r.schema), unique.map((r) => r.name))]);
  if (!result.ok) throw new Error(`the sizes of the relations the plans read could not be read: ${errorMessage(result.error)}`);
  for (const row of result.results[0]!) {
    info.set(`${row.schema}.${row.name}`, {
      rows: Math.max(Number(row.reltuples ?? 0), Number(row.live_rows ?? 0)),
      indexes: (row.indexes as { name: string; valid: boolean; method: string; predicate: string | null; columns: (string | null)[] | null }[]).map((i) => ({
        name: i.name,
        valid: i.valid,
        method: i.method,
        predicate: i.predicate,
        columns: i.columns ?? [],
      })),
    });
  }
  return info;
}

/** The statement's estimated cost with a hypothetical index (HypoPG), in the scanner's session only. */
async function tryHypothetical(
  session: StatementsSession,
  schema: string,
  method: ExplainMethod,
  candidate: Candidate,
  suggestion: string,
): Promise<HypotheticalEstimate> {
  const hypopg = pg.escapeIdentifier(schema);
  const definition = suggestion.replace(/^CREATE INDEX CONCURRENTLY /, 'CREATE INDEX ').replace(/;$/, '');
  const reading = candidate.reading as Extract<StatementReading, { ok: true }>;
  const explain = explainStatements(method, candidate.row.query, reading.params);
  const attempt = await inSavepoint(
    session,
    [`select indexname from ${hypopg}.hypopg_create_index(${pg.escapeLiteral(definition)})`, ...explain.statements, `select ${hypopg}.hypopg_reset()`],
    // Hypothetical indexes are not transactional: drop them on the error path too.
    [`select ${hypopg}.hypopg_reset()`, ...explain.cleanup],
  );
  if (!attempt.ok) return { ok: false, reason: errorMessage(attempt.error) };
  const index = String(attempt.results[0]![0]!.indexname);
  const plan = planOf(attempt.results[1 + explain.planAt]);
  return { ok: true, costBefore: candidate.plan!['Total Cost'], costAfter: plan['Total Cost'], used: planUsesIndex(plan, index) };
}
