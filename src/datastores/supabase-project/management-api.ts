// A small read-only client for the Supabase Management API (https://api.supabase.com/api/v1):
// plain fetch over HTTPS + JSON, bearer token, bounded retries on throttling.
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage, redact } from '../../secrets';
import { retryAfterMs } from '../../util';

/** Waits between retries; injectable so that tests never wait in real time. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

interface ManagementApiOptions {
  apiUrl: string;
  token: string;
  requestTimeoutMs: number;
  signal: AbortSignal;
  sleep: Sleep;
  /** Bounds the requests in flight that share one token's rate limit (see the collector). */
  schedule?: <T>(run: () => Promise<T>) => Promise<T>;
}

/** A request that did not produce a usable answer; `reason` is safe to show. */
export class ManagementApiError extends Error {
  constructor(
    readonly status: number | null,
    readonly reason: string,
    readonly hint?: string,
  ) {
    super(reason);
    this.name = 'ManagementApiError';
  }
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
/** Attempts per request, the first included. */
const MAX_ATTEMPTS = 4;
/** Longest wait honoured from Retry-After; a longer one is not waited out. */
const MAX_RETRY_WAIT_MS = 60_000;
const BACKOFF_BASE_MS = 1000;


const EXPLANATIONS: Record<number, { reason: string; hint?: string }> = {
  401: {
    reason: 'the access token was rejected (HTTP 401 Unauthorized)',
    hint: 'create a personal access token at https://supabase.com/dashboard/account/tokens and put it in the configured environment variable',
  },
  403: {
    reason: 'the access token may not read this (HTTP 403 Forbidden)',
    hint: 'use a token of an organisation member who can read the project, with read access to this endpoint',
  },
  404: {
    reason: 'not found (HTTP 404): the project ref is wrong, or the token cannot see the project',
  },
};

/** The `message` of a Management API error body, when it has one. */
async function bodyMessage(response: Response): Promise<string | undefined> {
  try {
    const text = await response.text();
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = parsed.message ?? parsed.error;
    return typeof message === 'string' ? redact(message).slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

export class ManagementApi {
  requestsSent = 0;
  retries = 0;
  constructor(private readonly options: ManagementApiOptions) {}

  /** GET a JSON document; throws ManagementApiError with a reason fit for a finding. */
  async get<T>(path: string): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.options.apiUrl.endsWith('/') ? this.options.apiUrl : `${this.options.apiUrl}/`);
    for (let attempt = 1; ; attempt++) {
      const response = await this.send(url);
      if (response.ok) {
        try {
          return (await response.json()) as T;
        } catch (error) {
          throw new ManagementApiError(response.status, `the answer was not JSON: ${errorMessage(error)}`);
        }
      }
      const message = await bodyMessage(response);
      if (RETRYABLE.has(response.status) && attempt < MAX_ATTEMPTS) {
        const wait = retryAfterMs(response.headers.get('retry-after'), Date.now()) ?? BACKOFF_BASE_MS * 2 ** (attempt - 1);
        if (wait <= MAX_RETRY_WAIT_MS) {
          this.retries++;
          await this.options.sleep(wait, this.options.signal);
          continue;
        }
      }
      throw this.failure(response.status, attempt, message);
    }
  }

  private async send(url: URL): Promise<Response> {
    const run = async () => {
      this.requestsSent++;
      try {
        return await fetch(url, {
          method: 'GET',
          headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/json' },
          redirect: 'error',
          signal: AbortSignal.any([this.options.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]),
        });
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        const detail = cause ? `${errorMessage(error)} (${errorMessage(cause)})` : errorMessage(error);
        throw new ManagementApiError(null, `request failed: ${detail}`);
      }
    };
    return this.options.schedule ? this.options.schedule(run) : run();
  }

  private failure(status: number, attempts: number, message: string | undefined): ManagementApiError {
    const known = EXPLANATIONS[status];
    const said = message ? `: ${message}` : '';
    if (known) return new ManagementApiError(status, `${known.reason}${said}`, known.hint);
    if (status === 429) {
      return new ManagementApiError(status, `rate limited (HTTP 429) after ${attempts} attempt${attempts === 1 ? '' : 's'}${said}`, 'scan fewer Supabase projects at once or later');
    }
    return new ManagementApiError(status, `HTTP ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}${said}`);
  }
}
