import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { SEVERITIES, type ScanResult, type ServiceResult, type Status } from '../model';
import { packagePath } from '../package-root';
import { compareFindings } from './order';
import { DEFAULT_FRAMEWORK, framework as frameworkById } from '../frameworks';
import { answersOf } from './answers';
import { statementsView } from './statements-view';
import { countStatuses, humanTime, plural, repeatsCollectionError, statusCounts, unscannedDatastores } from './wording';

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

let compiled: Handlebars.TemplateDelegate | undefined;
let compiledEstate: Handlebars.TemplateDelegate | undefined;
let compiledFramework: Handlebars.TemplateDelegate | undefined;

/** The estate findings (e.g. unregistered datastores) as Markdown, worst first. */
export function renderEstateMarkdown(scan: ScanResult): string {
  compiledEstate ??= markdown.compile(readFileSync(ESTATE_TEMPLATE_PATH, 'utf8'), { noEscape: true });
  return compiledEstate({ scan, findings: [...scan.estate.findings].sort(compareFindings) });
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
  return compiled({
    scan,
    service,
    changes,
    rows,
    datastores: service.datastores.map((d) => ({ ...d, linkStatus: linkStatus(service, d.name) })),
    unscanned: unscannedDatastores(service),
    severityGroups,
    passing: service.findings.filter((f) => f.status === 'pass' || f.status === 'skipped'),
    statements: statementsView(service.findings, STATEMENT_ROWS),
    totalsLine,
  });
}

/** One service's answers for a framework other than CONTINUITY-0003 (SOC 2, ISO 27001). */
export function renderFrameworkMarkdown(scan: ScanResult, service: ServiceResult, frameworkId: string): string {
  compiledFramework ??= markdown.compile(readFileSync(FRAMEWORK_TEMPLATE_PATH, 'utf8'), { noEscape: true });
  return compiledFramework({ scan, service, framework: frameworkById(frameworkId), rows: answersOf(service, frameworkId) ?? [] });
}
