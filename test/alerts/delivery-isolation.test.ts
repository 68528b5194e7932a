// Delivery that isolates sinks, against a real HTTP receiver: a hanging or dead
// sink does not hold up the others, a circuit breaker leaves a dead sink alone,
// Retry-After is honoured up to its cap, and a run stays within its budget.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CircuitBreakers, deliverPending } from '../../src/alerts/deliver';
import type { AlertMessage } from '../../src/alerts/message';
import { slackSink } from '../../src/alerts/sinks/slack';
import { webhookSink } from '../../src/alerts/sinks/webhook';
import { FileHistoryStore } from '../../src/history/file-store';
import type { OutboxItem } from '../../src/history/types';
import { silentLogger } from '../../src/log';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver';

const SECRET = 'isolation-test-secret-0123456789';
let receiver: AlertReceiver;
const dirs: string[] = [];
beforeAll(async () => {
  receiver = await startAlertReceiver();
});
afterAll(() => receiver.close());
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function item(sink: string, n: number): OutboxItem {
  const message: AlertMessage = { kind: 'drift', key: `${sink}-${n}`, service: 'orders', environment: 'production', scanId: 's', scanFinishedAt: 't', events: [], openFindings: [] };
  return { id: `${sink}:${n}`, sink, message, createdAt: '2025-01-06T09:00:00.000Z', attempts: 0 };
}

async function storeWith(items: OutboxItem[]): Promise<FileHistoryStore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-delivery-'));
  dirs.push(dir);
  const store = await FileHistoryStore.open(dir, { keep: 10 });
  const { scanOf } = await import('../support/scan-fixtures');
  await store.record({ scan: scanOf([], { scanId: `scan-${dirs.length}` }), outbox: items, digests: [] });
  return store;
}

it('a hanging webhook holds up neither Slack nor the run: Slack is delivered, the run ends at its budget', async () => {
  receiver.hang('/hang');
  const store = await storeWith([item('hook', 1), item('hook', 2), item('chat', 1), item('chat', 2)]);
  const events: string[] = [];
  let logged = '';
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _e, done) { logged += String(chunk); done(); } }));
  const report = await deliverPending(
    store,
    [webhookSink({ name: 'hook', url: receiver.url('/hang'), secret: SECRET }, 60_000), slackSink({ name: 'chat', url: receiver.url('/services/T/B/chat') }, 60_000)],
    {
      attempts: 3,
      initialDelayMs: 10,
      maxDelayMs: 10,
      budgetMs: 1500,
      log,
      onAttempt: ({ sink, ok, item: i }) => events.push(`${sink} ${i.id} ${ok ? 'delivered' : 'failed'}`),
    },
  );
  // The hook's request never answered (its timeout is a minute): the budget ended the run.
  expect(report).toEqual({ delivered: 2, failed: 1 });
  expect(events).toEqual(['chat chat:1 delivered', 'chat chat:2 delivered']);
  const pending = await store.pending();
  expect(pending.map((p) => [p.id, p.lastError])).toEqual([
    ['hook:1', 'delivery budget spent during the request'],
    ['hook:2', undefined],
  ]);
  expect(logged).toContain('delivery budget spent: the rest stays queued');
  await store.close();
});

it('opens a dead sink\'s circuit after N failed attempts, leaves it alone, then closes it after one good trial', async () => {
  const store = await storeWith([item('dead', 1), item('dead', 2), item('dead', 3)]);
  let clock = Date.parse('2025-01-06T09:00:00Z');
  const states: string[] = [];
  const breakers = new CircuitBreakers(2, 60_000, (sink, state) => states.push(`${sink} ${state}`));
  const sink = webhookSink({ name: 'dead', url: receiver.url('/dead'), secret: SECRET }, 5000);
  const options = { attempts: 4, initialDelayMs: 0, maxDelayMs: 0, breakers, log: silentLogger, now: () => new Date(clock) };
  const before = receiver.requests.length;

  // Refused until the receiver is "back": the two attempts of the first run and the first trial.
  receiver.refuseNext(3, 503, {}, '/dead');
  expect(await deliverPending(store, [sink], options)).toEqual({ delivered: 0, failed: 1 });
  // Two attempts, then the circuit is open: the other items are not tried.
  expect(receiver.requests.length - before).toBe(2);
  expect(breakers.state('dead', clock)).toBe('open');
  expect(await deliverPending(store, [sink], options)).toEqual({ delivered: 0, failed: 0 });
  expect(receiver.requests.length - before).toBe(2);

  // After the open period: one trial. It fails: open again, without retries.
  clock += 60_000;
  expect(breakers.state('dead', clock)).toBe('half-open');
  expect(await deliverPending(store, [sink], options)).toEqual({ delivered: 0, failed: 1 });
  expect(receiver.requests.length - before).toBe(3);
  expect(breakers.state('dead', clock)).toBe('open');

  // The receiver is back: the trial succeeds, the circuit closes, the queue drains in order.
  clock += 60_000;
  expect(await deliverPending(store, [sink], options)).toEqual({ delivered: 3, failed: 0 });
  expect(receiver.requests.slice(before + 3).map((r) => (JSON.parse(r.body) as AlertMessage).key)).toEqual(['dead-1', 'dead-2', 'dead-3']);
  expect(breakers.state('dead', clock)).toBe('closed');
  expect(states).toEqual(['dead open', 'dead open', 'dead closed', 'dead closed', 'dead closed']);
  await store.close();
});

it('waits for a Retry-After longer than the backoff maximum, and leaves the item for the next run when it is beyond the cap', async () => {
  const store = await storeWith([item('limited', 1)]);
  const sink = webhookSink({ name: 'limited', url: receiver.url('/limited'), secret: SECRET }, 5000);
  const waits: number[] = [];
  const options = { attempts: 3, initialDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 10_000, log: silentLogger, sleep: async (ms: number) => void waits.push(ms) };

  receiver.refuseNext(1, 429, { 'retry-after': '7' }, '/limited');
  expect(await deliverPending(store, [sink], options)).toEqual({ delivered: 1, failed: 0 });
  expect(waits).toEqual([7000]);

  await store.close();
  const second = await storeWith([item('limited', 2)]);
  receiver.refuseNext(1, 429, { 'retry-after': '3600' }, '/limited');
  expect(await deliverPending(second, [sink], options)).toEqual({ delivered: 0, failed: 1 });
  expect(waits).toEqual([7000]);
  expect((await second.pending()).map((p) => [p.attempts, p.lastError])).toEqual([[1, 'limited: HTTP 429 rate_limited']]);
  await second.close();
});
