// What the HTML reports show, computed from a ScanResult. Pure: no I/O, no markup.
// The templates in reports/ only lay these views out.
import { DEFAULT_FRAMEWORK, framework as frameworkById } from '../frameworks';
import {
  SEVERITIES,
  severityRank,
  type CheckDescriptor,
  type ControlAnswer,
  type DatastorePart,
  type DriftEvent,
  type Evidence,
  type Finding,
  type ScanResult,
  type ServiceResult,
  type Severity,
  type Status,
} from '../model';
import { groupBy } from '../util';
import { answersOf } from './answers';
import { compareFindings, STATUS_ORDER } from './order';
import { statementsView, type StatementsView } from './statements-view';
import type { FleetTrendsView, ServiceTrendsView } from './trends';
import { repeatsCollectionError, unscannedDatastores, type UnscannedDatastore } from './wording';

/**
 * Size limits. A service page stays under 1 MB and the overview under 5 MB for
 * a fleet of 100 services x 50 datastores: findings are shown a few per check
 * inline (readable without JavaScript), and all of them travel as compact JSON
 * that the page's script filters and pages through, up to a byte budget.
 */
export const HTML_LIMITS = {
  /** Findings rendered as HTML per check before the script takes over. */
  inlinePerCheck: 3,
  /** And at most this many inline findings in one list. */
  inlineTotal: 60,
  /** Findings shown in a questionnaire row's evidence. */
  perQuestionnaireRow: 5,
  /** Waived findings and drift events listed in full before "and N more". */
  listRows: 100,
  /** Bytes of embedded finding JSON on a service page, and for the estate on the overview. */
  serviceDataBytes: 550_000,
  estateDataBytes: 3_000_000,
  /** Longest text (message, evidence value) shown; scan.json keeps the full value. */
  textChars: 2_000,
} as const;

export interface EvidenceView {
  source: string;
  field: string;
  value: string;
}

export interface FindingView {
  status: Status;
  severity: Severity;
  checkId: string;
  checkTitle: string;
  resource: string;
  message: string;
  evidence: EvidenceView[];
  remediation: string;
  docs?: string;
  location?: string;
  waiver?: { reason: string; approver: string; expires: string; expired: boolean };
}

/** A finding as embedded JSON: short keys, the check by index, remediation only when it differs from the check's. */
export interface CompactFinding {
  c: number;
  r: string;
  s: Status;
  v: Severity;
  m: string;
  e: [string, string, string][];
  x?: string;
  l?: string;
  w?: [string, string, string, 0 | 1];
}

export interface FindingsData {
  checks: { id: string; title: string; row: string | null; remediation: string; docs?: string }[];
  findings: CompactFinding[];
  /** Findings left out of the JSON because the byte budget was reached (the least severe ones). */
  omitted: number;
}

interface Option {
  value: string;
  label: string;
  count: number;
}

export interface FindingsSectionView {
  id: string;
  total: number;
  omitted: number;
  /** Findings not rendered inline (only reachable through the script's pages, or scan.json). */
  collapsed: number;
  perCheck: number;
  /** Already safe inside a <script type="application/json"> element. */
  dataJson: string;
  inline: { checkId: string; checkTitle: string; findings: FindingView[]; more: number }[];
  statusOptions: Option[];
  severityOptions: Option[];
  checkGroups: { label: string; rowOption?: Option; checks: Option[] }[];
}

export interface QuestionnaireRowView {
  id: string;
  anchor: string;
  label: string;
  question: string;
  answer: string;
  status: Status;
  stated?: { answer: string; contradicted: boolean; note?: string };
  findings: FindingView[];
  moreFindings: number;
}

export interface ChangesView {
  previousScanId: string;
  previousFinishedAt: string;
  total: number;
  byType: { type: string; label: string; count: number }[];
  events: (DriftEvent & { label: string })[];
  more: number;
}

export interface StatusCount {
  status: Status;
  count: number;
}

export interface ServicePageView {
  service: ServiceResult;
  /** The service's documentation links that are http(s). */
  docs: { saas?: string; addon?: string };
  overviewHref: string;
  counts: StatusCount[];
  /** CONTINUITY-0003's rows, when the scan was answered for it. */
  questionnaire: QuestionnaireRowView[];
  /** The other frameworks the scan was answered for (SOC 2, ISO 27001). */
  frameworks: FrameworkSectionView[];
  datastores: (Omit<ServiceResult['datastores'][number], 'parts'> & {
    backupPolicyHref?: string;
    parts?: (DatastorePart & { backupPolicyHref?: string })[];
  })[];
  /** Datastores that could not be scanned, each named once with its cause and fix (their per-check errors are not listed again). */
  unscanned: UnscannedDatastore[];
  findings: FindingsSectionView;
  waived: { findings: FindingView[]; total: number; more: number };
  changes?: ChangesView;
  /** The top SQL statements of its PostgreSQL datastores (postgres.query-index-use). */
  statements: StatementsView[];
  /** Trends from history, from two scans on. */
  trends?: ServiceTrendsView;
}

export interface FrameworkSectionView {
  id: string;
  title: string;
  anchor: string;
  rows: QuestionnaireRowView[];
}

interface MatrixCell {
  status: Status;
  answer: string;
  href: string;
  label: string;
}

/** An overview matrix (services x controls) for one framework other than CONTINUITY-0003. */
export interface FrameworkMatrixView {
  id: string;
  title: string;
  anchor: string;
  columns: { id: string; label: string }[];
  services: { name: string; href: string; cells: MatrixCell[] }[];
}

export interface OverviewView {
  serviceCount: number;
  datastoreCount: number;
  counts: StatusCount[];
  /** CONTINUITY-0003's rows, when the scan was answered for it. */
  columns: { id: string; label: string }[];
  services: {
    name: string;
    href: string;
    environment: string;
    owner?: string;
    datastores: number;
    cells: MatrixCell[];
    open: { fail: number; error: number; warn: number };
    changes: number;
    statuses: string;
  }[];
  frameworks: FrameworkMatrixView[];
  statusColumns: Status[];
  bySeverity: { severity: Severity; counts: number[]; total: number }[];
  byCheck: { id: string; title: string; severity: Severity; row: string; counts: number[]; total: number; services: number }[];
  /** Checks left out of byCheck: they apply to no datastore type of this estate. */
  checksNotApplicable: number;
  totalsRow: number[];
  estate: FindingsSectionView;
  changes?: ChangesView;
  /** Fleet totals per week from history, from two weeks on. */
  trends?: FleetTrendsView;
  /** Every report file of each service, when the overview is served (continuity serve). */
  reportFiles?: { service: string; files: { name: string; href: string }[] }[];
  /** Configured services without a scan yet (continuity serve). */
  notScanned?: string[];
}

/** Where the pages link to each other: files side by side (a scan's output directory) by default. */
export interface PageLinks {
  /** The service page's link back to the overview. */
  overviewHref: string;
  /** A service page's address, relative to the overview. */
  serviceHref(service: string): string;
}

/** The file a service's page is written to. `index.html` is the overview, so a service named "index" moves aside. */
export function htmlFileName(service: string): string {
  return service === 'index' ? '_index.html' : `${service}.html`;
}

export const OVERVIEW_FILE = 'index.html';

export const FILE_LINKS: PageLinks = {
  overviewHref: OVERVIEW_FILE,
  serviceHref: (service) => encodeURIComponent(htmlFileName(service)),
};

function clip(text: string): string {
  return text.length > HTML_LIMITS.textChars ? `${text.slice(0, HTML_LIMITS.textChars)}… (truncated; scan.json has the full text)` : text;
}

/** Only http(s) links become hrefs: a config value like `javascript:` must stay text. */
export function httpUrl(value: string | undefined): string | undefined {
  return value !== undefined && /^https?:\/\//i.test(value) ? value : undefined;
}

/** Findings are grouped and filtered by CONTINUITY-0003 row, whichever frameworks a scan answers. */
const QUESTIONNAIRE = frameworkById(DEFAULT_FRAMEWORK);

function rowLabel(row: string | null): string {
  return QUESTIONNAIRE.controls.find((r) => r.id === row)?.label ?? 'Other checks';
}

function rowOfCheck(checkId: string): string | null {
  return QUESTIONNAIRE.controls.find((r) => r.checks.includes(checkId))?.id ?? null;
}

/** An anchor id for a framework's control: ids such as "CC6.1" or "8.13" are not all valid in selectors. */
function controlAnchor(frameworkId: string, controlId: string): string {
  return frameworkId === DEFAULT_FRAMEWORK ? `q-${controlId}` : `${frameworkId}-${controlId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function evidenceValue(value: Evidence['value']): string {
  return value === null ? 'null' : String(value);
}

function checkIndex(checks: CheckDescriptor[]): Map<string, CheckDescriptor> {
  return new Map(checks.map((c) => [c.id, c]));
}

function findingView(finding: Finding, checks: Map<string, CheckDescriptor>): FindingView {
  const check = checks.get(finding.checkId);
  const docs = httpUrl(check?.docs);
  return {
    status: finding.status,
    severity: finding.severity,
    checkId: finding.checkId,
    checkTitle: check?.title ?? finding.checkId,
    resource: finding.resource,
    message: clip(finding.message),
    evidence: finding.evidence.map((e) => ({ source: e.source, field: e.field, value: clip(evidenceValue(e.value)) })),
    remediation: finding.remediation,
    ...(docs ? { docs } : {}),
    ...(finding.location ? { location: `${finding.location.path}${finding.location.line ? `:${finding.location.line}` : ''}` } : {}),
    ...(finding.waiver ? { waiver: finding.waiver } : {}),
  };
}

/** JSON inside <script>: `<` escaped so no `</script>` or `<!--` in a value can end the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function compactData(sorted: Finding[], checks: Map<string, CheckDescriptor>, budget: number): FindingsData {
  const used = [...new Set(sorted.map((f) => f.checkId))];
  const indexOf = new Map(used.map((id, i) => [id, i]));
  const data: FindingsData = {
    checks: used.map((id) => {
      const check = checks.get(id);
      const docs = httpUrl(check?.docs);
      return {
        id,
        title: check?.title ?? id,
        row: rowOfCheck(id),
        remediation: check?.remediation ?? '',
        ...(docs ? { docs } : {}),
      };
    }),
    findings: [],
    omitted: 0,
  };
  let bytes = scriptJson(data).length;
  for (const [i, f] of sorted.entries()) {
    const c = indexOf.get(f.checkId)!;
    const compact: CompactFinding = {
      c,
      r: f.resource,
      s: f.status,
      v: f.severity,
      m: clip(f.message),
      e: f.evidence.map((e) => [e.source, e.field, clip(evidenceValue(e.value))]),
      ...(f.remediation !== data.checks[c]!.remediation ? { x: f.remediation } : {}),
      ...(f.location ? { l: `${f.location.path}${f.location.line ? `:${f.location.line}` : ''}` } : {}),
      ...(f.waiver ? { w: [f.waiver.reason, f.waiver.approver, f.waiver.expires, f.waiver.expired ? 1 : 0] as CompactFinding['w'] } : {}),
    };
    bytes += scriptJson(compact).length + 1;
    if (bytes > budget) {
      // Sorted worst first: what is left out is the least severe part of the list.
      data.omitted = sorted.length - i;
      break;
    }
    data.findings.push(compact);
  }
  return data;
}

function countBy<T extends string>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function findingsSection(id: string, findings: Finding[], scan: ScanResult, budget: number): FindingsSectionView {
  const checks = checkIndex(scan.checks);
  const sorted = [...findings].sort(compareFindings);
  const data = compactData(sorted, checks, budget);

  const inline: FindingsSectionView['inline'] = [];
  let inlineCount = 0;
  for (const [checkId, group] of groupBy(sorted, (f) => f.checkId)) {
    const room = Math.max(0, Math.min(HTML_LIMITS.inlinePerCheck, HTML_LIMITS.inlineTotal - inlineCount));
    const shown = group.slice(0, room);
    inlineCount += shown.length;
    inline.push({
      checkId,
      checkTitle: checks.get(checkId)?.title ?? checkId,
      findings: shown.map((f) => findingView(f, checks)),
      more: group.length - shown.length,
    });
  }

  const statusCounts = countBy(sorted.map((f) => f.status));
  const severityCounts = countBy(sorted.map((f) => f.severity));
  const checkCounts = countBy(sorted.map((f) => f.checkId));
  const rows: (string | null)[] = [...QUESTIONNAIRE.controls.map((c) => c.id), null];
  const checkGroups = rows
    .map((row) => {
      const ids = [...checkCounts.keys()].filter((c) => rowOfCheck(c) === row).sort();
      const count = ids.reduce((n, c) => n + checkCounts.get(c)!, 0);
      return {
        label: rowLabel(row),
        ...(row ? { rowOption: { value: `row:${row}`, label: `All ${rowLabel(row)} checks`, count } } : {}),
        checks: ids.map((c) => ({ value: c, label: c, count: checkCounts.get(c)! })),
      };
    })
    .filter((g) => g.checks.length > 0);

  return {
    id,
    total: sorted.length,
    omitted: data.omitted,
    collapsed: sorted.length - inlineCount,
    perCheck: HTML_LIMITS.inlinePerCheck,
    dataJson: scriptJson(data),
    inline,
    statusOptions: STATUS_ORDER.filter((s) => statusCounts.has(s)).map((s) => ({ value: s, label: s, count: statusCounts.get(s)! })),
    severityOptions: SEVERITIES.filter((s) => severityCounts.has(s)).map((s) => ({ value: s, label: s, count: severityCounts.get(s)! })),
    checkGroups,
  };
}

function statusCounts(findings: Finding[]): StatusCount[] {
  const counts = countBy(findings.map((f) => f.status));
  return STATUS_ORDER.filter((s) => counts.has(s)).map((status) => ({ status, count: counts.get(status)! }));
}

function driftLabel(type: string): string {
  const words = type.replace(/-/g, ' ');
  return words[0]!.toUpperCase() + words.slice(1);
}

function changesView(scan: ScanResult, events: DriftEvent[]): ChangesView | undefined {
  if (!scan.changes) return undefined;
  const sorted = [...events].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.type.localeCompare(b.type));
  return {
    previousScanId: scan.changes.previousScanId,
    previousFinishedAt: scan.changes.previousFinishedAt,
    total: events.length,
    byType: [...countBy(events.map((e) => e.type))].map(([type, count]) => ({ type, label: driftLabel(type), count })),
    events: sorted.slice(0, HTML_LIMITS.listRows).map((e) => ({ ...e, label: driftLabel(e.type), message: clip(e.message) })),
    more: Math.max(0, sorted.length - HTML_LIMITS.listRows),
  };
}

function controlRowsView(frameworkId: string, answers: ControlAnswer[], service: ServiceResult, checks: Map<string, CheckDescriptor>): QuestionnaireRowView[] {
  return answers.map((answer): QuestionnaireRowView => {
    const rowFindings = service.findings
      .filter((f) => answer.checkIds.includes(f.checkId) && f.status !== 'skipped')
      .sort(compareFindings);
    return {
      id: answer.control,
      anchor: controlAnchor(frameworkId, answer.control),
      label: answer.label,
      question: answer.question,
      answer: answer.answer,
      status: answer.status,
      ...(answer.stated ? { stated: answer.stated } : {}),
      findings: rowFindings
        .slice(0, HTML_LIMITS.perQuestionnaireRow)
        .map((f) => findingView(repeatsCollectionError(f, service) ? { ...f, message: `not assessed: ${f.datastore} could not be scanned (see Not scanned)` } : f, checks)),
      moreFindings: Math.max(0, rowFindings.length - HTML_LIMITS.perQuestionnaireRow),
    };
  });
}

export function servicePageView(
  scan: ScanResult,
  service: ServiceResult,
  options: { links?: PageLinks; trends?: ServiceTrendsView } = {},
): ServicePageView {
  const checks = checkIndex(scan.checks);
  const questionnaire = controlRowsView(DEFAULT_FRAMEWORK, answersOf(service, DEFAULT_FRAMEWORK) ?? [], service, checks);
  const frameworks = (scan.frameworks ?? [])
    .filter((f) => f.id !== DEFAULT_FRAMEWORK)
    .map((f): FrameworkSectionView => ({
      id: f.id,
      title: f.title,
      anchor: `framework-${f.id}`,
      rows: controlRowsView(f.id, answersOf(service, f.id) ?? [], service, checks),
    }));
  const withWaiver = service.findings.filter((f) => f.waiver !== undefined).sort(compareFindings);
  const changes = changesView(scan, scan.changes?.events.filter((e) => e.service === service.name) ?? []);
  const saas = httpUrl(service.docs?.saas);
  const addon = httpUrl(service.docs?.addon);
  return {
    service,
    docs: { ...(saas ? { saas } : {}), ...(addon ? { addon } : {}) },
    overviewHref: (options.links ?? FILE_LINKS).overviewHref,
    counts: statusCounts(service.findings),
    questionnaire,
    frameworks,
    datastores: service.datastores.map((d) => {
      const href = httpUrl(d.backupPolicy);
      const parts = d.parts?.map((p) => {
        const partHref = httpUrl(p.backupPolicy);
        return { ...p, ...(partHref ? { backupPolicyHref: partHref } : {}) };
      });
      return { ...d, ...(href ? { backupPolicyHref: href } : {}), ...(parts ? { parts } : {}) };
    }),
    unscanned: unscannedDatastores(service),
    findings: findingsSection(
      'findings',
      service.findings.filter((f) => !repeatsCollectionError(f, service)),
      scan,
      HTML_LIMITS.serviceDataBytes,
    ),
    statements: statementsView(service.findings, HTML_LIMITS.listRows),
    waived: {
      findings: withWaiver.slice(0, HTML_LIMITS.listRows).map((f) => findingView(f, checks)),
      total: withWaiver.length,
      more: Math.max(0, withWaiver.length - HTML_LIMITS.listRows),
    },
    ...(changes ? { changes } : {}),
    ...(options.trends ? { trends: options.trends } : {}),
  };
}

function matrixCells(frameworkId: string, columns: { id: string; label: string }[], service: ServiceResult, href: string): MatrixCell[] {
  const answers = answersOf(service, frameworkId) ?? [];
  return columns.map((column) => {
    const answer = answers.find((a) => a.control === column.id);
    return {
      status: answer?.status ?? 'unknown',
      answer: answer?.answer ?? 'Not assessed',
      href: `${href}#${controlAnchor(frameworkId, column.id)}`,
      label: column.label,
    };
  });
}

export function overviewView(
  scan: ScanResult,
  options: { links?: PageLinks; trends?: FleetTrendsView; reportFiles?: OverviewView['reportFiles']; notScanned?: string[] } = {},
): OverviewView {
  const links = options.links ?? FILE_LINKS;
  const answered = scan.frameworks ?? [];
  const questionnaire = answered.find((f) => f.id === DEFAULT_FRAMEWORK);
  const columns = (questionnaire?.controls ?? []).map((r) => ({ id: r.id, label: r.label }));
  const eventsByService = countBy(scan.changes?.events.map((e) => e.service) ?? []);
  const services = scan.services.map((service) => {
    const href = links.serviceHref(service.name);
    const cells = matrixCells(DEFAULT_FRAMEWORK, columns, service, href);
    const open = countBy(service.findings.map((f) => f.status));
    return {
      name: service.name,
      href,
      environment: service.environment,
      ...(service.owner ? { owner: service.owner } : {}),
      datastores: service.datastores.length,
      cells,
      open: { fail: open.get('fail') ?? 0, error: open.get('error') ?? 0, warn: open.get('warn') ?? 0 },
      changes: eventsByService.get(service.name) ?? 0,
      statuses: [...new Set(cells.map((c) => c.status))].join(' '),
    };
  });

  const all = [...scan.services.flatMap((s) => s.findings), ...scan.estate.findings];
  const statusColumns = STATUS_ORDER;
  const tally = (findings: Finding[]) => {
    const counts = countBy(findings.map((f) => f.status));
    return statusColumns.map((s) => counts.get(s) ?? 0);
  };
  const bySeverityGroups = groupBy(all, (f) => f.severity);
  const byCheckGroups = groupBy(all, (f) => f.checkId);
  // A check that produced no finding runs on none of this estate's datastore types (or repositories): no all-zero row for it.
  const checkIds = [...new Set([...scan.checks.map((c) => c.id), ...byCheckGroups.keys()])].filter((id) => byCheckGroups.has(id));
  const descriptors = checkIndex(scan.checks);

  const frameworks = answered
    .filter((f) => f.id !== DEFAULT_FRAMEWORK)
    .map((f): FrameworkMatrixView => {
      const frameworkColumns = f.controls.map((c) => ({ id: c.id, label: c.label }));
      return {
        id: f.id,
        title: f.title,
        anchor: `matrix-${f.id}`,
        columns: frameworkColumns,
        services: scan.services.map((service) => {
          const href = links.serviceHref(service.name);
          return { name: service.name, href, cells: matrixCells(f.id, frameworkColumns, service, href) };
        }),
      };
    });

  return {
    serviceCount: scan.services.length,
    datastoreCount: scan.services.reduce((n, s) => n + s.datastores.length, 0),
    counts: statusCounts(all),
    columns,
    services,
    frameworks,
    statusColumns,
    bySeverity: SEVERITIES.map((severity) => {
      const group = bySeverityGroups.get(severity) ?? [];
      return { severity, counts: tally(group), total: group.length };
    }),
    byCheck: checkIds.map((id) => {
      const group = byCheckGroups.get(id) ?? [];
      const check = descriptors.get(id);
      return {
        id,
        title: check?.title ?? id,
        severity: check?.severity ?? 'info',
        row: rowLabel(rowOfCheck(id)),
        counts: tally(group),
        total: group.length,
        services: new Set(group.filter((f) => f.status === 'fail').map((f) => f.service)).size,
      };
    }),
    checksNotApplicable: scan.checks.filter((c) => !byCheckGroups.has(c.id)).length,
    totalsRow: tally(all),
    estate: findingsSection('estate-findings', scan.estate.findings, scan, HTML_LIMITS.estateDataBytes),
    ...(scan.changes ? { changes: changesView(scan, scan.changes.events)! } : {}),
    ...(options.trends ? { trends: options.trends } : {}),
    ...(options.reportFiles ? { reportFiles: options.reportFiles } : {}),
    ...(options.notScanned?.length ? { notScanned: options.notScanned } : {}),
  };
}
