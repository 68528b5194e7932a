// What the scan and discovery queues hold, for `continuity jobs` and /metrics:
// queued and running jobs per zone with the oldest queued job's age (a zone
// with no live worker shows as a growing age), failures, dead letters; and the
// retry of one.
import type { Config } from '../config/schema';
import type { QueueConnection, ScanJobData } from './boss';
import { deadLetterQueue, enqueueScan, scanQueue, zoneOfQueue } from './boss';
import { discoveryQueue, zoneOfDiscoveryQueue, type DiscoveryJobData } from './discovery';

/** The jobs of one queue by state, and the age of its oldest queued job (null: none queued). */
export interface QueueDepth {
  queued: number;
  running: number;
  retrying: number;
  failed: number;
  oldestQueuedSeconds: number | null;
}

/** A zone's scan queue, its dead letters, and its discovery queue. */
export interface ZoneDepth extends QueueDepth {
  zone: string;
  deadLetters: number;
  discovery: QueueDepth;
}

export interface JobRow {
  id: string;
  zone: string;
  kind: 'scan' | 'discovery';
  deadLetter: boolean;
  /** The service a scan job scans; null for a discovery job. */
  service: string | null;
  /** What a discovery job lists (an estate collector, its scope: an account, a context) for which tick; null for a scan job. */
  discovery: { collector: string; scope: string; tick: string } | null;
  state: string;
  retryCount: number;
  createdOn: string;
  startedOn: string | null;
  completedOn: string | null;
  error: string | null;
}

/** The zone and kind of a continuity queue; undefined for other queues. */
function queueKind(name: string): { zone: string; kind: JobRow['kind']; deadLetter: boolean } | undefined {
  const scan = zoneOfQueue(name);
  if (scan) return { zone: scan.zone, kind: 'scan', deadLetter: scan.dead };
  const zone = zoneOfDiscoveryQueue(name);
  return zone === undefined ? undefined : { zone, kind: 'discovery', deadLetter: false };
}

const emptyDepth = (): QueueDepth => ({ queued: 0, running: 0, retrying: 0, failed: 0, oldestQueuedSeconds: null });

/** Per zone: every zone with a scan or discovery queue, plus `zones` (those of the config) even when empty. */
export async function zoneDepths(queue: QueueConnection, zones: string[] = []): Promise<ZoneDepth[]> {
  const { rows } = await queue.pool.query<{ name: string; state: string; n: string; oldest: number | null }>(
    `select q.name, j.state::text as state, count(j.id) as n,
            extract(epoch from now() - min(j.created_on) filter (where j.state = 'created')) as oldest
     from ${queue.schema}.queue q left join ${queue.schema}.job j on j.name = q.name
     where q.name like 'continuity-scan-%' or q.name like 'continuity-discovery-%'
     group by q.name, j.state`,
  );
  const byZone = new Map<string, ZoneDepth>();
  const of = (zone: string): ZoneDepth => {
    let depth = byZone.get(zone);
    if (!depth) {
      depth = { zone, ...emptyDepth(), deadLetters: 0, discovery: emptyDepth() };
      byZone.set(zone, depth);
    }
    return depth;
  };
  for (const zone of zones) of(zone);
  for (const row of rows) {
    const queueOf = queueKind(row.name);
    if (!queueOf) continue;
    const zoneDepth = of(queueOf.zone);
    const n = Number(row.n);
    if (queueOf.deadLetter) {
      // A dead letter is settled once retried from the CLI (deleted) or completed.
      if (row.state === 'created' || row.state === 'retry' || row.state === 'active') zoneDepth.deadLetters += n;
      continue;
    }
    const depth = queueOf.kind === 'scan' ? zoneDepth : zoneDepth.discovery;
    if (row.state === 'created') {
      depth.queued += n;
      if (row.oldest !== null) depth.oldestQueuedSeconds = Math.max(depth.oldestQueuedSeconds ?? 0, Number(row.oldest));
    } else if (row.state === 'active') depth.running += n;
    else if (row.state === 'retry') depth.retrying += n;
    else if (row.state === 'failed') depth.failed += n;
  }
  return [...byZone.values()].sort((a, b) => a.zone.localeCompare(b.zone));
}

/** Jobs of the scan and discovery queues, newest first: not finished, or with `failed` only failed jobs and dead letters. */
export async function listJobs(queue: QueueConnection, filter: { zone?: string; failed?: boolean; limit?: number } = {}): Promise<JobRow[]> {
  const names = filter.zone ? [scanQueue(filter.zone), deadLetterQueue(filter.zone), discoveryQueue(filter.zone)] : null;
  const { rows } = await queue.pool.query<{
    id: string;
    name: string;
    data: ScanJobData | DiscoveryJobData;
    state: string;
    retry_count: number;
    created_on: Date;
    started_on: Date | null;
    completed_on: Date | null;
    output: { message?: string } | null;
  }>(
    `select id, name, data, state::text as state, retry_count, created_on, started_on, completed_on, output
     from ${queue.schema}.job
     where (name like 'continuity-scan-%' or name like 'continuity-discovery-%')
       and ($1::text[] is null or name = any($1))
       and (case when $2 then state = 'failed' or (name like '%-dead' and state < 'completed')
                 else state < 'completed' end)
     order by created_on desc
     limit $3`,
    [names, filter.failed ?? false, filter.limit ?? 100],
  );
  return rows.flatMap((r) => {
    const queueOf = queueKind(r.name);
    if (!queueOf) return [];
    const discovery = queueOf.kind === 'discovery' ? (r.data as DiscoveryJobData) : null;
    return [
      {
        id: r.id,
        zone: queueOf.zone,
        kind: queueOf.kind,
        deadLetter: queueOf.deadLetter,
        service: discovery ? null : (r.data as ScanJobData).service,
        discovery: discovery ? { collector: discovery.kind, scope: discovery.scope, tick: discovery.tick } : null,
        state: r.state,
        retryCount: r.retry_count,
        createdOn: r.created_on.toISOString(),
        startedOn: r.started_on?.toISOString() ?? null,
        completedOn: r.completed_on?.toISOString() ?? null,
        error: r.output?.message ?? null,
      },
    ];
  });
}

/**
 * Run a failed job again: a dead letter is sent back to its zone's scan queue
 * as a new job (and removed from the dead-letter queue); a failed scan or
 * discovery job is retried in place (a discovery for the scans of its tick
 * still to come, e.g. a dead letter retried). Returns the id of the job that
 * will run, or an error text.
 */
export async function retryJob(queue: QueueConnection, config: Config, id: string): Promise<{ id: string } | { error: string }> {
  const { rows } = await queue.pool.query<{ name: string; data: ScanJobData; state: string }>(
    `select name, data, state::text as state from ${queue.schema}.job where id = $1`,
    [id],
  );
  const job = rows[0];
  const queueOf = job ? queueKind(job.name) : undefined;
  if (!job || !queueOf) return { error: `no scan job or discovery job ${id} (it may have been archived)` };
  if (!queueOf.deadLetter) {
    if (job.state !== 'failed') return { error: `job ${id} is ${job.state}, not failed` };
    await queue.boss.retry(job.name, id);
    return { id };
  }
  if (job.state !== 'created') return { error: `dead letter ${id} is already settled (${job.state})` };
  if (!config.services.some((s) => s.name === job.data.service)) return { error: `dead letter ${id} scans ${job.data.service}, not in the configuration` };
  // Queued as a trigger is: pg-boss copies neither the expiry nor the singleton key into a dead letter.
  const newId = await enqueueScan(queue, config, job.data);
  if (!newId) return { error: `a scan of ${job.data.service} is already queued or running: dead letter ${id} kept` };
  await queue.boss.deleteJob(job.name, id);
  return { id: newId };
}
