// Email over SMTP with nodemailer. The Message-ID is derived from the
// idempotency key, so a repeated delivery is recognisable as the same mail.
import type { Transporter } from 'nodemailer';
import { errorMessage, registerSecret } from '../../secrets';
import { plainText, title, type AlertMessage } from '../message';
import { DeliveryError, type AlertSink } from './sink';

export interface EmailSinkConfig {
  name: string;
  from: string;
  to: string[];
  smtp: { host: string; port: number; secure: boolean; requireTLS: boolean; user?: string | undefined; password?: string | undefined };
}

export function emailSink(config: EmailSinkConfig, timeoutMs: number): AlertSink {
  registerSecret(config.smtp.password);
  // AUTH PLAIN sends base64("\0user\0password"); a server echoing the exchange
  // into an error must not put it in a log line.
  if (config.smtp.user && config.smtp.password) {
    registerSecret(Buffer.from(`\0${config.smtp.user}\0${config.smtp.password}`).toString('base64'));
  }
  // nodemailer loads on the first mail: a scan with nothing to send never pays for it.
  let transport: Promise<Transporter> | undefined;
  const connect = async () => (await import('nodemailer')).default.createTransport({
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    requireTLS: config.smtp.requireTLS,
    ignoreTLS: !config.smtp.secure && !config.smtp.requireTLS,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    ...(config.smtp.user ? { auth: { user: config.smtp.user, pass: config.smtp.password ?? '' } } : {}),
  });
  return {
    name: config.name,
    async send(message: AlertMessage) {
      try {
        transport ??= connect();
        await (await transport).sendMail({
          from: config.from,
          to: config.to,
          subject: title(message),
          text: plainText(message),
          messageId: `<${message.key}@continuity>`,
        });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        // SMTP 5xx is a permanent refusal; 4xx and connection failures are worth retrying.
        throw new DeliveryError(`${config.name}: ${errorMessage(error)}`, code === undefined || code < 500);
      }
    },
    async close() {
      (await transport)?.close();
    },
  };
}
