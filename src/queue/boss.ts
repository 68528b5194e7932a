// Queue mode (docs/scaling.md): pg-boss on PostgreSQL, one scan queue per zone
// with its dead-letter queue. What serve (scheduler), workers and `continuity
// jobs` share: the connection, the queue names and how a scan job is sent.
import { createHash } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Config, QueueSettings } from '../config/schema';
import type { Logger } from '../log';
import { displayUrl, errorMessage, registerUrlSecrets } from '../secrets';

const SCAN_QUEUE_PREFIX = 'continuity-scan-';
const DEAD_SUFFIX = '-dead';

export const DEFAULT_ZONE = 'default';

export function zoneOf(service: { zone?: string | undefined }): string {
  return service.zone ?? DEFAULT_ZONE;
}

export function scanQueue(zone: string): string {
  return `${SCAN_QUEUE_PREFIX}${zone}`;
}

export function deadLetterQueue(zone: string): string {
  return `${scanQueue(zone)}${DEAD_SUFFIX}`;
}

/** The zone a scan or dead-letter queue serves; undefined for other queues. */
export function zoneOfQueue(name: string): { zone: string; dead: boolean } | undefined {
  if (!name.startsWith(SCAN_QUEUE_PREFIX)) return undefined;
  const rest = name.slice(SCAN_QUEUE_PREFIX.length);
  return rest.endsWith(DEAD_SUFFIX) ? { zone: rest.slice(0, -DEAD_SUFFIX.length), dead: true } : { zone: rest, dead: false };
}

/** What a scan job carries. */
export interface ScanJobData {
  service: string;
  /** The scheduled time (ISO) when a schedule sent the job; absent for a trigger. */
  tick?: string;
}

export interface QueueConnection {
  boss: PgBoss;
  pool: pg.Pool;
  schema: string;
  settings: QueueSettings;
  close(): Promise<void>;
}

/** The queue database: queue.url, else the history store's. */
export function queueUrl(config: Config): string {
  const url = config.queue?.url ?? config.history.url;
  if (!config.queue || !url) throw new Error('queue mode is not configured (queue, history.url)');
  return url;
}

/**
 * Connect and start pg-boss (creating or migrating its schema). `schedule`:
 * this process runs pg-boss's cron monitor (serve); serve and workers
 * supervise (expiry, retention), one at a time under pg-boss's own lock.
 */
export async function openQueue(
  config: Config,
  log: Logger,
  options: { schedule: boolean; supervise?: boolean; name: string },
): Promise<QueueConnection> {
  const url = queueUrl(config);
  const settings = config.queue!;
  registerUrlSecrets(url);
  const pool = new pg.Pool({ connectionString: url, max: 6, application_name: options.name });
  pool.on('error', (error) => log.warn({ err: errorMessage(error) }, 'queue connection lost'));
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) },
    schema: settings.schema,
    schedule: options.schedule,
    supervise: options.supervise ?? true,
    maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds,
    // Cron is checked twice a minute by default: schedules fire within seconds of their minute.
    cronMonitorIntervalSeconds: 10,
  });
  boss.on('error', (error: Error) => log.warn({ err: errorMessage(error) }, 'queue error'));
  try {
    await serialised(pool, () => boss.start());
  } catch (error) {
    await pool.end();
    throw new Error(`queue ${displayUrl(url)}: ${errorMessage(error)}`);
  }
  return {
    boss,
    pool,
    schema: settings.schema,
    settings,
    close: async () => {
      await boss.stop({ graceful: false, close: false, wait: true });
      await pool.end();
    },
  };
}

/**
 * Run queue setup (pg-boss start, queue creation, schedules) one process at a
 * time: pg-boss 10 creates a table per queue, and processes starting together
 * (serve replicas and workers after a deploy) otherwise deadlock on it.
 */
export async function serialised<T>(pool: pg.Pool, setup: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', ['continuity queue setup']);
    try {
      return await setup();
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', ['continuity queue setup']);
    }
  } finally {
    client.release();
  }
}

/** Create (or update to the configured retries) the scan and dead-letter queues of these zones. */
export async function ensureZoneQueues(queue: QueueConnection, zones: Iterable<string>): Promise<void> {
  await serialised(queue.pool, () => createZoneQueues(queue, zones));
}

async function createZoneQueues(queue: QueueConnection, zones: Iterable<string>): Promise<void> {
  const { retry } = queue.settings;
  for (const zone of new Set(zones)) {
    await queue.boss.createQueue(deadLetterQueue(zone), { name: deadLetterQueue(zone), policy: 'standard' });
    const options = {
      name: scanQueue(zone),
      // One queued and one running job per singleton key at most; enqueueScan coalesces further.
      policy: 'stately' as const,
      retryLimit: retry.limit,
      retryDelay: retry.delaySeconds,
      retryBackoff: retry.backoff,
      deadLetter: deadLetterQueue(zone),
    };
    await queue.boss.createQueue(scanQueue(zone), options);
    await queue.boss.updateQueue(scanQueue(zone), options);
  }
}

/**
 * How long a scan job may run before it counts as lost (its worker killed) and
 * is retried: the longest datastore timeout times the rounds the service's
 * datastores take at scan.concurrency, plus time for drift, reports and commit.
 */
export function expireSecondsOf(config: Config, service: string): number {
  if (config.queue?.expireSeconds) return config.queue.expireSeconds;
  const datastores = config.services.find((s) => s.name === service)?.datastores.length ?? 0;
  const rounds = Math.max(1, Math.ceil(datastores / config.scan.concurrency));
  return Math.ceil(config.scan.datastoreTimeoutSeconds * rounds) + 300;
}

/** A job id (UUID form) that is the same for the same parts: a job sent twice under it is queued once. */
export function stableJobId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A stable job id for a service's scan of one schedule tick: a tick handled twice sends one job. */
export function tickJobId(tickJobId: string, service: string): string {
  return stableJobId(tickJobId, service);
}

/**
 * Queue a scan of `service`, unless one is already queued or running (then the
 * trigger is coalesced and null returned). The check and the insert hold a
 * per-service advisory lock, so two serve replicas cannot both queue one.
 */
export async function enqueueScan(
  queue: QueueConnection,
  config: Config,
  data: ScanJobData,
  options: { id?: string } = {},
): Promise<string | null> {
  const service = config.services.find((s) => s.name === data.service);
  if (!service) throw new Error(`no service named ${data.service} in the configuration`);
  const name = scanQueue(zoneOf(service));
  const client = await queue.pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`continuity scan ${service.name}`]);
    const { rows } = await client.query(
      `select 1 from ${queue.schema}.job where name like 'continuity-scan-%' and name not like '%-dead'
         and singleton_key = $1 and state < 'completed' limit 1`,
      [service.name],
    );
    const id =
      rows.length > 0
        ? null
        : await queue.boss.send(name, data, {
            singletonKey: service.name,
            expireInSeconds: expireSecondsOf(config, service.name),
            ...(options.id ? { id: options.id } : {}),
            db: { executeSql: (text: string, values?: unknown[]) => client.query(text, values) },
          });
    await client.query('commit');
    return id;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
