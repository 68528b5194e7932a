// Trends from history: the points of a service per scan, the views the charts
// draw (only from two scans on), and the fleet's totals per week.
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model';
import { renderOverviewHtml, renderServiceHtml } from '../../src/report/html';
import { fleetTrendsView, fleetWeeks, serviceTrendPoint, serviceTrendsView, weekOf } from '../../src/report/trends';
import { buildFleetScan } from '../support/fleet';

function scanAt(iso: string, scanId: string, failToPass = 0): ScanResult {
  const scan = buildFleetScan({ services: 2, datastoresPerService: 2, now: new Date(iso) });
  scan.scanId = scanId;
  for (const service of scan.services) {
    for (const f of service.findings.filter((x) => x.status === 'fail').slice(0, failToPass)) f.status = 'pass';
  }
  return scan;
}

/** An RDS instance whose retention check states its window in days (BackupRetentionPeriod, better higher). */
function withRdsWindow(scan: ScanResult, days: number): ScanResult {
  const service = scan.services[0]!;
  service.datastores.push({ name: 'ledger-rds', type: 'rds-instance', environment: 'production', pitr: `automated backups, ${days} days`, durationMs: 5 });
  service.findings.push({
    checkId: 'rds.pitr-retention',
    service: service.name,
    datastore: 'ledger-rds',
    resource: 'ledger-rds',
    status: days >= 30 ? 'pass' : 'fail',
    severity: 'high',
    message: `retention ${days} days`,
    evidence: [{ source: 'rds:DescribeDBInstances', field: 'BackupRetentionPeriod', value: days }],
    remediation: 'raise the retention',
  });
  return scan;
}

describe('trends', () => {
  it('a service point counts its findings by status, its answers by row and its datastores recovery', () => {
    const scan = withRdsWindow(scanAt('2026-03-02T06:00:00Z', 'a'), 7);
    const service = scan.services[0]!;
    const point = serviceTrendPoint(scan, service.name)!;
    expect(Object.values(point.counts).reduce((n, c) => n + c, 0)).toBe(service.findings.length);
    expect(point.counts.fail).toBe(service.findings.filter((f) => f.status === 'fail').length);
    expect(point.answers.map((a) => a.row)).toContain('backups');
    expect(point.recovery.find((r) => r.datastore === 'ledger-rds')).toEqual({ datastore: 'ledger-rds', status: 'fail', line: 'automated backups, 7 days', days: 7 });
    // A postgres datastore states no window in days: its cell carries the status of its recovery checks only.
    expect(point.recovery[0]!.days).toBeUndefined();
    expect(serviceTrendPoint(scan, 'not-in-this-scan')).toBeUndefined();
  });

  it('draws nothing from one scan, and bars, strips and recovery windows from two', () => {
    const older = withRdsWindow(scanAt('2026-02-23T06:00:00Z', 'older'), 7);
    const newer = withRdsWindow(scanAt('2026-03-02T06:00:00Z', 'newer', 5), 35);
    const name = older.services[0]!.name;
    expect(serviceTrendsView([serviceTrendPoint(older, name)!])).toBeUndefined();
    const view = serviceTrendsView([serviceTrendPoint(older, name)!, serviceTrendPoint(newer, name)!])!;
    expect(view.scans.map((s) => s.label)).toEqual(['2026-02-23', '2026-03-02']);
    const fails = view.findings.table.find((t) => t.status === 'fail')!.counts;
    expect(fails[0]! - fails[1]!).toBe(5 + 1); // five failures turned to passes, and the RDS retention now passes
    // Bars stack to their totals within the chart's height.
    for (const bar of view.findings.bars) {
      expect(bar.segments.reduce((n, s) => n + s.count, 0)).toBe(bar.total);
      expect(Math.min(...bar.segments.map((s) => s.y))).toBeGreaterThanOrEqual(0);
    }
    expect(view.rows.map((r) => r.anchor)).toContain('q-backups');
    const rds = view.recovery.find((r) => r.label === 'ledger-rds')!;
    expect(rds.cells.map((c) => [c.status, c.text])).toEqual([
      ['fail', '7 d'],
      ['pass', '35 d'],
    ]);

    const html = renderServiceHtml(newer, newer.services[0]!, { trends: view });
    expect(html).toContain('<section id="trends"');
    expect(html).toContain(`<desc id="trend-findings-desc">${view.findings.summary}</desc>`);
    expect(html).toContain('title="2026-03-02: automated backups, 35 days"');
    expect(html).toContain('<tr><th scope="row">ledger-rds</th>');
    // Each bar's total is written just above its stack.
    for (const bar of view.findings.bars) expect(html).toContain(`<text class="total" x="${bar.cx}" y="${Math.min(...bar.segments.map((s) => s.y))}" dy="-3">${bar.total}</text>`);
    expect(renderServiceHtml(newer, newer.services[0]!)).not.toContain('<section id="trends"');
  });

  it('fleet totals per week count each service once a week, from its newest scan of that week', () => {
    expect(weekOf('2026-03-01T23:59:00Z')).toBe('2026-02-23'); // a Sunday belongs to the week of the Monday before
    expect(weekOf('2026-03-02T00:00:00Z')).toBe('2026-03-02');
    const monday = scanAt('2026-03-02T06:00:00Z', 'monday');
    const friday = scanAt('2026-03-06T06:00:00Z', 'friday', 3);
    const next = scanAt('2026-03-09T06:00:00Z', 'next', 6);
    const names = monday.services.map((s) => s.name);
    const points = [monday, friday, next].flatMap((scan) => names.map((service) => ({ service, point: serviceTrendPoint(scan, service)! })));
    const weeks = fleetWeeks(points);
    expect(weeks.map((w) => [w.week, w.services])).toEqual([
      ['2026-03-02', 2],
      ['2026-03-09', 2],
    ]);
    const failsOf = (scan: ScanResult) => scan.services.flatMap((s) => s.findings).filter((f) => f.status === 'fail').length;
    expect(weeks.map((w) => w.counts.fail)).toEqual([failsOf(friday), failsOf(next)]);
    expect(fleetTrendsView(weeks.slice(0, 1))).toBeUndefined();
    const view = fleetTrendsView(weeks)!;
    expect(renderOverviewHtml(next, { trends: view })).toContain('aria-labelledby="trend-fleet-title trend-fleet-desc"');
  });
});
