// Deliver the outbox. Each sink delivers its own queue, in order, concurrently
// with the others: a dead webhook never holds up a healthy Slack. Retries back
// off exponentially within a run; a sink that keeps failing opens its circuit
// breaker and is left alone for a while; the whole run stays within a time
// budget. What is not delivered stays in the store for the next run.
import type { HistoryStore, OutboxItem } from '../history/types';
import type { Logger } from '../log';
import { errorMessage } from '../secrets';
import { DeliveryError, type AlertSink } from './sinks/sink';

export interface DeliveryOptions {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** A receiver's Retry-After is waited for up to this long; longer, the item waits for the next run. */
  maxRetryAfterMs?: number;
  /** The run ends after this long; undelivered items stay queued. */
  budgetMs?: number;
  /** Breakers by sink name; serve keeps them from one run to the next. */
  breakers?: CircuitBreakers;
  /** Bounds one send attempt; with the retries, how long a claimed item stays taken. */
  timeoutMs?: number;
  log: Logger;
  now?: () => Date;
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  onAttempt?: (event: { sink: string; ok: boolean; item: OutboxItem }) => void;
}

export interface DeliveryReport {
  delivered: number;
  failed: number;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before retry `attempt + 1`: exponential up to maxDelayMs, or the receiver's Retry-After. */
export function backoffDelay(attempt: number, options: Pick<DeliveryOptions, 'initialDelayMs' | 'maxDelayMs'>, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  return Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Per sink: after `failureThreshold` failed attempts in a row the circuit opens
 * and the sink is not tried until `openMs` have passed; then one item is tried
 * (half-open): delivered closes the circuit, failed opens it again.
 */
export class CircuitBreakers {
  private readonly sinks = new Map<string, { failures: number; openedAt?: number }>();

  constructor(
    readonly failureThreshold: number,
    readonly openMs: number,
    private readonly onChange?: (sink: string, state: CircuitState) => void,
  ) {}

  state(sink: string, now: number): CircuitState {
    const entry = this.sinks.get(sink);
    if (entry?.openedAt === undefined) return 'closed';
    return now - entry.openedAt >= this.openMs ? 'half-open' : 'open';
  }

  succeeded(sink: string): void {
    this.sinks.set(sink, { failures: 0 });
    this.onChange?.(sink, 'closed');
  }

  failed(sink: string, now: number): void {
    const entry = this.sinks.get(sink) ?? { failures: 0 };
    const halfOpen = this.state(sink, now) === 'half-open';
    entry.failures++;
    if (halfOpen || entry.failures >= this.failureThreshold) {
      entry.openedAt = now;
      this.onChange?.(sink, 'open');
    }
    this.sinks.set(sink, entry);
  }
}

/** Longer than every attempt, timeout and backoff wait of one item together. */
function claimLeaseMs(options: DeliveryOptions): number {
  return options.attempts * ((options.timeoutMs ?? 10_000) + options.maxDelayMs) + 60_000;
}

export async function deliverPending(store: HistoryStore, sinks: AlertSink[], options: DeliveryOptions): Promise<DeliveryReport> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const breakers = options.breakers ?? new CircuitBreakers(Number.POSITIVE_INFINITY, 0);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const deadline = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.budgetMs;
  const byName = new Map(sinks.map((s) => [s.name, s]));
  const report: DeliveryReport = { delivered: 0, failed: 0 };

  const queues = new Map<string, OutboxItem[]>();
  for (const item of await store.pending()) {
    if (!byName.has(item.sink)) {
      // Kept, not dropped: the sink may come back into the config.
      options.log.warn({ sink: item.sink, id: item.id }, 'outbox item for a sink that is not configured');
      report.failed++;
      continue;
    }
    queues.set(item.sink, [...(queues.get(item.sink) ?? []), item]);
  }

  /** One sink's queue, in order; returns when it is empty, the breaker opens or the budget is spent. */
  const drain = async (sink: AlertSink, items: OutboxItem[]) => {
    for (const [index, item] of items.entries()) {
      const state = breakers.state(sink.name, now().getTime());
      if (state === 'open' || Date.now() >= deadline) {
        options.log.warn(
          { sink: sink.name, queued: items.length - index },
          state === 'open' ? 'alert sink circuit open: deliveries wait for the next run' : 'delivery budget spent: the rest stays queued',
        );
        return;
      }
      // Several workers deliver the same outbox (queue mode): each item is sent by the one that claims it.
      if (store.claim && !(await store.claim(item.id, claimLeaseMs(options)))) continue;
      let lastError = '';
      let delivered = false;
      // Half-open: one attempt decides.
      const attempts = state === 'half-open' ? 1 : options.attempts;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const outcome = await withinBudget(sink.send(item.message), deadline);
          if (outcome === 'budget') {
            lastError = 'delivery budget spent during the request';
            break;
          }
          delivered = true;
          break;
        } catch (error) {
          lastError = errorMessage(error);
          breakers.failed(sink.name, now().getTime());
          const retryable = !(error instanceof DeliveryError) || error.retryable;
          const retryAfterMs = error instanceof DeliveryError ? error.retryAfterMs : undefined;
          options.log.warn({ sink: sink.name, id: item.id, attempt, retryable, err: lastError }, 'alert delivery failed');
          options.onAttempt?.({ sink: sink.name, ok: false, item });
          if (!retryable || attempt === attempts || breakers.state(sink.name, now().getTime()) === 'open') break;
          const delay = backoffDelay(attempt, options, retryAfterMs);
          if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
            // Not cut short: the receiver asked for more than a run waits; the next run tries again.
            options.log.warn({ sink: sink.name, id: item.id, retryAfterMs }, 'receiver asked to retry later than this run waits');
            break;
          }
          if (Date.now() + delay >= deadline) break;
          await sleep(delay);
        }
      }
      if (delivered) {
        breakers.succeeded(sink.name);
        await store.markDelivered(item.id, now());
        options.onAttempt?.({ sink: sink.name, ok: true, item });
        options.log.info({ sink: sink.name, id: item.id, kind: item.message.kind, service: item.message.service }, 'alert delivered');
        report.delivered++;
      } else {
        await store.markFailed(item.id, lastError, now());
        report.failed++;
      }
    }
  };

  await Promise.all([...queues].map(([name, items]) => drain(byName.get(name)!, items)));
  return report;
}

/** The request's outcome, or 'budget' when the run's time is up first (the request is abandoned; its item stays queued). */
async function withinBudget(request: Promise<void>, deadline: number): Promise<'sent' | 'budget'> {
  if (deadline === Number.POSITIVE_INFINITY) {
    await request;
    return 'sent';
  }
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'budget'>((resolve) => {
    timer = setTimeout(() => resolve('budget'), Math.max(0, deadline - Date.now()));
  });
  // An abandoned request that fails later must not become an unhandled rejection.
  request.catch(() => undefined);
  try {
    return await Promise.race([request.then(() => 'sent' as const), budget]);
  } finally {
    clearTimeout(timer);
  }
}
