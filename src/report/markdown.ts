import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { SEVERITIES, type ScanResult, type ServiceResult, type Status } from '../model';
import { packagePath } from '../package-root';
import { compareFindings } from './order';
import { DEFAULT_FRAMEWORK, framework as frameworkById } from '../frameworks';
import { answersOf } from './answers';
import { statementsView } from './statements-view';
import { countStatuses, humanTime, repeatsCollectionError, statusCounts, unscannedDatastores } from './wording';
import { plural } from '../util';

const TEMPLATE_PATH = packagePath('reports', 'questionnaire.md.hbs');
const ESTATE_TEMPLATE_PATH = packagePath('reports', 'estate.md.hbs');
const FRAMEWORK_TEMPLATE_PATH = packagePath('reports', 'framework.md.hbs');
const STATEMENTS_PARTIAL_PATH = packagePath('reports', 'markdown', 'statements.md.hbs');
/** Statements listed per datastore; scan.json holds all of them. */
const STATEMENT_ROWS = 100;

const markdown = Handlebars.create();
// Markdown is not HTML: no entity escaping, but table cells must not break the table.
markdown.registerHelper('time', (iso: string) => humanTime(iso));
markdown.registerHelper('plural', (n: number, word: string) => plural(n, word));
markdown.registerHelper('cell', (value: unknown) =>
  String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>'),
);

/**
 * Text from scanned systems and config (table names, messages, evidence) as
 * inline Markdown that cannot change the document: no line breaks (a name
 * holding "\n# Heading" would start a heading), no HTML tag or autolink
 * opening (`<script>`, `<javascript:…>`), no link target (`[x](javascript:…)`).
 */
export function inlineMarkdown(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/\]\(/g, ']\\(');
}

/** Every string of a template's data made inline-safe, so no template field can be forgotten. */
function safeView<T>(value: T): T {
  if (typeof value === 'string') return inlineMarkdown(value) as T;
  if (Array.isArray(value)) return value.map(safeView) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, safeView(v)])) as T;
  return value;
}

/**
 * What the templates show of the scan itself. Not the whole scan: safeView copies
 * every string it is given, and each service page would copy the whole fleet.
 */
function scanHeader(scan: ScanResult): Pick<ScanResult, 'scanId' | 'finishedAt' | 'tool'> {
  return { scanId: scan.scanId, finishedAt: scan.finishedAt, tool: scan.tool };
}

let compiled: Handlebars.TemplateDelegate | undefined;
let compiledEstate: Handlebars.TemplateDelegate | undefined;
let compiledFramework: Handlebars.TemplateDelegate | undefined;

/** The estate findings (e.g. unregistered datastores) as Markdown, worst first. */
export function renderEstateMarkdown(scan: ScanResult): string {
  compiledEstate ??= markdown.compile(readFileSync(ESTATE_TEMPLATE_PATH, 'utf8'), { noEscape: true });
  return compiledEstate(safeView({ scan: scanHeader(scan), findings: [...scan.estate.findings].sort(compareFindings) }));
}

const OPEN_STATUSES: Status[] = ['fail', 'warn', 'error', 'unknown', 'waived'];

function linkStatus(service: ServiceResult, datastore: string): string {
  const finding = service.findings.find((f) => f.checkId === 'datastore.backup-policy-link' && f.datastore === datastore);
  return finding ? `${finding.status}: ${finding.message}` : 'not checked';
}

/** The CONTINUITY-0003 Markdown report for one service of a scan. */
export function renderServiceMarkdown(scan: ScanResult, service: ServiceResult): string {
  if (!compiled) {
    markdown.registerPartial('statements', readFileSync(STATEMENTS_PARTIAL_PATH, 'utf8'));
    compiled = markdown.compile(readFileSync(TEMPLATE_PATH, 'utf8'), { noEscape: true });
  }
  const rows = answersOf(service, DEFAULT_FRAMEWORK) ?? [];
  // A datastore that could not be scanned is one entry with its cause, not an error per check.
  const open = service.findings.filter((f) => OPEN_STATUSES.includes(f.status) && !repeatsCollectionError(f, service));
  const severityGroups = SEVERITIES.map((severity) => ({
    title: severity[0]!.toUpperCase() + severity.slice(1),
    findings: open.filter((f) => f.severity === severity).sort(compareFindings),
  })).filter((g) => g.findings.length > 0);
  const totalsLine =
    service.findings.length === 0 ? 'No findings.' : `${plural(service.findings.length, 'finding')}: ${statusCounts(countStatuses(service.findings))}.`;
  const changes = scan.changes
    ? { ...scan.changes, events: scan.changes.events.filter((e) => e.service === service.name) }
    : undefined;
  return compiled(
    safeView({
      scan: scanHeader(scan),
      service,
      changes,
      rows,
      datastores: service.datastores.map((d) => ({ ...d, linkStatus: linkStatus(service, d.name) })),
      unscanned: unscannedDatastores(service),
      severityGroups,
      passing: service.findings.filter((f) => f.status === 'pass' || f.status === 'skipped'),
      statements: statementsView(service.findings, STATEMENT_ROWS),
      totalsLine,
    }),
  );
}

/** One service's answers for a framework other than CONTINUITY-0003 (SOC 2, ISO 27001). */
export function renderFrameworkMarkdown(scan: ScanResult, service: ServiceResult, frameworkId: string): string {
  compiledFramework ??= markdown.compile(readFileSync(FRAMEWORK_TEMPLATE_PATH, 'utf8'), { noEscape: true });
  return compiledFramework(safeView({ scan: scanHeader(scan), service, framework: frameworkById(frameworkId), rows: answersOf(service, frameworkId) ?? [] }));
}
