// Queue-mode metrics: scan and discovery queue depths per zone (read from
// PostgreSQL at scrape time, so any serve or worker process reports the same
// numbers), and this process's scan job durations and retries.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QueueConnection } from './boss';
import { zoneDepths } from './jobs';

export interface QueueJobMetrics {
  durations: Histogram<'zone' | 'outcome'>;
  retries: Counter<'zone'>;
}

export function registerQueueMetrics(registry: Registry, queue: QueueConnection, zones: string[]): QueueJobMetrics {
  let depths: ReturnType<typeof zoneDepths> | undefined;
  // The gauges of one scrape share one query.
  const read = () => {
    depths ??= zoneDepths(queue, zones).finally(() => setImmediate(() => (depths = undefined)));
    return depths;
  };
  const gauge = (name: string, help: string, value: (d: Awaited<ReturnType<typeof zoneDepths>>[number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['zone'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const depth of await read()) {
          const v = value(depth);
          if (v !== null) this.set({ zone: depth.zone }, v);
        }
      },
    });
  gauge('continuity_queue_jobs_queued', 'Scan jobs waiting for a worker, per zone.', (d) => d.queued);
  gauge('continuity_queue_jobs_running', 'Scan jobs a worker is running, per zone.', (d) => d.running);
  gauge('continuity_queue_jobs_retrying', 'Scan jobs that failed and wait for their next attempt, per zone.', (d) => d.retrying);
  gauge('continuity_queue_dead_letters', 'Scan jobs that exhausted their retries (continuity jobs --failed).', (d) => d.deadLetters);
  gauge(
    'continuity_queue_oldest_queued_seconds',
    'Age of the oldest queued scan job per zone (0 when none): growing when no worker of the zone is alive.',
    (d) => d.oldestQueuedSeconds ?? 0,
  );
  gauge('continuity_queue_discovery_jobs_queued', 'Discovery jobs (one per account or context and tick) waiting for a worker, per zone.', (d) => d.discovery.queued);
  gauge('continuity_queue_discovery_jobs_running', 'Discovery jobs a worker is running, per zone.', (d) => d.discovery.running);
  gauge('continuity_queue_discovery_jobs_retrying', 'Discovery jobs that failed or were lost and wait for their next attempt, per zone.', (d) => d.discovery.retrying);
  gauge(
    'continuity_queue_discovery_jobs_failed',
    'Discovery jobs that exhausted their retries (continuity jobs --failed): the scans of their tick reported their account or context as not listed.',
    (d) => d.discovery.failed,
  );
  gauge(
    'continuity_queue_discovery_oldest_queued_seconds',
    'Age of the oldest queued discovery job per zone (0 when none): growing when the workers of the zone are gone or their discovery slots are all busy.',
    (d) => d.discovery.oldestQueuedSeconds ?? 0,
  );
  return {
    durations: new Histogram({
      name: 'continuity_job_duration_seconds',
      help: 'Scan jobs run by this process, by outcome.',
      labelNames: ['zone', 'outcome'],
      buckets: [1, 5, 15, 60, 300, 900, 3600],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'continuity_job_retries_total',
      help: 'Scan jobs this process started that were retries of an earlier failed or lost attempt.',
      labelNames: ['zone'],
      registers: [registry],
    }),
  };
}
