// Queue mode, the serve side: the schedules live in pg-boss (its cron fires
// once per minute across every serve replica), and each tick or trigger of a
// service becomes one scan job on its zone's queue.
import { createHash } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Config, Schedule } from '../config/schema';
import type { Logger } from '../log';
import { errorMessage } from '../secrets';
import { enqueueScan, ensureZoneQueues, openQueue, serialised, tickJobId, zoneOf, type QueueConnection } from './boss';

const TICK_QUEUE_PREFIX = 'continuity-tick-';

/** One tick queue per distinct schedule (pg-boss 10 keeps one schedule per queue). */
export function tickQueue(schedule: Schedule): string {
  return `${TICK_QUEUE_PREFIX}${createHash('sha256').update(`${schedule.cron}\n${schedule.timezone}`).digest('hex').slice(0, 16)}`;
}

interface TickData {
  cron: string;
  timezone: string;
}

export class QueueScheduler {
  private constructor(
    private readonly queue: QueueConnection,
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  /** Connect, create the queues, replace the schedules with this config's, and handle the ticks. */
  static async start(config: Config, log: Logger, scheduleOf: (service: string) => Schedule): Promise<QueueScheduler> {
    const queue = await openQueue(config, log, { schedule: true, name: 'continuity-serve' });
    const scheduler = new QueueScheduler(queue, config, log);
    try {
      await ensureZoneQueues(queue, config.services.map(zoneOf));
      const ticks = new Map<string, { schedule: Schedule; services: string[] }>();
      for (const service of config.services) {
        const schedule = scheduleOf(service.name);
        const name = tickQueue(schedule);
        const entry = ticks.get(name) ?? { schedule, services: [] };
        entry.services.push(service.name);
        ticks.set(name, entry);
      }
      await serialised(queue.pool, async () => {
        for (const stale of await queue.boss.getSchedules()) {
          if (stale.name.startsWith(TICK_QUEUE_PREFIX) && !ticks.has(stale.name)) await queue.boss.unschedule(stale.name);
        }
        for (const [name, { schedule }] of ticks) {
          // A tick job lost by a killed serve is retried by another; its scan jobs have stable ids.
          await queue.boss.createQueue(name, { name, policy: 'standard', retryLimit: 5, retryDelay: 5, expireInSeconds: 300 });
          const data: TickData = { cron: schedule.cron, timezone: schedule.timezone };
          await queue.boss.schedule(name, schedule.cron, data, { tz: schedule.timezone });
        }
      });
      for (const [name, { schedule, services }] of ticks) {
        await queue.boss.work<TickData>(name, { pollingIntervalSeconds: queue.settings.pollingIntervalSeconds }, (jobs) =>
          scheduler.onTick(jobs, services),
        );
        log.info({ services, cron: schedule.cron, timezone: schedule.timezone, queue: name }, 'scan scheduled (queue mode)');
      }
    } catch (error) {
      await queue.close();
      throw error;
    }
    return scheduler;
  }

  private async onTick(jobs: PgBoss.Job<TickData>[], services: string[]): Promise<void> {
    for (const job of jobs) {
      // One tick time for all its scans: they share the tick's discovery jobs (src/queue/discovery.ts).
      const tick = new Date().toISOString();
      for (const service of services) {
        const id = await enqueueScan(this.queue, this.config, { service, tick }, { id: tickJobId(job.id, service) });
        this.log.info({ service, job: id ?? undefined, coalesced: id === null }, id ? 'scan queued' : 'scan not queued: one is already queued or running');
      }
    }
  }

  /** Queue a scan now; null when one is already queued or running (coalesced). */
  async trigger(service: string): Promise<string | null> {
    try {
      return await enqueueScan(this.queue, this.config, { service });
    } catch (error) {
      this.log.error({ service, err: errorMessage(error) }, 'could not queue the scan');
      throw error;
    }
  }

  get connection(): QueueConnection {
    return this.queue;
  }

  async stop(): Promise<void> {
    await this.queue.close();
  }
}
