// Queue mode, the worker side: `continuity worker --zone Z --concurrency N`
// takes scan jobs of zone Z only, runs each like serve runs a scheduled scan
// (history commit idempotent by job id, alerts claimed before sending) and
// serves /healthz and /metrics.
import type PgBoss from 'pg-boss';
import type { Config } from '../config/schema';
import type { Logger } from '../log';
import { errorMessage } from '../secrets';
import { ContinuityService } from '../service/serve';
import { ensureZoneQueues, openQueue, scanQueue, zoneOf, type QueueConnection, type ScanJobData } from './boss';
import { discoveryQueue, ensureDiscoveryQueue, SharedDiscovery, type DiscoveryJobData } from './discovery';
import { registerQueueMetrics, type QueueJobMetrics } from './metrics';

/** Discovery jobs one worker runs at a time, beside its scans. */
const DISCOVERY_SLOTS = 2;

export interface WorkerOptions {
  config: Config;
  configPath: string | null;
  zone: string;
  concurrency: number;
  log: Logger;
  /** Overrides config.serve.port for /healthz and /metrics (0: any free port). */
  port?: number;
  now?: () => Date;
}

export class QueueWorker {
  private constructor(
    private readonly options: WorkerOptions,
    readonly service: ContinuityService,
    private readonly queue: QueueConnection,
    private readonly metrics: QueueJobMetrics,
    private readonly discovery: SharedDiscovery,
  ) {}

  static async start(options: WorkerOptions): Promise<{ worker: QueueWorker; host: string; port: number }> {
    const { config, zone, log } = options;
    const service = new ContinuityService({
      config,
      configPath: options.configPath,
      log,
      schedule: false,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    let queue: QueueConnection | undefined;
    try {
      const address = await service.start();
      queue = await openQueue(config, log, { schedule: false, name: `continuity-worker-${zone}` });
      await ensureZoneQueues(queue, [zone]);
      await ensureDiscoveryQueue(queue, zone);
      const discovery = new SharedDiscovery(queue, config, zone, log);
      const worker = new QueueWorker(options, service, queue, registerQueueMetrics(service.metrics.registry, queue, [zone]), discovery);
      // Discovery jobs have slots of their own: scans waiting for a discovery never hold the slot it needs.
      for (let i = 0; i < DISCOVERY_SLOTS; i++) {
        await queue.boss.work<DiscoveryJobData>(
          discoveryQueue(zone),
          { batchSize: 1, pollingIntervalSeconds: queue.settings.pollingIntervalSeconds },
          ([job]) => discovery.run(job!),
        );
      }
      for (let i = 0; i < options.concurrency; i++) {
        await queue.boss.work<ScanJobData>(
          scanQueue(zone),
          { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: queue.settings.pollingIntervalSeconds },
          ([job]) => worker.run(job!),
        );
      }
      log.info({ zone, concurrency: options.concurrency, queue: scanQueue(zone) }, 'worker started');
      return { worker, ...address };
    } catch (error) {
      await queue?.close();
      await service.stop();
      throw error;
    }
  }

  /** One scan job; throwing fails the attempt, which pg-boss retries with backoff, then dead-letters. */
  private async run(job: PgBoss.JobWithMetadata<ScanJobData>): Promise<{ outcome: string }> {
    const { zone, config, log } = this.options;
    const name = job.data.service;
    const service = config.services.find((s) => s.name === name);
    if (!service) throw new Error(`no service named ${name} in this worker's configuration`);
    if (zoneOf(service) !== zone) throw new Error(`service ${name} is in zone ${zoneOf(service)}, not ${zone}: check the configurations`);
    if (job.retryCount > 0) this.metrics.retries.inc({ zone });
    log.info({ service: name, job: job.id, attempt: job.retryCount + 1 }, 'scan job started');
    const started = Date.now();
    const { tick } = job.data;
    // A scheduled scan reads the estate its tick's discovery jobs found; a triggered one collects it itself.
    const outcome = await this.service.runService(name, tick ? new Date(tick) : undefined, {
      id: job.id,
      ...(tick ? { estateCollectors: this.discovery.collectorsFor(tick) } : {}),
    });
    this.metrics.durations.observe({ zone, outcome }, (Date.now() - started) / 1000);
    if (outcome !== 'ok') throw new Error(`scan of ${name}: ${outcome}`);
    return { outcome };
  }

  /**
   * SIGTERM: take no new job; running scans get serve.shutdownGraceSeconds to
   * finish and be recorded; the rest are abandoned (not recorded) and their
   * jobs failed now, so another worker retries them without waiting for expiry.
   */
  async stop(): Promise<void> {
    try {
      await this.queue.boss.offWork(scanQueue(this.options.zone));
      await this.queue.boss.offWork(discoveryQueue(this.options.zone));
    } catch (error) {
      this.options.log.warn({ err: errorMessage(error) }, 'could not stop taking jobs');
    }
    await this.service.stop();
    await this.queue.boss.stop({ graceful: true, timeout: 1000, close: false, wait: true });
    await this.queue.close();
  }
}
