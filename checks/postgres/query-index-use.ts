import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence, Status } from '../../src/model';
import { GRANTS } from '../../src/datastores/postgres/grants';
import { QUERY_INDEX_USE, STATEMENT_EVIDENCE as E } from '../../src/datastores/postgres/statement-evidence';
import type { ObservedStatement, PlanIssue, StatementFacts } from '../../src/datastores/postgres/statement-facts';
import { shorten } from '../../src/util';

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const percent = (share: number) => `${Math.round(share * 100)}%`;
/** Rounded down: a 49.8% saving must not read as the 50% the policy asks for. */
const savedPercent = (saving: number) => `${Math.floor(saving * 100)}%`;

function duration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const WORST = ['fail', 'unknown', 'warn', 'pass'] as const;
const worst = (statuses: Status[]): (typeof WORST)[number] => WORST.find((s) => statuses.includes(s)) ?? 'pass';

function statementEvidence(s: ObservedStatement, method: string, verdict: string): Evidence[] {
  return [
    { source: method, field: E.verdict, value: verdict },
    { source: E.statements, field: E.queryId, value: s.queryId },
    { source: E.statements, field: E.query, value: s.text },
    { source: E.statements, field: E.calls, value: s.calls },
    { source: E.statements, field: E.totalTime, value: Number(s.totalTimeMs.toFixed(3)) },
    { source: E.statements, field: E.meanTime, value: Number(s.meanTimeMs.toFixed(3)) },
  ];
}

interface IssueVerdict {
  status: 'fail' | 'warn';
  /** What to do, in a sentence or a statement. */
  advice: string;
  evidence: Evidence[];
  /** What to run or do: the CREATE INDEX CONCURRENTLY statement when one is suggested. */
  remedy: string;
  /** The verdict in a few words, for the questionnaire answer. */
  brief: string;
}

const NO_NEW_INDEX =
  'No new index serves this statement as it is written: narrow what it reads (a more selective filter, a LIMIT) or waive the finding with the reason.';

function judgeIssue(issue: PlanIssue, method: string, minCostSaving: number, hypopgInstalled: boolean): IssueVerdict {
  const node: Evidence = {
    source: method,
    field: issue.node,
    value: `${issue.condition}; ${issue.kind === 'sort' ? `sorts ~${count(issue.estimatedRows)}` : `keeps ~${count(issue.estimatedRows)}`} of ${count(issue.relationRows)} rows`,
  };
  const suggestion = issue.suggestion;
  if (suggestion.kind === 'existing') {
    return suggestion.valid
      ? {
          status: 'fail',
          advice: `index ${suggestion.index} has these columns, yet the generic plan does not use it (a parameter type or cast that does not match the column, or stale statistics: ANALYZE ${issue.relation})`,
          evidence: [node, { source: 'pg_index', field: 'existing index', value: suggestion.index }],
          remedy: `Find out why the planner does not use ${suggestion.index} (compare the parameter types with the column types; ANALYZE ${issue.relation};).`,
          brief: `index ${suggestion.index} exists but is not used`,
        }
      : {
          status: 'fail',
          advice: `index ${suggestion.index} has these columns but is invalid (an interrupted CREATE INDEX CONCURRENTLY): REINDEX INDEX CONCURRENTLY ${suggestion.index};`,
          evidence: [node, { source: 'pg_index', field: 'invalid index', value: suggestion.index }],
          remedy: `REINDEX INDEX CONCURRENTLY ${suggestion.index};`,
          brief: `index ${suggestion.index} is invalid: REINDEX INDEX CONCURRENTLY ${suggestion.index}`,
        };
  }
  if (suggestion.kind === 'none') {
    return {
      status: 'fail',
      advice: `no single index can be derived: ${suggestion.reason}`,
      evidence: [node],
      remedy: `Write the condition so that an index can serve it (${suggestion.reason}), or create an expression or multicolumn index by hand.`,
      brief: `no single index (${suggestion.reason})`,
    };
  }
  const proposed: Evidence = { source: E.suggestion, field: E.suggestionField, value: suggestion.statement };
  const estimate = suggestion.hypothetical;
  if (!estimate) {
    return {
      status: 'fail',
      advice: `${suggestion.statement}${hypopgInstalled ? '' : ' (not verified: HypoPG is not installed in this database)'}`,
      evidence: [node, proposed],
      remedy: suggestion.statement,
      brief: suggestion.statement.replace(/;$/, ''),
    };
  }
  if (!estimate.ok) {
    return {
      status: 'fail',
      advice: `${suggestion.statement} (HypoPG could not try it: ${estimate.reason})`,
      evidence: [node, proposed, { source: E.hypopg, field: E.hypopgField, value: `not estimated: ${estimate.reason}` }],
      remedy: suggestion.statement,
      brief: suggestion.statement.replace(/;$/, ''),
    };
  }
  const saving = estimate.costBefore > 0 ? 1 - estimate.costAfter / estimate.costBefore : 0;
  const figures = `${estimate.costBefore.toFixed(2)} -> ${estimate.costAfter.toFixed(2)} (${savedPercent(saving)} less)`;
  if (estimate.used && saving >= minCostSaving) {
    return {
      status: 'fail',
      advice: `${suggestion.statement} (HypoPG: estimated cost ${figures})`,
      evidence: [node, proposed, { source: E.hypopg, field: E.hypopgField, value: `${figures}; the plan uses the index` }],
      remedy: suggestion.statement,
      brief: `${suggestion.statement.replace(/;$/, '')} (HypoPG: ${savedPercent(saving)} less estimated cost)`,
    };
  }
  const why = estimate.used ? `saves only ${savedPercent(saving)} of the estimated cost (the policy asks for ${percent(minCostSaving)})` : 'is not used by the planner';
  return {
    status: 'warn',
    advice: `no index suggested: a hypothetical index on (${suggestion.columns.join(', ')}) ${why}`,
    evidence: [node, { source: E.hypopg, field: E.hypopgField, value: `${figures}; ${estimate.used ? 'the plan uses the index' : 'the plan does not use the index'}` }],
    remedy: NO_NEW_INDEX,
    brief: `no index worth adding (HypoPG: ${why})`,
  };
}

interface StatementVerdict {
  finding: FindingDraft;
  /** The statement and what to do, in a line, where it reads a large table in full. */
  brief?: string;
}

function statementFinding(datastore: string, facts: StatementFacts, s: ObservedStatement, minLiveRows: number, minCostSaving: number): StatementVerdict {
  const label = `statement ${s.queryId} (${shorten(s.text, 80)}; ${count(s.calls)} calls, ${duration(s.totalTimeMs)})`;
  const base = { resource: `${datastore}:statement:${s.queryId}` };
  const plan = s.plan;
  if (plan.status === 'no table') {
    return { finding: { ...base, status: 'pass', message: `${label} reads no table`, evidence: [...statementEvidence(s, facts.method, 'reads no table'), { source: facts.method, field: 'relations read', value: 'none' }] } };
  }
  if (plan.status === 'not explained' || plan.status === 'not planned') {
    const verdict = `${plan.status === 'not explained' ? 'was not explained' : 'could not be planned'}: ${plan.reason}; it is listed, not judged`;
    return {
      finding: {
        ...base,
        status: 'unknown',
        message: `${label} ${verdict}`,
        evidence: [...statementEvidence(s, facts.method, verdict), { source: facts.method, field: 'plan', value: `${plan.status}: ${plan.reason}` }],
        ...(plan.status === 'not explained' && plan.hint ? { remediation: plan.hint } : {}),
      },
    };
  }
  const issues = plan.issues.filter((i) => i.relationRows >= minLiveRows);
  if (issues.length === 0) {
    const how =
      plan.indexesUsed.length > 0
        ? `uses ${plan.indexesUsed.length === 1 ? 'index' : 'indexes'} ${plan.indexesUsed.join(', ')}`
        : `reads only small relations, or whole relations without a selective filter (${plan.relations.join(', ') || 'none'})`;
    return {
      finding: {
        ...base,
        status: 'pass',
        message: `${label} ${how}`,
        evidence: [
          ...statementEvidence(s, facts.method, how),
          { source: facts.method, field: 'indexes used', value: plan.indexesUsed.join(', ') || 'none' },
          { source: facts.method, field: 'relations read', value: plan.relations.join(', ') || 'none' },
        ],
      },
    };
  }
  const verdicts = issues.map((i) => judgeIssue(i, facts.method, minCostSaving, facts.hypopg !== null));
  const described = issues.map((issue, n) => {
    const what = issue.kind === 'sort' ? `reads all ${count(issue.relationRows)} rows of ${issue.relation} to sort them for a LIMIT` : `scans ${issue.relation} (${count(issue.relationRows)} rows) in full for ~${count(issue.estimatedRows)} of them`;
    return `${what}: ${verdicts[n]!.advice}`;
  });
  const tables = [...new Set(issues.map((i) => i.relation))].join(', ');
  return {
    finding: {
      ...base,
      status: worst(verdicts.map((v) => v.status)),
      message: `${label} ${described.join('; ')}`,
      evidence: [...statementEvidence(s, facts.method, described.join('; ')), ...verdicts.flatMap((v) => v.evidence)],
      remediation: [...new Set(verdicts.map((v) => v.remedy))].join('\n'),
    },
    brief: `\`${shorten(s.text, 70)}\` (queryid ${s.queryId}) reads ${tables} in full: ${[...new Set(verdicts.map((v) => v.brief))].join('; ')}`,
  };
}

/** Why the statistics cannot give a pass yet, if they cannot. */
function youngStatistics(facts: StatementFacts, now: Date, minHours: number, minCalls: number): string | undefined {
  if (facts.statsReset === null) {
    return `the age of its statistics is unknown (pg_stat_statements ${facts.extension.version} has no pg_stat_statements_info: ALTER EXTENSION pg_stat_statements UPDATE)`;
  }
  const hours = (now.getTime() - Date.parse(facts.statsReset)) / 3_600_000;
  if (hours < minHours) return `its statistics cover only ${duration(Math.max(0, hours) * 3_600_000)} (since ${facts.statsReset}; the policy asks for ${minHours} h)`;
  if (facts.totals.calls < minCalls) return `its statistics hold only ${count(facts.totals.calls)} calls (the policy asks for ${count(minCalls)})`;
  return undefined;
}

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: QUERY_INDEX_USE,
  title: 'The top SQL statements use indexes',
  severity: 'medium',
  description:
    'Explains the top statements of pg_stat_statements (by total execution time) with generic plans, never running them, and reports each that reads a large table in full where an index would narrow the read or deliver a LIMIT\'s order, with the index to create (verified with HypoPG where installed).',
  remediation:
    'Create the suggested index with CREATE INDEX CONCURRENTLY (outside a transaction), then check the statement\'s plan again.',
  docs: 'docs/queries.md',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    const fact = facts.statements;
    if (!fact.ok) {
      return [
        {
          resource: datastore.name,
          status: 'unknown',
          message: `the statements could not be read (${fact.source}): ${fact.reason}`,
          evidence: [{ source: fact.source, field: 'read', value: `failed: ${fact.reason}` }],
          remediation: fact.hint ?? GRANTS.statements,
          answerText: `Not assessed: the queries of ${datastore.name} were not judged (${fact.reason}).`,
        },
      ];
    }
    const s = fact.value;
    const { minStatsAgeHours, minCalls, minCostSaving } = policy.queryIndexUse;
    const verdicts = s.statements.map((st) => statementFinding(datastore.name, s, st, policy.sequentialScan.minLiveRows, minCostSaving));
    const findings = verdicts.map((v) => v.finding);
    const topMs = s.statements.reduce((n, st) => n + st.totalTimeMs, 0);
    const share = s.totals.totalTimeMs > 0 ? topMs / s.totals.totalTimeMs : 0;
    const n = s.statements.length;
    const scope = `${n === s.requested ? `the top ${n}` : `the ${n}`} statement${n === 1 ? '' : 's'} of ${datastore.name} (${percent(share)} of its execution time in pg_stat_statements, judged from their generic plans)`;
    const statuses = findings.map((f) => f.status);
    const failing = verdicts.filter((v) => v.finding.status === 'fail');
    const warned = statuses.filter((st) => st === 'warn').length;
    const undecided = statuses.filter((st) => st === 'unknown').length;
    const caveats = [
      youngStatistics(s, now, minStatsAgeHours, minCalls),
      s.hidden.statements > 0
        ? `${count(s.hidden.statements)} statements (${percent(s.totals.totalTimeMs > 0 ? s.hidden.totalTimeMs / s.totals.totalTimeMs : 0)} of the time) are hidden from the scanner role (<insufficient privilege>): ${GRANTS.stats}`
        : undefined,
      undecided > 0 ? `${undecided} of them could not be explained` : undefined,
    ].filter((c): c is string => c !== undefined);
    const evidence: Evidence[] = [
      { source: fact.source, field: 'statements explained', value: n },
      { source: E.statements, field: 'share of execution time', value: percent(share) },
      { source: E.statements, field: 'calls since reset', value: s.totals.calls },
      { source: 'pg_stat_statements_info', field: 'stats_reset', value: s.statsReset },
      { source: E.statements, field: 'hidden statements (<insufficient privilege>)', value: s.hidden.statements },
      { source: 'pg_extension', field: 'hypopg', value: s.hypopg ? s.hypopg.version : 'not installed' },
    ];
    let summary: FindingDraft;
    if (n === 0) {
      const why = `pg_stat_statements holds no SELECT, UPDATE or DELETE statement of this database${caveats.length > 0 ? ` that the scanner may read: ${caveats.join('; ')}` : ''}`;
      summary = { resource: datastore.name, status: 'unknown', message: why, evidence, answerText: `Not assessed: ${why} (${datastore.name}).` };
    } else if (failing.length > 0) {
      const examples = failing.slice(0, 3).map((v) => v.brief).join('; ');
      const more = failing.length > 3 ? `; and ${failing.length - 3} more` : '';
      const unverified = s.hypopg ? '' : ' The suggested indexes are not verified: HypoPG is not installed.';
      const said = `${failing.length} of ${scope} ${failing.length === 1 ? 'reads a large table' : 'read large tables'} in full`;
      summary = {
        resource: datastore.name,
        status: 'fail',
        message: `${said}${caveats.length > 0 ? `; also: ${caveats.join('; ')}` : ''}`,
        evidence,
        answerText: `No: ${said}: ${examples}${more}.${unverified}${caveats.length > 0 ? ` Also: ${caveats.join('; ')}.` : ''}`,
      };
    } else if (caveats.length > 0) {
      const judged = n - undecided;
      summary = {
        resource: datastore.name,
        status: 'unknown',
        message: `not fully assessed: ${caveats.join('; ')}`,
        evidence,
        answerText: `Not fully assessed: ${caveats.join('; ')}; ${judged} of ${scope} ${judged === 1 ? 'uses' : 'use'} indexes or read only small tables so far.`,
      };
    } else {
      const said = `${scope} ${n === 1 ? 'uses' : 'use'} indexes or ${n === 1 ? 'reads' : 'read'} only small tables${warned > 0 ? `; ${warned} read a large table in full where HypoPG finds no index worth adding` : ''}`;
      summary = { resource: datastore.name, status: warned > 0 ? 'warn' : 'pass', message: said, evidence, answerText: `Yes: ${said}.` };
    }
    return [summary, ...findings];
  },
});
