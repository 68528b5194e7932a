import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stderr. Connection URLs never reach a log line: log
 * datastore names, and pass errors through redactSecrets first.
 */
export function createLogger(level: string = process.env.CONTINUITY_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'continuity', level, base: undefined }, pino.destination(2));
}

export const silentLogger: Logger = pino({ level: 'silent' });
