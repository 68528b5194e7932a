// Trends from history for the HTML reports: a service's findings by status per
// scan, each questionnaire row's answer per scan, each datastore's recovery
// window per scan, and the fleet's totals per week. Pure: the caller reads the
// history and passes the scans in; the templates draw inline SVG and tables.
import { DEFAULT_FRAMEWORK, framework as frameworkById } from '../frameworks';
import type { CheckDescriptor, ScanResult, Status } from '../model';
import { answersOf } from './answers';
import { STATUS_ORDER, worstStatus } from './order';

export const TREND_LIMITS = {
  /** Scans of a service shown on its page, newest last. */
  scans: 12,
  /** Weeks of fleet totals on the overview. */
  weeks: 12,
} as const;

/** Charts appear from this many points on: one scan is no trend. */
const MIN_POINTS = 2;

/** The recovery checks of the Backup policy row: all but the backup policy link itself. */
const RECOVERY_CHECKS = new Set(
  (frameworkById(DEFAULT_FRAMEWORK).controls.find((c) => c.id === 'backups')?.checks ?? []).filter((c) => c !== 'datastore.backup-policy-link'),
);

/** One scan of one service, as the trend charts need it. */
export interface ServiceTrendPoint {
  scanId: string;
  finishedAt: string;
  counts: Record<Status, number>;
  answers: { row: string; label: string; status: Status; answer: string }[];
  recovery: { datastore: string; status: Status; line: string; days?: number }[];
}

function zeroCounts(): Record<Status, number> {
  return Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<Status, number>;
}

/** The recovery window in days when a recovery check's evidence states it as a number that is better higher (RDS retention, Supabase restorable days). */
function recoveryDays(scan: ScanResult, findings: ScanResult['services'][number]['findings']): number | undefined {
  const checks = new Map<string, CheckDescriptor>(scan.checks.map((c) => [c.id, c]));
  for (const finding of findings) {
    const trend = checks.get(finding.checkId)?.evidenceTrend ?? {};
    for (const e of finding.evidence) {
      if (trend[e.field] === 'higher-is-better' && typeof e.value === 'number') return e.value;
    }
  }
  return undefined;
}

/** The trend point of a service in a scan, or undefined when the scan does not hold the service. */
export function serviceTrendPoint(scan: ScanResult, serviceName: string): ServiceTrendPoint | undefined {
  const service = scan.services.find((s) => s.name === serviceName);
  if (!service) return undefined;
  const counts = zeroCounts();
  for (const f of service.findings) counts[f.status] += 1;
  return {
    scanId: scan.scanId,
    finishedAt: scan.finishedAt,
    counts,
    answers: (answersOf(service, DEFAULT_FRAMEWORK) ?? []).map((a) => ({ row: a.control, label: a.label, status: a.status, answer: a.answer })),
    recovery: service.datastores.map((d) => {
      const findings = service.findings.filter((f) => f.datastore === d.name && RECOVERY_CHECKS.has(f.checkId) && f.status !== 'skipped');
      const days = recoveryDays(scan, findings);
      return {
        datastore: d.name,
        status: d.collectionError ? 'error' : findings.length > 0 ? worstStatus(findings.map((f) => f.status)) : 'unknown',
        line: d.collectionError ? `not collected: ${d.collectionError}` : (d.pitr ?? 'recovery window not read'),
        ...(days !== undefined ? { days } : {}),
      };
    }),
  };
}

export interface BarSegment {
  status: Status;
  count: number;
  y: number;
  height: number;
}

export interface StackedBars {
  /** SVG user units. */
  width: number;
  height: number;
  max: number;
  /** `short` is the label under the bar, `cx` its centre, `top` where its stack ends (the total is written above). */
  bars: { label: string; short: string; x: number; cx: number; top: number; width: number; total: number; segments: BarSegment[] }[];
  /** Statuses that occur, worst first, for the legend and the data table. */
  statuses: Status[];
  /** Per status, the count of each bar (the text alternative). */
  table: { status: Status; counts: number[] }[];
  /** One sentence for screen readers. */
  summary: string;
}

const CHART = { height: 120, barWidth: 28, gap: 12 } as const;

function stackedBars(columns: { label: string; short: string; counts: Record<Status, number> }[], what: string, unit: string): StackedBars {
  const statuses = STATUS_ORDER.filter((s) => columns.some((c) => c.counts[s] > 0));
  const totals = columns.map((c) => statuses.reduce((n, s) => n + c.counts[s], 0));
  const max = Math.max(1, ...totals);
  const scale = CHART.height / max;
  const bars = columns.map((column, i) => {
    // Drawn from the bottom: the best status at the base, the worst on top. Edges
    // come from the running total, so rounding never stacks a bar past the chart.
    let below = 0;
    const edge = (count: number) => Math.round((CHART.height - count * scale) * 10) / 10;
    const segments = [...statuses].reverse().flatMap((status): BarSegment[] => {
      const count = column.counts[status];
      if (count === 0) return [];
      const bottom = edge(below);
      below += count;
      const y = edge(below);
      return [{ status, count, y, height: Math.round((bottom - y) * 10) / 10 }];
    });
    const x = i * (CHART.barWidth + CHART.gap);
    const top = segments.length > 0 ? segments[segments.length - 1]!.y : CHART.height;
    return { label: column.label, short: column.short, x, cx: x + CHART.barWidth / 2, top, width: CHART.barWidth, total: totals[i]!, segments };
  });
  const first = columns[0]!;
  const last = columns[columns.length - 1]!;
  const describe = (c: (typeof columns)[number]) => statuses.map((s) => `${c.counts[s]} ${s}`).join(', ');
  return {
    width: columns.length * (CHART.barWidth + CHART.gap) - CHART.gap,
    height: CHART.height,
    max,
    bars,
    statuses,
    table: statuses.map((status) => ({ status, counts: columns.map((c) => c.counts[status]) })),
    summary: `${what} over ${columns.length} ${unit}: ${first.label}: ${describe(first)}; ${last.label}: ${describe(last)}.`,
  };
}

/** A day as people read it in a chart label: 2026-03-02. */
function day(iso: string): string {
  return iso.slice(0, 10);
}

export interface StripCell {
  status: Status;
  /** What the cell says (an answer, a number of days, or the status). */
  text: string;
  /** The full value, for the tooltip and print. */
  title: string;
}

export interface ServiceTrendsView {
  scans: { scanId: string; label: string; short: string }[];
  findings: StackedBars;
  rows: { label: string; anchor: string; cells: StripCell[] }[];
  /** One strip per datastore, labelled with its name. */
  recovery: { label: string; cells: StripCell[] }[];
}

/** The trends of a service page from its points, oldest first; undefined below two scans. */
export function serviceTrendsView(points: ServiceTrendPoint[]): ServiceTrendsView | undefined {
  const shown = points.slice(-TREND_LIMITS.scans);
  if (shown.length < MIN_POINTS) return undefined;
  const labels = shown.map((p) => day(p.finishedAt));
  const rows = [...new Map(shown.flatMap((p) => p.answers.map((a) => [a.row, a.label] as const))).entries()];
  const datastores = [...new Set(shown.flatMap((p) => p.recovery.map((r) => r.datastore)))];
  const absent = (label: string): StripCell => ({ status: 'skipped', text: '–', title: `${label}: not in this scan` });
  return {
    scans: shown.map((p, i) => ({ scanId: p.scanId, label: labels[i]!, short: labels[i]!.slice(5) })),
    findings: stackedBars(
      shown.map((p, i) => ({ label: labels[i]!, short: labels[i]!.slice(5), counts: p.counts })),
      'Findings by status',
      'scans',
    ),
    rows: rows.map(([row, label]) => ({
      label,
      anchor: `q-${row}`,
      cells: shown.map((p, i) => {
        const answer = p.answers.find((a) => a.row === row);
        return answer ? { status: answer.status, text: answer.status, title: `${labels[i]}: ${answer.answer}` } : absent(labels[i]!);
      }),
    })),
    recovery: datastores.map((datastore) => ({
      label: datastore,
      cells: shown.map((p, i) => {
        const r = p.recovery.find((x) => x.datastore === datastore);
        if (!r) return absent(labels[i]!);
        return { status: r.status, text: r.days !== undefined ? `${r.days} d` : r.status, title: `${labels[i]}: ${r.line}` };
      }),
    })),
  };
}

/** The Monday (UTC) of the week holding a time, as YYYY-MM-DD. */
export function weekOf(iso: string): string {
  const date = new Date(iso);
  const monday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - ((date.getUTCDay() + 6) % 7)));
  return monday.toISOString().slice(0, 10);
}

/**
 * Fleet totals per week: for each week, each service counted once, from its
 * newest scan finished in that week (a service not scanned that week is left out
 * of that week's total, so the bar says how many services it covers).
 */
export function fleetWeeks(points: { service: string; point: ServiceTrendPoint }[]): { week: string; services: number; counts: Record<Status, number> }[] {
  const newest = new Map<string, ServiceTrendPoint>();
  for (const { service, point } of points) {
    const key = `${weekOf(point.finishedAt)}\u0000${service}`;
    const seen = newest.get(key);
    if (!seen || seen.finishedAt < point.finishedAt) newest.set(key, point);
  }
  const weeks = new Map<string, { services: number; counts: Record<Status, number> }>();
  for (const [key, point] of newest) {
    const week = key.split('\u0000')[0]!;
    const entry = weeks.get(week) ?? { services: 0, counts: zeroCounts() };
    entry.services += 1;
    for (const s of STATUS_ORDER) entry.counts[s] += point.counts[s];
    weeks.set(week, entry);
  }
  return [...weeks.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([week, entry]) => ({ week, ...entry }));
}

export interface FleetTrendsView {
  weeks: { week: string; services: number }[];
  findings: StackedBars;
}

/** The overview's weekly totals, oldest first; undefined below two weeks. */
export function fleetTrendsView(weeks: ReturnType<typeof fleetWeeks>): FleetTrendsView | undefined {
  const shown = weeks.slice(-TREND_LIMITS.weeks);
  if (shown.length < MIN_POINTS) return undefined;
  return {
    weeks: shown.map((w) => ({ week: w.week, services: w.services })),
    findings: stackedBars(
      shown.map((w) => ({ label: `week of ${w.week}`, short: w.week.slice(5), counts: w.counts })),
      'Fleet findings by status per week',
      'weeks',
    ),
  };
}

/** What the HTML reports of one scan show from history: each service's trends and the fleet's. */
export interface ReportTrends {
  services: Map<string, ServiceTrendsView>;
  fleet?: FleetTrendsView;
}
