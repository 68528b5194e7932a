// What `continuity scan` tells a person on the terminal: progress while it
// runs, then the failing findings by severity, the datastores it could not
// scan (once each, with the fix) and where the reports are.
import { SEVERITIES, severityRank, type Finding, type ScanResult, type Severity, type Status } from '../model';
import { ESTATE, type DatastoreDoneEvent } from '../engine/scan';
import { BLIND_STATUSES } from '../drift/outages';
import { compareFindings } from '../report/order';
import { repeatsCollectionError, unscannedDatastores } from '../report/wording';
import { plural } from '../util';

type Paint = (text: string) => string;

export interface Palette {
  red: Paint;
  yellow: Paint;
  green: Paint;
  dim: Paint;
  bold: Paint;
}

/** ANSI colours on a terminal, none when NO_COLOR is set (https://no-color.org) or the stream is not a TTY. */
export function palette(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Palette {
  const on = stream.isTTY === true && !env.NO_COLOR;
  const sgr = (code: string) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { red: sgr('31'), yellow: sgr('33'), green: sgr('32'), dim: sgr('2'), bold: sgr('1') };
}

/**
 * Progress on a TTY: a line per datastore done, `[n/N]`, with the error and
 * its fix inline, and below it the datastores in flight, rewritten in place.
 */
export function progressReporter(stream: NodeJS.WriteStream, total: number, paint: Palette) {
  const inFlight = new Set<string>();
  let done = 0;
  const clearStatus = () => stream.write('\r\u001b[K');
  const showStatus = () => {
    if (inFlight.size === 0) return;
    const names = [...inFlight];
    stream.write(paint.dim(`  [${done}/${total}] scanning ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`));
  };
  return {
    start(event: { service: string; datastore: string }) {
      inFlight.add(`${event.service}/${event.datastore}`);
      clearStatus();
      showStatus();
    },
    done(event: DatastoreDoneEvent) {
      inFlight.delete(`${event.service}/${event.datastore}`);
      done++;
      clearStatus();
      const head = `  [${done}/${total}] ${event.ok ? paint.green('ok   ') : paint.red('error')} ${event.service}/${event.datastore} (${seconds(event.durationMs)})`;
      stream.write(`${head}${event.error ? `: ${event.error}` : ''}\n`);
      if (event.fix) stream.write(`          ${paint.bold('fix:')} ${event.fix}\n`);
      showStatus();
    },
  };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Which findings the terminal summary lists: failing ones by default. */
export interface SummaryFilter {
  statuses: Status[];
  severities?: Severity[];
}

/** Findings listed in the summary before "and N more": the reports hold them all. */
const SUMMARY_ROWS = 30;

const ALL_FINDINGS = (scan: ScanResult): Finding[] => [...scan.services.flatMap((s) => s.findings), ...scan.estate.findings];

/** The terminal summary after a scan (without the list of written reports). */
export function scanSummary(scan: ScanResult, filter: SummaryFilter, paint: Palette): string {
  const lines: string[] = [];
  const repeats = new Set(
    scan.services.flatMap((service) => service.findings.filter((f) => repeatsCollectionError(f, service))),
  );
  const listed = ALL_FINDINGS(scan)
    .filter((f) => !repeats.has(f))
    .filter((f) => filter.statuses.includes(f.status) && (!filter.severities || filter.severities.includes(f.severity)))
    .sort(compareFindings);
  const datastores = scan.services.reduce((n, s) => n + s.datastores.length, 0);
  lines.push(
    paint.bold(`continuity: scanned ${plural(scan.services.length, 'service')}, ${plural(datastores, 'datastore')}`),
  );
  const what = filter.statuses.length === 1 && filter.statuses[0] === 'fail' ? 'failing' : filter.statuses.join(' or ');
  if (listed.length === 0) {
    lines.push(`  no ${what} findings${filter.severities ? ` of severity ${filter.severities.join(', ')}` : ''}`);
  } else {
    const bySeverity = SEVERITIES.map((s) => [s, listed.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
    lines.push(`  ${plural(listed.length, `${what} finding`)}: ${bySeverity.map(([s, n]) => severityPaint(s, paint)(`${n} ${s}`)).join(', ')}`);
    for (const f of listed.slice(0, SUMMARY_ROWS)) lines.push(`  ${findingLine(f, paint)}`);
    if (listed.length > SUMMARY_ROWS) lines.push(paint.dim(`  ... and ${listed.length - SUMMARY_ROWS} more in the reports`));
  }
  // "No failing findings" must not read as all clear when checks could not assess: those are counted.
  const unassessed = ALL_FINDINGS(scan).filter((f) => !repeats.has(f) && BLIND_STATUSES.includes(f.status) && !filter.statuses.includes(f.status));
  if (unassessed.length > 0) {
    lines.push(`  ${paint.yellow(`${plural(unassessed.length, 'finding')} not assessed (error or unknown)`)}: --status error,unknown lists them`);
  }
  for (const service of scan.services) {
    for (const d of unscannedDatastores(service)) {
      lines.push(`  ${paint.red('not scanned')} ${service.name}/${d.name}: ${d.error} (${plural(d.checks.length, 'check')} could not run)`);
      if (d.fix) lines.push(`    ${paint.bold('fix:')} ${d.fix}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One line per finding: severity, check, service/resource, and the status when it is not a failure. */
export function findingLine(f: Finding, paint: Palette): string {
  const where = f.service === ESTATE ? f.resource : `${f.service}/${f.resource}`;
  return `${severityPaint(f.severity, paint)(f.severity.padEnd(8))} ${f.checkId}  ${where}${f.status === 'fail' ? '' : `  (${f.status})`}`;
}

function severityPaint(severity: Severity, paint: Palette): Paint {
  return severityRank(severity) >= severityRank('high') ? paint.red : severity === 'medium' ? paint.yellow : (t) => t;
}

/** The failing findings at or above a severity: what makes --fail-on exit 1. */
export function failingAtOrAbove(scan: ScanResult, threshold: Severity): Finding[] {
  return ALL_FINDINGS(scan)
    .filter((f) => f.status === 'fail' && severityRank(f.severity) >= severityRank(threshold))
    .sort(compareFindings);
}
