// Alert sinks against local receivers: a Slack-style and a generic webhook
// receiver over HTTP, and a real SMTP server (smtp-server).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay, deliverPending } from '../../src/alerts/deliver';
import type { AlertMessage } from '../../src/alerts/message';
import { planAlerts, routes } from '../../src/alerts/plan';
import { createSinks } from '../../src/alerts/sinks';
import { emailSink } from '../../src/alerts/sinks/email';
import { DeliveryError } from '../../src/alerts/sinks/sink';
import { slackPayload, slackSink } from '../../src/alerts/sinks/slack';
import { sign, webhookSink } from '../../src/alerts/sinks/webhook';
import { parseConfig } from '../../src/config/load';
import { ConfigSchema } from '../../src/config/schema';
import { diffScans } from '../../src/drift/diff';
import { freePort } from '../../src/embedded-postgres';
import { FileHistoryStore } from '../../src/history/file-store';
import { silentLogger } from '../../src/log';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver';
import { finding, scanOf } from '../support/scan-fixtures';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';

const before = scanOf([finding({ checkId: 'pg.ssl', status: 'pass', evidence: [{ source: 'pg_settings', field: 'ssl', value: 'on' }] })], { owner: 'team-orders', scanId: 'prev' });
const after = scanOf([finding({ checkId: 'pg.ssl', status: 'fail', evidence: [{ source: 'pg_settings', field: 'ssl', value: 'off' }] })], { owner: 'team-orders', scanId: 'now' });
const events = diffScans(before, after);

function message(): AlertMessage {
  const { outbox } = planAlerts({
    scan: after,
    service: after.services[0]!,
    events,
    previousScanId: 'prev',
    sinks: [{ name: 'slack', type: 'slack', minSeverity: 'info' }],
    digestDue: false,
    reportUrl: 'http://continuity.test/reports/orders',
  });
  return outbox[0]!.message;
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

let receiver: AlertReceiver;
beforeAll(async () => {
  receiver = await startAlertReceiver();
});
afterAll(async () => {
  await receiver.close();
});

describe('routing and planning', () => {
  it('routes by owner and service, and filters by minimum severity', () => {
    const service = { name: 'orders', owner: 'team-orders' };
    expect(routes({ name: 'a', type: 'slack', minSeverity: 'info' }, service)).toBe(true);
    expect(routes({ name: 'a', type: 'slack', minSeverity: 'info', owners: ['team-orders'] }, service)).toBe(true);
    expect(routes({ name: 'a', type: 'slack', minSeverity: 'info', owners: ['team-billing'] }, service)).toBe(false);
    expect(routes({ name: 'a', type: 'slack', minSeverity: 'info', services: ['billing'] }, service)).toBe(false);
    expect(routes({ name: 'a', type: 'slack', minSeverity: 'info', owners: ['team-orders'] }, { name: 'x' })).toBe(false);

    const plan = planAlerts({
      scan: after,
      service: after.services[0]!,
      events,
      previousScanId: 'prev',
      sinks: [
        { name: 'all', type: 'webhook', minSeverity: 'info' },
        { name: 'critical-only', type: 'slack', minSeverity: 'critical' },
        { name: 'billing', type: 'email', minSeverity: 'info', owners: ['team-billing'] },
      ],
      digestDue: true,
    });
    // The new failure is alerted now, so the digest has nothing else to list.
    expect(plan.outbox.map((o) => [o.sink, o.message.kind, o.message.events.map((e) => e.type)])).toEqual([['all', 'drift', ['new-failure']]]);
    expect(plan.digestQueued).toBe(false);
  });

  it('refuses a reportBaseUrl with a user or password, naming the key: alerts quote it', () => {
    const yaml = (base: string) => `services:\n  - name: orders\nalerts:\n  reportBaseUrl: ${base}\n`;
    expect(() => parseConfig(yaml('https://ops:${REPORT_PASSWORD}@continuity.example'), 'c.yaml', { REPORT_PASSWORD: 'hunter2-report' })).toThrow(
      'c.yaml:4: alerts.reportBaseUrl: must not contain a user or password: alerts quote this URL',
    );
    expect(() => parseConfig(yaml('https://ops@continuity.example'), 'c.yaml')).toThrow(/alerts\.reportBaseUrl: must not contain a user/);
    expect(parseConfig(yaml('https://continuity.example'), 'c.yaml').alerts.reportBaseUrl).toBe('https://continuity.example');
  });

  it('gives the same change the same idempotency key when the scan is repeated', () => {
    const again = { ...after, scanId: 'repeated' };
    const first = planAlerts({ scan: after, service: after.services[0]!, events, previousScanId: 'prev', sinks: [{ name: 'w', type: 'webhook', minSeverity: 'info' }], digestDue: false });
    const second = planAlerts({ scan: again, service: again.services[0]!, events, previousScanId: 'prev', sinks: [{ name: 'w', type: 'webhook', minSeverity: 'info' }], digestDue: false });
    expect(second.outbox[0]!.id).toBe(first.outbox[0]!.id);
    const otherBaseline = planAlerts({ scan: after, service: after.services[0]!, events, previousScanId: 'other', sinks: [{ name: 'w', type: 'webhook', minSeverity: 'info' }], digestDue: false });
    expect(otherBaseline.outbox[0]!.id).not.toBe(first.outbox[0]!.id);
  });
});

describe('Slack incoming webhook', () => {
  it('posts a Block Kit message with the service, the change, before/after evidence and the report link', async () => {
    const sink = slackSink({ name: 'slack', url: receiver.url('/services/T000/B000/slack-secret-token-xyz') }, 5000);
    await sink.send(message());
    const request = receiver.requests.at(-1)!;
    expect(request.path).toBe('/services/T000/B000/slack-secret-token-xyz');
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body) as ReturnType<typeof slackPayload>;
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'continuity: orders changed: 1 new-failure' } });
    expect(body.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          '*new-failure* · high · `pg.ssl`',
          'pg.ssl on orders-db went from pass to fail: pg.ssl is fail',
          '*Before* (pass): pg_settings ssl = on',
          '*After* (fail): pg_settings ssl = off',
        ].join('\n'),
      },
    });
    expect(body.blocks[2]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `service *orders* · scan now · ${after.finishedAt} · owner team-orders · <http://continuity.test/reports/orders|report>` }],
    });
    expect(body.text).toContain('new-failure');
  });

  it('stays within Slack limits with many events (50 blocks)', () => {
    const many = { ...message(), events: Array.from({ length: 80 }, () => message().events[0]!) };
    const payload = slackPayload(many);
    expect(payload.blocks).toHaveLength(49);
    expect(JSON.stringify(payload.blocks.at(-2))).toContain('and 34 more');
  });

  it('classifies refusals: 429 and 5xx retryable (with Retry-After), other 4xx permanent; no URL in the error', async () => {
    const url = receiver.url('/services/T000/B000/slack-secret-token-xyz');
    const sink = slackSink({ name: 'slack', url }, 5000);
    receiver.refuseNext(1, 429, { 'retry-after': '7' });
    const limited = (await sink.send(message()).catch((e: unknown) => e)) as DeliveryError;
    expect(limited).toBeInstanceOf(DeliveryError);
    expect([limited.retryable, limited.retryAfterMs, limited.message]).toEqual([true, 7000, 'slack: HTTP 429 rate_limited']);
    receiver.refuseNext(1, 404);
    const gone = (await sink.send(message()).catch((e: unknown) => e)) as DeliveryError;
    expect([gone.retryable, gone.message]).toEqual([false, 'slack: HTTP 404 service_unavailable']);
    const down = (await slackSink({ name: 'slack', url: `http://127.0.0.1:${await freePort()}/services/x` }, 5000).send(message()).catch((e: unknown) => e)) as DeliveryError;
    expect(down.retryable).toBe(true);
    expect(down.message).toBe('slack: request failed (ECONNREFUSED)');
  });
});

describe('generic webhook', () => {
  it('signs the JSON body with HMAC-SHA256 over timestamp and body, with an idempotency key', async () => {
    const secret = 'webhook-shared-secret-for-tests';
    const sink = webhookSink({ name: 'hook', url: receiver.url('/continuity'), secret }, 5000, () => new Date('2025-01-06T09:00:00Z'));
    const sent = message();
    await sink.send(sent);
    const request = receiver.requests.at(-1)!;
    expect(request.headers['idempotency-key']).toBe(sent.key);
    expect(request.headers['x-continuity-timestamp']).toBe('1736154000');
    expect(request.headers['x-continuity-signature']).toBe(sign(secret, '1736154000', request.body));
    expect(request.headers['x-continuity-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(request.body)).toEqual(sent);
    expect(sign('another-secret-entirely', '1736154000', request.body)).not.toBe(request.headers['x-continuity-signature']);
  });
});

describe('email over SMTP', () => {
  let smtp: SMTPServer;
  let port: number;
  const mails: { from: string; to: string[]; data: string; user?: string }[] = [];
  let rejectNext = 0;
  beforeAll(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'continuity' && auth.password === 'smtp-password-123') callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          if (rejectNext > 0) {
            rejectNext--;
            const error = new Error('mailbox busy') as Error & { responseCode: number };
            error.responseCode = 451;
            return callback(error);
          }
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            user: session.user as string,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const config = (password: string) => ({
    name: 'mail',
    from: 'continuity@acme.test',
    to: ['dba@acme.test', 'sre@acme.test'],
    smtp: { host: '127.0.0.1', port: 0, secure: false, requireTLS: false, user: 'continuity', password },
  });

  it('sends a text mail with the change and a Message-ID from the idempotency key', async () => {
    const sink = emailSink({ ...config('smtp-password-123'), smtp: { ...config('smtp-password-123').smtp, port } }, 5000);
    const sent = message();
    await sink.send(sent);
    await sink.close?.();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toBe('continuity@acme.test');
    expect(mails[0]!.to).toEqual(['dba@acme.test', 'sre@acme.test']);
    expect(mails[0]!.user).toBe('continuity');
    expect(mails[0]!.data).toContain('Subject: continuity: orders changed: 1 new-failure');
    expect(mails[0]!.data).toContain(`Message-ID: <${sent.key}@continuity>`);
    const body = decodeQuotedPrintable(mails[0]!.data);
    expect(body).toContain('before (pass): pg_settings ssl = on');
    expect(body).toContain('after (fail): pg_settings ssl = off');
    expect(body).toContain('report: http://continuity.test/reports/orders');
  });

  it('treats a 4xx answer as retryable and never shows the SMTP password in errors', async () => {
    const sink = emailSink({ ...config('smtp-password-123'), smtp: { ...config('smtp-password-123').smtp, port } }, 5000);
    rejectNext = 1;
    const busy = (await sink.send(message()).catch((e: unknown) => e)) as DeliveryError;
    expect(busy.retryable).toBe(true);
    expect(busy.message).toContain('mailbox busy');
    await sink.close?.();
    const wrong = emailSink({ ...config('wrong-password-456'), smtp: { ...config('wrong-password-456').smtp, port } }, 5000);
    const refused = (await wrong.send(message()).catch((e: unknown) => e)) as DeliveryError;
    expect(refused).toBeInstanceOf(DeliveryError);
    expect(refused.retryable).toBe(false);
    expect(refused.message).not.toContain('wrong-password-456');
    await wrong.close?.();
  });
});

describe('delivery from the outbox', () => {
  it('backs off exponentially up to the maximum; a Retry-After is the wait, not cut to the maximum', () => {
    const options = { initialDelayMs: 1000, maxDelayMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options))).toEqual([1000, 2000, 4000, 8000, 16000, 30000]);
    expect(backoffDelay(1, options, 7000)).toBe(7000);
    expect(backoffDelay(1, options, 90_000)).toBe(90_000);
  });

  it('retries within a run, keeps what failed for the next run, logs no credential', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-outbox-'));
    try {
      const store = await FileHistoryStore.open(dir, { keep: 10 });
      const secret = 'outbox-test-webhook-secret-42';
      const slackUrl = receiver.url('/services/T1/B1/outbox-slack-token-abc');
      const config = ConfigSchema.parse({
        services: [{ name: 'orders' }],
        alerts: {
          sinks: [
            { name: 'hook', type: 'webhook', url: receiver.url('/hook'), secret },
            { name: 'slack', type: 'slack', url: slackUrl },
          ],
          retry: { attempts: 3, initialDelayMs: 100, maxDelayMs: 1000 },
        },
      });
      const plan = planAlerts({ scan: after, service: after.services[0]!, events, previousScanId: 'prev', sinks: config.alerts.sinks, digestDue: false });
      await store.record({ scan: after, outbox: plan.outbox, digests: [] });

      let logged = '';
      const log = pino({ level: 'info' }, new Writable({ write(chunk, _e, done) { logged += String(chunk); done(); } }));
      const waits: number[] = [];
      const sleep = async (ms: number) => void waits.push(ms);
      const sinks = createSinks(config.alerts);

      // The hook is refused three times (all its attempts), Slack then goes through.
      const before = receiver.requests.length;
      receiver.refuseNext(3, 503, {}, '/hook');
      expect(await deliverPending(store, sinks, { ...config.alerts.retry, log, sleep })).toEqual({ delivered: 1, failed: 1 });
      expect(waits).toEqual([100, 200]);
      const pending = await store.pending();
      expect(pending.map((p) => [p.sink, p.attempts, p.lastError])).toEqual([['hook', 1, 'hook: HTTP 503 service_unavailable']]);

      // Next run: delivered, and nothing is sent twice.
      expect(await deliverPending(store, sinks, { ...config.alerts.retry, log, sleep })).toEqual({ delivered: 1, failed: 0 });
      expect(await store.pending()).toEqual([]);
      expect(await deliverPending(store, sinks, { ...config.alerts.retry, log, sleep })).toEqual({ delivered: 0, failed: 0 });
      // Each sink its own queue: the order within a sink is kept, not across sinks.
      const mine = receiver.requests.slice(before);
      expect(mine.filter((r) => r.path === '/hook').map((r) => r.accepted)).toEqual([false, false, false, true]);
      expect(mine.filter((r) => r.path !== '/hook').map((r) => [r.path, r.accepted])).toEqual([['/services/T1/B1/outbox-slack-token-abc', true]]);
      expect(logged).toContain('alert delivery failed');
      expect(logged).not.toContain('outbox-slack-token-abc');
      expect(logged).not.toContain(secret);
      expect(JSON.stringify(await store.list())).not.toContain(secret);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not retry a permanent refusal within the run, and keeps it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-outbox-'));
    try {
      const store = await FileHistoryStore.open(dir, { keep: 10 });
      const sink = slackSink({ name: 'slack', url: receiver.url('/services/gone') }, 5000);
      const plan = planAlerts({ scan: after, service: after.services[0]!, events, previousScanId: 'prev', sinks: [{ name: 'slack', type: 'slack', minSeverity: 'info' }], digestDue: false });
      await store.record({ scan: after, outbox: plan.outbox, digests: [] });
      receiver.refuseNext(1, 410);
      const waits: number[] = [];
      expect(await deliverPending(store, [sink], { attempts: 5, initialDelayMs: 10, maxDelayMs: 10, log: silentLogger, sleep: async (ms) => void waits.push(ms) })).toEqual({ delivered: 0, failed: 1 });
      expect(waits).toEqual([]);
      expect((await store.pending()).map((p) => p.lastError)).toEqual(['slack: HTTP 410 service_unavailable']);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
