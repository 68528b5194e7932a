// Queue mode: estate discovery as jobs of its own. The discovery of one scope
// (an AWS account, a Kubernetes context) for one tick runs once per zone, as a
// job on the zone's discovery queue, and what it found (the inventory: names
// and listing outcomes, no row data, no credentials) is kept in the queue
// database keyed by (tick, zone, collector, scope). Every scan job of that tick
// reads it from there instead of listing the accounts again.
import { setTimeout as sleep } from 'node:timers/promises';
import type PgBoss from 'pg-boss';
import type { Config } from '../config/schema';
import { ESTATE_COLLECTORS } from '../engine/registry';
import { abortable, createScanCache } from '../engine/scan';
import type { Collected, EstateCollectContext, EstateCollector } from '../engine/types';
import type { Logger } from '../log';
import { errorMessage, redactDeep } from '../secrets';
import { withDeadline } from '../util';
import { serialised, stableJobId, type QueueConnection } from './boss';

const DISCOVERY_QUEUE_PREFIX = 'continuity-discovery-';
/** pg-boss owns its schema; this table lives beside it in a schema of its own. */
const STORE_SCHEMA = 'continuity_queue';
const STORE = `${STORE_SCHEMA}.discoveries`;
/** A collector without scopes (Supabase) is discovered as one piece. */
const WHOLE_ESTATE = '*';
/** Discoveries older than this are removed: no scan job of their tick is still waiting. */
const KEEP_DAYS = 7;
/** A scan stops waiting for discoveries this long before its estate collection times out. */
const WAIT_MARGIN_MS = 1000;
const STILL_PENDING: Collected<unknown> = { ok: false, error: 'its discovery job was still queued or running when this scan stopped waiting for it' };

export function discoveryQueue(zone: string): string {
  return `${DISCOVERY_QUEUE_PREFIX}${zone}`;
}

/** The zone a discovery queue serves; undefined for other queues. */
export function zoneOfDiscoveryQueue(name: string): string | undefined {
  return name.startsWith(DISCOVERY_QUEUE_PREFIX) ? name.slice(DISCOVERY_QUEUE_PREFIX.length) : undefined;
}

export interface DiscoveryJobData {
  tick: string;
  zone: string;
  kind: string;
  scope: string;
}

/** Create the discovery queue of a zone and the table the discoveries are kept in. */
export async function ensureDiscoveryQueue(queue: QueueConnection, zone: string): Promise<void> {
  await serialised(queue.pool, () => createDiscoveryQueue(queue, zone));
}

async function createDiscoveryQueue(queue: QueueConnection, zone: string): Promise<void> {
  await queue.pool.query(`create schema if not exists ${STORE_SCHEMA}`);
  await queue.pool.query(
    `create table if not exists ${STORE} (
       tick text not null,
       zone text not null,
       kind text not null,
       scope text not null,
       facts jsonb not null,
       discovered_at timestamptz not null default now(),
       primary key (tick, zone, kind, scope)
     )`,
  );
  // A job lost with its worker is retried; a scan waiting for it sees the failure of the last attempt.
  await queue.boss.createQueue(discoveryQueue(zone), { name: discoveryQueue(zone), policy: 'standard', retryLimit: 2, retryDelay: 5 });
}

function scopesOf(collector: EstateCollector, config: Config): string[] {
  return collector.scoped?.scopes(config) ?? [WHOLE_ESTATE];
}

/** The estate collection of the scan jobs of one zone's worker, shared through the queue database. */
export class SharedDiscovery {
  constructor(
    private readonly queue: QueueConnection,
    private readonly config: Config,
    private readonly zone: string,
    private readonly log: Logger,
  ) {}

  /** Estate collectors for a scan of `tick`: each scope's facts are those its discovery job stored. */
  collectorsFor(tick: string): EstateCollector[] {
    return ESTATE_COLLECTORS.map((collector) => ({
      ...collector,
      collect: async (ctx: EstateCollectContext) => {
        const scopes = scopesOf(collector, ctx.config);
        const parts = await this.discoveredScopes(tick, collector.kind, scopes, ctx);
        const { scoped } = collector;
        if (!scoped) {
          const [whole] = parts;
          if (!whole!.ok) throw new Error(whole!.error);
          return whole!.facts;
        }
        // A scope that failed as a whole is reported as unreadable; the other scopes' discoveries are still used.
        return scoped.merge(parts.map((part, i) => (part.ok ? part.facts : scoped.failed(ctx.config, scopes[i]!, part.error))));
      },
    }));
  }

  /**
   * The stored discoveries of a tick's scopes, waited for until a moment before
   * the scan's own deadline: the scopes discovered by then are used, the others
   * are reported still pending.
   */
  private discoveredScopes(tick: string, kind: string, scopes: string[], ctx: EstateCollectContext): Promise<Collected<unknown>[]> {
    const timeoutMs = ctx.config.scan.datastoreTimeoutSeconds * 1000;
    return withDeadline(ctx.signal, Math.max(timeoutMs - WAIT_MARGIN_MS, timeoutMs / 2), (wait) =>
      Promise.all(
        scopes.map((scope) =>
          // Raced with the wait, so that a slow query of the queue database cannot hold the scan past it either.
          abortable(this.discovered({ tick, zone: this.zone, kind, scope }, wait), wait).catch((error: unknown) =>
            wait.aborted ? STILL_PENDING : Promise.reject(error),
          ),
        ),
      ),
    );
  }

  /** The stored discovery of one scope (a failure when its job failed), queuing its job when none is stored yet and waiting for it. */
  private async discovered(key: DiscoveryJobData, signal: AbortSignal): Promise<Collected<unknown>> {
    const id = stableJobId('discovery', key.tick, key.zone, key.kind, key.scope);
    let queued = false;
    for (;;) {
      const stored = await this.read(key);
      if (stored) return stored;
      if (!queued) {
        // The same id for every scan of the tick: the first one queues the job, the others find it.
        await this.queue.boss.send(discoveryQueue(this.zone), key, {
          id,
          singletonKey: `${key.kind}:${key.scope}:${key.tick}`,
          expireInSeconds: this.config.scan.datastoreTimeoutSeconds + 60,
        });
        queued = true;
      } else {
        const job = await this.queue.boss.getJobById(discoveryQueue(this.zone), id);
        if (job?.state === 'failed') return { ok: false, error: `discovery job failed after its retries: ${(job.output as { message?: string } | null)?.message ?? 'no message'}` };
        // Cancelled (`continuity jobs`), or done while its result is gone (removed after KEEP_DAYS): nothing will come.
        if (job?.state === 'cancelled') return { ok: false, error: 'its discovery job was cancelled' };
        if (job?.state === 'completed' && !(await this.read(key))) return { ok: false, error: 'its discovery job completed but stored no result' };
      }
      await sleep(this.queue.settings.pollingIntervalSeconds * 1000, undefined, { signal });
    }
  }

  private async read(key: DiscoveryJobData): Promise<Collected<unknown> | undefined> {
    const { rows } = await this.queue.pool.query<{ facts: Collected<unknown> }>(
      `select facts from ${STORE} where tick = $1 and zone = $2 and kind = $3 and scope = $4`,
      [key.tick, key.zone, key.kind, key.scope],
    );
    return rows[0]?.facts;
  }

  /**
   * A discovery job: collect the scope (bounded by scan.datastoreTimeoutSeconds,
   * like any collector) and store the outcome, a failure included, so the scans
   * report it as they would their own. A second run of the job stores nothing.
   */
  async run(job: PgBoss.Job<DiscoveryJobData>): Promise<void> {
    const key = job.data;
    if (await this.read(key)) return;
    const collector = ESTATE_COLLECTORS.find((c) => c.kind === key.kind);
    if (!collector) throw new Error(`no estate collector ${key.kind}`);
    const log = this.log.child({ discovery: key.kind, scope: key.scope, tick: key.tick });
    log.info({ job: job.id }, 'estate discovery started');
    const seconds = this.config.scan.datastoreTimeoutSeconds;
    const signal = AbortSignal.timeout(seconds * 1000);
    const ctx: EstateCollectContext = { config: this.config, signal, log, shared: createScanCache() };
    let facts: Collected<unknown>;
    try {
      const collected = collector.scoped && key.scope !== WHOLE_ESTATE ? collector.scoped.collect(ctx, key.scope) : collector.collect(ctx);
      facts = { ok: true, facts: redactDeep(await abortable(collected, signal)) };
    } catch (error) {
      const message = signal.aborted ? `timed out after ${seconds}s` : errorMessage(error);
      log.warn({ err: message }, 'estate discovery failed');
      facts = { ok: false, error: message };
    }
    await this.queue.pool.query(`delete from ${STORE} where discovered_at < now() - make_interval(days => $1)`, [KEEP_DAYS]);
    await this.queue.pool.query(
      `insert into ${STORE} (tick, zone, kind, scope, facts) values ($1, $2, $3, $4, $5) on conflict do nothing`,
      [key.tick, key.zone, key.kind, key.scope, JSON.stringify(facts)],
    );
    log.info({ ok: facts.ok }, 'estate discovered');
  }
}
