// Prometheus metrics of `continuity serve` (prom-client, text exposition format).
import { Counter, Gauge, Registry } from 'prom-client';
import type { DriftEvent, ScanResult } from '../model';

export class ServiceMetrics {
  readonly registry = new Registry();
  /** The newest scan of each service, which the findings gauge reports. */
  private readonly latest = new Map<string, ScanResult>();

  private readonly lastScanTime = new Gauge({
    name: 'continuity_last_scan_timestamp_seconds',
    help: 'When the newest scan of the service finished (Unix time).',
    labelNames: ['service'],
    registers: [this.registry],
  });
  private readonly lastScanDuration = new Gauge({
    name: 'continuity_last_scan_duration_seconds',
    help: 'How long the newest scan of the service took.',
    labelNames: ['service'],
    registers: [this.registry],
  });
  readonly scans = new Counter({
    name: 'continuity_scans_total',
    help: 'Scans started by this process, by outcome (ok, failed, skipped_busy, abandoned).',
    labelNames: ['service', 'outcome'],
    registers: [this.registry],
  });
  readonly driftEvents = new Counter({
    name: 'continuity_drift_events_total',
    help: 'Drift events found by scans of this process.',
    labelNames: ['service', 'type'],
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'continuity_alert_deliveries_total',
    help: 'Alert messages accepted by a sink.',
    labelNames: ['sink'],
    registers: [this.registry],
  });
  readonly deliveryFailures = new Counter({
    name: 'continuity_alert_delivery_failures_total',
    help: 'Failed alert delivery attempts (each retry counts).',
    labelNames: ['sink'],
    registers: [this.registry],
  });
  /** 0 closed, 1 half-open (the next delivery is a trial), 2 open (the sink is left alone). */
  readonly sinkCircuit = new Gauge({
    name: 'continuity_alert_sink_circuit_state',
    help: "Each alert sink's circuit breaker: 0 closed, 1 half-open, 2 open.",
    labelNames: ['sink'],
    registers: [this.registry],
  });
  readonly outboxPending = new Gauge({
    name: 'continuity_alert_outbox_pending',
    help: 'Alert messages not yet delivered, kept for the next run.',
    registers: [this.registry],
  });

  constructor() {
    const latest = this.latest;
    new Gauge({
      name: 'continuity_findings',
      help: 'Findings of the newest scan of each service, by status, severity and check.',
      labelNames: ['service', 'status', 'severity', 'check'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [service, scan] of latest) {
          for (const finding of scan.services.find((s) => s.name === service)?.findings ?? []) {
            this.inc({ service, status: finding.status, severity: finding.severity, check: finding.checkId });
          }
        }
      },
    });
  }

  scanned(service: string, scan: ScanResult): void {
    this.latest.set(service, scan);
    const finished = Date.parse(scan.finishedAt);
    this.lastScanTime.set({ service }, finished / 1000);
    this.lastScanDuration.set({ service }, (finished - Date.parse(scan.startedAt)) / 1000);
  }

  drift(events: DriftEvent[]): void {
    for (const e of events) this.driftEvents.inc({ service: e.service, type: e.type });
  }
}
