import pino from 'pino';
import { redact, redactDeep } from './secrets';

export type Logger = pino.Logger;

export type LogFormat = 'json' | 'text';

/**
 * JSON when stderr is not a terminal (a service, CI, a pipe), else text lines a
 * person reads; CONTINUITY_LOG_FORMAT (set by --log-format) overrides.
 */
export function logFormat(): LogFormat {
  const chosen = process.env.CONTINUITY_LOG_FORMAT;
  if (chosen === 'json' || chosen === 'text') return chosen;
  return process.stderr.isTTY ? 'text' : 'json';
}

const TEXT_FIELDS_LEFT_OUT = new Set(['level', 'time', 'name', 'msg']);

/** One log line as a person reads it: `12:04:05 warn collection failed collector=postgres err="..."`. */
export function textLine(json: string): string {
  const entry = JSON.parse(json) as Record<string, unknown>;
  const time = new Date(entry.time as number).toISOString().slice(11, 19);
  const level = pino.levels.labels[entry.level as number] ?? String(entry.level);
  const fields = Object.entries(entry)
    .filter(([key]) => !TEXT_FIELDS_LEFT_OUT.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  return `${time} ${level} ${String(entry.msg ?? '')}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
}

/**
 * Logs on stderr (see logFormat). Connection URLs never reach a log line: log
 * datastore names, and pass errors through redactSecrets first.
 */
export function createLogger(level: string = process.env.CONTINUITY_LOG_LEVEL ?? 'info'): Logger {
  // Every field and message passes redact(): a receiver's response body or a
  // driver's error quoting a credential is caught whatever logged it.
  const options: pino.LoggerOptions = {
    name: 'continuity',
    level,
    base: undefined,
    formatters: { log: (fields) => redactDeep(fields) },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? redact(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
  // Synchronous: with pino's asynchronous destination, process.exit() flushed the queued lines while an earlier
  // one was still being written by the thread pool, which then landed after them ("stopped" before "stopping").
  if (logFormat() === 'json') return pino(options, pino.destination({ dest: 2, sync: true }));
  return pino(options, { write: (line: string) => void process.stderr.write(textLine(line)) });
}

export const silentLogger: Logger = pino({ level: 'silent' });
