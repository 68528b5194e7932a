// `continuity serve`: scheduled scans (node-cron), history, alerts and HTTP.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { Config, Schedule } from '../config/schema';
import { ESTATE_COLLECTORS } from '../engine/registry';
import { createScanCache } from '../engine/scan';
import { scanAndReport } from '../scan-and-report';
import type { EstateCollector } from '../engine/types';
import { openHistory } from '../history/open';
import { changesOf, driftSinceHistory, recordScan } from '../history/record';
import type { HistoryStore } from '../history/types';
import { CircuitBreakers, deliverPending, type CircuitState } from '../alerts/deliver';
import { createSinks } from '../alerts/sinks';
import type { AlertSink } from '../alerts/sinks/sink';
import type { Logger } from '../log';
import { zoneOf } from '../queue/boss';
import { registerQueueMetrics } from '../queue/metrics';
import { QueueScheduler } from '../queue/scheduler';
import { errorMessage } from '../secrets';
import { createHttpServer, type TriggerResult } from './http';
import { ServiceMetrics } from './metrics';

export interface ServiceOptions {
  config: Config;
  configPath: string | null;
  log: Logger;
  /** The clock scans and alerts read; tests drive it. */
  now?: () => Date;
  /** Waits between delivery retries; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Start the cron schedules (default true); tests may drive runService directly. */
  schedule?: boolean;
  /** Overrides config.serve.port (0: any free port). */
  port?: number;
}

export type RunOutcome = 'ok' | 'failed' | 'skipped_busy' | 'skipped_stopping' | 'abandoned' | 'queued' | 'coalesced';

export function scheduleOf(config: Config, service: string): Schedule {
  return config.services.find((s) => s.name === service)?.schedule ?? config.serve.schedule;
}

const CIRCUIT_GAUGE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

export class ContinuityService {
  readonly metrics = new ServiceMetrics();
  private store: HistoryStore | undefined;
  private server: http.Server | undefined;
  private sinks: AlertSink[] = [];
  private breakers = new CircuitBreakers(Number.POSITIVE_INFINITY, 0);
  /** The outcome of each service's last scan that ran. */
  private readonly lastOutcome = new Map<string, 'ok' | 'failed'>();
  private readonly tasks: ScheduledTask[] = [];
  /** Queue mode (config.queue): schedules and triggers become pg-boss jobs that workers run. */
  private queue: QueueScheduler | undefined;
  private readonly running = new Map<string, Promise<RunOutcome>>();
  private stopping = false;
  /** Set when shutdown gave up waiting: a late scan result is then not recorded. */
  private abandoned = false;
  private readonly now: () => Date;
  /** The estate collectors of the latest tick: the scans of one scheduled time share one estate collection. */
  private estate: { tick: number; collectors: EstateCollector[] } | undefined;

  constructor(private readonly options: ServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private get config(): Config {
    return this.options.config;
  }

  private get log(): Logger {
    return this.options.log;
  }

  get historyStore(): HistoryStore {
    if (!this.store) throw new Error('the service is not started');
    return this.store;
  }

  /** Open the history, serve HTTP and start the schedules. */
  async start(): Promise<{ host: string; port: number }> {
    this.store = await openHistory(this.config.history, this.log);
    this.sinks = createSinks(this.config.alerts, this.now);
    const { failures, openSeconds } = this.config.alerts.circuitBreaker;
    this.breakers = new CircuitBreakers(failures, openSeconds * 1000, (sink, state) => this.metrics.sinkCircuit.set({ sink }, CIRCUIT_GAUGE[state]));
    for (const sink of this.sinks) this.metrics.sinkCircuit.set({ sink: sink.name }, CIRCUIT_GAUGE.closed);
    for (const service of this.config.services) {
      const latest = await this.store.latestFor(service.name);
      if (latest) this.metrics.scanned(service.name, latest);
    }
    this.metrics.outboxPending.set((await this.store.pending()).length);
    const auth = this.config.serve.auth;
    const token = auth ? process.env[auth.tokenEnv] : undefined;
    if (auth && !token) {
      throw new Error(`serve.auth.tokenEnv names ${auth.tokenEnv}, which is not set or empty: export the token, or remove serve.auth`);
    }
    this.server = createHttpServer({
      store: this.store,
      metrics: this.metrics,
      outDir: this.config.serve.outDir,
      services: this.config.services.map((s) => s.name),
      health: () => this.health(),
      trigger: (services) => this.trigger(services, 'requested'),
      ...(auth && token ? { auth: { token, healthz: auth.healthz, metrics: auth.metrics } } : {}),
      log: this.log,
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? this.config.serve.port, this.config.serve.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    if (this.options.schedule !== false && this.config.queue) {
      // Queue mode: the schedules fire in pg-boss; scans at start are left to the schedules and POST /api/scans.
      this.queue = await QueueScheduler.start(this.config, this.log, (service) => scheduleOf(this.config, service));
      registerQueueMetrics(this.metrics.registry, this.queue.connection, [...new Set(this.config.services.map(zoneOf))]);
    } else if (this.options.schedule !== false) {
      const due: string[] = [];
      for (const service of this.config.services) {
        const schedule = scheduleOf(this.config, service.name);
        const task = cron.schedule(schedule.cron, (context) => this.runService(service.name, context.date), {
          name: `scan ${service.name}`,
          timezone: schedule.timezone,
          // A missed tick (process paused) is not made up: the next one scans.
          suppressMissedWarning: true,
        });
        this.tasks.push(task);
        this.log.info(
          { service: service.name, cron: schedule.cron, timezone: schedule.timezone, next: task.getNextRun()?.toISOString() },
          'scan scheduled',
        );
        if (this.config.serve.scanOnStart && (await this.dueAtStart(service.name, task))) due.push(service.name);
      }
      if (due.length > 0) this.trigger(due, 'start');
    }
    this.log.info({ host: address.address, port: address.port, history: this.store.description }, 'listening');
    return { host: address.address, port: address.port };
  }

  /**
   * Whether a service is scanned at start: unless its newest scan is younger
   * than its schedule's period (the time between two scheduled runs), so a
   * restart does not rescan what the schedule would not have rescanned yet.
   */
  private async dueAtStart(service: string, task: ScheduledTask): Promise<boolean> {
    const latest = (await this.historyStore.list({ service, limit: 1 }))[0];
    if (!latest) return true;
    const [next, after] = task.getNextRuns(2);
    const periodMs = next && after ? after.getTime() - next.getTime() : 0;
    const ageMs = this.now().getTime() - Date.parse(latest.finishedAt);
    if (ageMs < periodMs) {
      this.log.info({ service, lastScan: latest.scanId, finishedAt: latest.finishedAt }, 'scan at start skipped: the last scan is newer than the schedule period');
      return false;
    }
    return true;
  }

  /**
   * Start scans of these services in the background (at start, or asked over
   * HTTP), one tick for all so they share the estate collection. A service
   * already being scanned is reported busy, not scanned twice.
   */
  trigger(services: string[], reason: 'start' | 'requested'): TriggerResult {
    if (this.stopping) return { started: [], busy: [], stopping: true };
    const tick = this.now();
    const busy = services.filter((s) => this.running.has(s));
    const started = services.filter((s) => !this.running.has(s));
    for (const service of started) {
      this.log.info({ service, reason }, 'scan triggered');
      void this.runService(service, tick);
    }
    return { started, busy, stopping: false };
  }

  /**
   * Scan one service now, unless it is already being scanned or the service is
   * stopping. `tick` is the scheduled time: scans of the same tick share the
   * estate collection (AWS discovery) instead of listing the accounts once each.
   * In queue mode the scan is queued for a worker instead; a worker passes its
   * job: the job id makes the history commit idempotent, and the estate
   * collectors read what the tick's discovery jobs found.
   */
  runService(service: string, tick: Date = this.now(), job?: { id: string; estateCollectors?: EstateCollector[] }): Promise<RunOutcome> {
    if (this.stopping) return Promise.resolve('skipped_stopping');
    if (this.queue) return this.queue.trigger(service).then((id) => (id ? 'queued' : 'coalesced'));
    if (this.running.has(service)) {
      this.log.warn({ service }, 'scan skipped: the previous scan of this service is still running');
      this.metrics.scans.inc({ service, outcome: 'skipped_busy' });
      return Promise.resolve('skipped_busy');
    }
    const run = this.scanOnce(service, job?.estateCollectors ?? this.estateCollectors(tick), job?.id).finally(() => this.running.delete(service));
    this.running.set(service, run);
    return run;
  }

  /**
   * Estate collectors whose outcome is collected once per tick. Every scan still
   * carries the estate findings, so history and drift compare them as before.
   */
  private estateCollectors(tick: Date): EstateCollector[] {
    if (this.estate?.tick !== tick.getTime()) {
      const once = createScanCache();
      this.estate = {
        tick: tick.getTime(),
        collectors: ESTATE_COLLECTORS.map((c) => ({ ...c, collect: (ctx) => once.once(c.kind, () => c.collect(ctx)) })),
      };
    }
    return this.estate.collectors;
  }

  private async scanOnce(service: string, estateCollectors: EstateCollector[], jobId?: string): Promise<RunOutcome> {
    const store = this.historyStore;
    const log = this.log.child({ service });
    log.info('scan started');
    let outcome: RunOutcome;
    try {
      let drift: Awaited<ReturnType<typeof driftSinceHistory>> = [];
      const { scan } = await scanAndReport({
        config: this.config,
        configPath: this.options.configPath,
        log,
        outDir: path.join(this.config.serve.outDir, service),
        formats: this.config.serve.formats,
        frameworks: this.config.serve.frameworks,
        services: [service],
        estateCollectors,
        now: this.now,
        beforeReports: async (result) => {
          drift = await driftSinceHistory(store, result);
          const changes = changesOf(drift);
          if (changes) result.changes = changes;
        },
        reportHistory: () => store,
      });
      if (this.abandoned) {
        log.warn({ scanId: scan.scanId }, 'scan finished after shutdown gave up on it: not recorded');
        outcome = 'abandoned';
      } else {
        const recorded = await recordScan(store, scan, drift, this.config.alerts, jobId);
        if (recorded.duplicate) {
          log.warn({ scanId: scan.scanId, job: jobId }, 'scan not recorded: an earlier run of this job recorded its scan');
        } else {
          this.metrics.scanned(service, scan);
          this.metrics.drift(drift.flatMap((d) => d.events));
          log.info({ scanId: scan.scanId, totals: scan.totals, events: recorded.events, queued: recorded.queued }, 'scan recorded');
        }
        outcome = 'ok';
      }
    } catch (error) {
      log.error({ err: errorMessage(error) }, 'scan failed');
      outcome = 'failed';
    }
    this.metrics.scans.inc({ service, outcome });
    if (outcome === 'ok' || outcome === 'failed') this.lastOutcome.set(service, outcome);
    // Earlier undelivered alerts are retried on every run, even after a failed scan.
    if (!this.abandoned) await this.deliver();
    return outcome;
  }

  /** Not ok while stopping, or when the last scan of every service that ran failed (a service that cannot scan must not look healthy). */
  health(): { status: 'ok' | 'stopping' | 'failing'; running: string[]; failing?: string[] } {
    const running = [...this.running.keys()];
    if (this.stopping) return { status: 'stopping', running };
    const failing = [...this.lastOutcome].filter(([, outcome]) => outcome === 'failed').map(([service]) => service);
    if (this.lastOutcome.size > 0 && failing.length === this.lastOutcome.size) return { status: 'failing', running, failing };
    return { status: 'ok', running };
  }

  /** Deliver what the outbox holds. */
  async deliver(): Promise<void> {
    const store = this.historyStore;
    try {
      await deliverPending(store, this.sinks, {
        ...this.config.alerts.retry,
        budgetMs: this.config.alerts.deliveryBudgetSeconds * 1000,
        breakers: this.breakers,
        timeoutMs: this.config.alerts.timeoutMs,
        log: this.log,
        now: this.now,
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        onAttempt: ({ sink, ok }) => (ok ? this.metrics.deliveries : this.metrics.deliveryFailures).inc({ sink }),
      });
      this.metrics.outboxPending.set((await store.pending()).length);
      // An open circuit becomes half-open with time alone: shown as it will act on the next run.
      for (const sink of this.sinks) this.metrics.sinkCircuit.set({ sink: sink.name }, CIRCUIT_GAUGE[this.breakers.state(sink.name, this.now().getTime())]);
    } catch (error) {
      this.log.error({ err: errorMessage(error) }, 'alert delivery failed');
    }
  }

  /** Resolves when no scan is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Stop: no new scans, wait up to the grace period for running ones (their
   * results are recorded), abandon the rest, close HTTP and the history.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const task of this.tasks) await task.destroy();
    await this.queue?.stop();
    const graceMs = this.config.serve.shutdownGraceSeconds * 1000;
    if (this.running.size > 0) {
      this.log.info({ running: [...this.running.keys()], graceMs }, 'waiting for running scans');
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        this.idle().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!finished) {
        this.abandoned = true;
        this.log.warn({ running: [...this.running.keys()] }, 'abandoning running scans: their results are not recorded');
      }
    }
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await Promise.all(this.sinks.map((s) => s.close?.()));
    await this.store?.close();
    this.log.info('stopped');
  }
}
