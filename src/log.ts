import pino from 'pino';
import { redact, redactDeep } from './secrets';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stderr. Connection URLs never reach a log line: log
 * datastore names. Every field and message passes redact() all the same, so a
 * receiver's response body or a driver's error quoting a credential is caught.
 */
export function createLogger(level: string = process.env.CONTINUITY_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      name: 'continuity',
      level,
      base: undefined,
      formatters: { log: (fields) => redactDeep(fields) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? redact(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
