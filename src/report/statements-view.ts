// The top SQL statements of a service's PostgreSQL datastores, as the service
// reports (HTML and Markdown) lay them out: each statement with its plan's
// verdict, the suggested index and the HypoPG estimate. Read back from the
// evidence of postgres.query-index-use findings (scan.json stays the one source). Pure.
import { QUERY_INDEX_USE, STATEMENT_EVIDENCE as E } from '../datastores/postgres/statement-evidence';
import type { Finding, Status } from '../model';
import { shorten } from '../util';

export interface StatementRowView {
  status: Status;
  queryId: string;
  /** The normalized text, whole (literals never left the server). */
  text: string;
  shortText: string;
  calls: string;
  totalTime: string;
  meanTime: string;
  verdict: string;
  /** CREATE INDEX CONCURRENTLY statements suggested for it. */
  suggestions: string[];
  /** HypoPG's estimated cost before and after each suggestion. */
  estimates: string[];
}

export interface StatementsView {
  datastore: string;
  /** The datastore's answer from its statements (the check's summary finding). */
  status: Status;
  summary: string;
  rows: StatementRowView[];
  /** Statements left out of the page (all are in scan.json). */
  more: number;
}

function milliseconds(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

function valueOf(finding: Finding, source: string, field: string): string | number | boolean | null | undefined {
  return finding.evidence.find((e) => e.source === source && e.field === field)?.value;
}

/** Per datastore, its explained statements worst first by total time, at most `limit` of them. */
export function statementsView(findings: Finding[], limit: number): StatementsView[] {
  const ofCheck = findings.filter((f) => f.checkId === QUERY_INDEX_USE && f.datastore !== undefined);
  const datastores = [...new Set(ofCheck.map((f) => f.datastore!))];
  return datastores.flatMap((datastore) => {
    const own = ofCheck.filter((f) => f.datastore === datastore);
    const summary = own.find((f) => f.resource === datastore);
    const statements = own
      .filter((f) => valueOf(f, E.statements, E.queryId) !== undefined)
      .map((f) => ({ finding: f, totalMs: Number(valueOf(f, E.statements, E.totalTime) ?? 0) }))
      .sort((a, b) => b.totalMs - a.totalMs);
    if (!summary || statements.length === 0) return [];
    const rows = statements.slice(0, limit).map(({ finding, totalMs }): StatementRowView => {
      const text = String(valueOf(finding, E.statements, E.query) ?? '');
      const verdict = finding.evidence.find((e) => e.field === E.verdict);
      return {
        status: finding.status,
        queryId: String(valueOf(finding, E.statements, E.queryId)),
        text,
        shortText: shorten(text, 90),
        calls: Number(valueOf(finding, E.statements, E.calls) ?? 0).toLocaleString('en-US'),
        totalTime: milliseconds(totalMs),
        meanTime: milliseconds(Number(valueOf(finding, E.statements, E.meanTime) ?? 0)),
        verdict: verdict ? String(verdict.value) : finding.message,
        suggestions: finding.evidence.filter((e) => e.source === E.suggestion && e.field === E.suggestionField).map((e) => String(e.value)),
        estimates: finding.evidence.filter((e) => e.source === E.hypopg).map((e) => String(e.value)),
      };
    });
    return [{ datastore, status: summary.status, summary: summary.message, rows, more: statements.length - rows.length }];
  });
}
