// Generic webhook: the alert as JSON, signed with HMAC-SHA256 over
// "<timestamp>.<body>" so a receiver can check origin and freshness, with an
// Idempotency-Key header per event.
import { createHmac } from 'node:crypto';
import { isSecret, registerSecret, urlPath } from '../../secrets';
import type { AlertMessage } from '../message';
import { post, type AlertSink } from './sink';

const SIGNATURE_HEADER = 'x-continuity-signature';
const TIMESTAMP_HEADER = 'x-continuity-timestamp';
const IDEMPOTENCY_HEADER = 'idempotency-key';

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookSink(
  config: { name: string; url: string; secret: string },
  timeoutMs: number,
  now: () => Date = () => new Date(),
): AlertSink {
  registerSecret(config.secret);
  // A URL given through ${...} is a secret: then so is its path (a token in the path).
  if (isSecret(config.url)) registerSecret(urlPath(config.url));
  return {
    name: config.name,
    async send(message: AlertMessage) {
      const body = JSON.stringify(message);
      const timestamp = String(Math.floor(now().getTime() / 1000));
      await post(
        config.name,
        config.url,
        body,
        {
          'content-type': 'application/json',
          [IDEMPOTENCY_HEADER]: message.key,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: sign(config.secret, timestamp, body),
        },
        timeoutMs,
      );
    },
  };
}
