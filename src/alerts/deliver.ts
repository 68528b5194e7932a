// Deliver the outbox: retries with exponential backoff within a run; what is
// still undelivered stays in the store and is retried on the next run.
import type { HistoryStore, OutboxItem } from '../history/types';
import type { Logger } from '../log';
import { errorMessage } from '../secrets';
import { DeliveryError, type AlertSink } from './sinks/sink';

export interface DeliveryOptions {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
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

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffDelay(attempt: number, options: Pick<DeliveryOptions, 'initialDelayMs' | 'maxDelayMs'>, retryAfterMs?: number): number {
  const exponential = options.initialDelayMs * 2 ** (attempt - 1);
  return Math.min(options.maxDelayMs, Math.max(exponential, retryAfterMs ?? 0));
}

/** Longer than every attempt, timeout and backoff wait of one item together. */
function claimLeaseMs(options: DeliveryOptions): number {
  return options.attempts * ((options.timeoutMs ?? 10_000) + options.maxDelayMs) + 60_000;
}

export async function deliverPending(
  store: HistoryStore,
  sinks: AlertSink[],
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const byName = new Map(sinks.map((s) => [s.name, s]));
  const report: DeliveryReport = { delivered: 0, failed: 0 };
  for (const item of await store.pending()) {
    const sink = byName.get(item.sink);
    if (!sink) {
      // Kept, not dropped: the sink may come back into the config.
      options.log.warn({ sink: item.sink, id: item.id }, 'outbox item for a sink that is not configured');
      report.failed++;
      continue;
    }
    // Several workers deliver the same outbox (queue mode): each item is sent by the one that claims it.
    if (store.claim && !(await store.claim(item.id, claimLeaseMs(options)))) continue;
    let lastError = '';
    let delivered = false;
    for (let attempt = 1; attempt <= options.attempts; attempt++) {
      try {
        await sink.send(item.message);
        delivered = true;
        break;
      } catch (error) {
        lastError = errorMessage(error);
        const retryable = !(error instanceof DeliveryError) || error.retryable;
        options.log.warn({ sink: sink.name, id: item.id, attempt, retryable, err: lastError }, 'alert delivery failed');
        options.onAttempt?.({ sink: sink.name, ok: false, item });
        if (!retryable || attempt === options.attempts) break;
        await sleep(backoffDelay(attempt, options, error instanceof DeliveryError ? error.retryAfterMs : undefined));
      }
    }
    if (delivered) {
      await store.markDelivered(item.id, now());
      options.onAttempt?.({ sink: sink.name, ok: true, item });
      options.log.info({ sink: sink.name, id: item.id, kind: item.message.kind, service: item.message.service }, 'alert delivered');
      report.delivered++;
    } else {
      await store.markFailed(item.id, lastError, now());
      report.failed++;
    }
  }
  return report;
}
