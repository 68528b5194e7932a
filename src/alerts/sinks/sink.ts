import type { AlertMessage } from '../message';
import { retryAfterMs } from '../../util';

/** Where alerts go. `send` resolves once the receiver accepted the message. */
export interface AlertSink {
  name: string;
  send(message: AlertMessage): Promise<void>;
  close?(): Promise<void>;
}

/** A refused or failed delivery; `retryable` says whether trying again may help. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * POST a body and classify the answer. The URL is never part of an error
 * message: webhook URLs carry their credential in the path.
 */
export async function post(
  sink: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).name;
    throw new DeliveryError(`${sink}: request failed (${why})`, true);
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return text;
  const detail = text.slice(0, 200).replace(/\s+/g, ' ').trim();
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new DeliveryError(
    `${sink}: HTTP ${response.status}${detail ? ` ${detail}` : ''}`,
    retryable,
    retryAfterMs(response.headers.get('retry-after'), Date.now()),
  );
}
