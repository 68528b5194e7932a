// A small read-only client for the Supabase Management API (https://api.supabase.com/api/v1):
// plain fetch over HTTPS + JSON, bearer token, retries on throttling as Supabase documents
// its rate limits: 120 requests a minute per user and per project or organization; a 429
// blocks the rest of the minute; every answer carries X-RateLimit-Limit, -Remaining and
// -Reset (seconds until the window resets).
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage, redact } from '../../secrets';
import { retryAfterMs, withDeadline } from '../../util';

/** Waits between retries; injectable so that tests never wait in real time. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

/** When each rate-limit scope (`project:<ref>`, `organization:<slug>`, `account`) opens again, epoch ms; shared by the clients of one token. */
export type RateLimitWindows = Map<string, number>;

interface ManagementApiOptions {
  apiUrl: string;
  token: string;
  requestTimeoutMs: number;
  signal: AbortSignal;
  sleep: Sleep;
  /** Epoch ms by which this datastore's collection must end (scan.datastoreTimeoutSeconds): no wait is begun that would end later. */
  deadline: number;
  /** The clock of the deadline and the rate-limit windows (tests move it with their sleep). */
  now?: () => number;
  rateLimits?: RateLimitWindows;
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
/** Statuses whose Response may not carry a body (the Fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** Attempts per request, the first included. */
const MAX_ATTEMPTS = 4;
/** Longest wait honoured for a server error's Retry-After; a rate limit is waited out whatever its length, within the deadline. */
const MAX_RETRY_WAIT_MS = 60_000;
const BACKOFF_BASE_MS = 1000;
/** Time left after a wait for the request that follows it. */
const DEADLINE_MARGIN_MS = 1000;

const RATE_LIMIT_HINT =
  'the Management API allows 120 requests a minute per project and organization: scan fewer Supabase projects at once, or raise scan.datastoreTimeoutSeconds so that a blocked minute can be waited out';

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

/** The rate-limit scope of a path: Supabase counts requests per project and per organization. */
export function rateLimitScope(path: string): string {
  const match = /^\/?v1\/(projects|organizations)\/([^/]+)/.exec(path);
  return match ? `${match[1] === 'projects' ? 'project' : 'organization'}:${match[2]}` : 'account';
}

/** X-RateLimit-Reset: seconds until the window resets. */
function resetMs(response: Response): number | undefined {
  const header = response.headers.get('x-ratelimit-reset');
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

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
  private readonly now: () => number;
  private readonly windows: RateLimitWindows;
  constructor(private readonly options: ManagementApiOptions) {
    this.now = options.now ?? Date.now;
    this.windows = options.rateLimits ?? new Map();
  }

  /** GET a JSON document; throws ManagementApiError with a reason fit for a finding. */
  async get<T>(path: string): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.options.apiUrl.endsWith('/') ? this.options.apiUrl : `${this.options.apiUrl}/`);
    const scope = rateLimitScope(path);
    for (let attempt = 1; ; attempt++) {
      await this.waitForWindow(scope, attempt);
      const response = await this.send(url);
      const reset = resetMs(response);
      // An answer that used the window's last request: the next one in this scope would be refused until the reset.
      if (reset !== undefined && response.headers.get('x-ratelimit-remaining')?.trim() === '0') this.block(scope, reset);
      if (response.ok) {
        try {
          return (await response.json()) as T;
        } catch (error) {
          throw new ManagementApiError(response.status, `the answer was not JSON: ${errorMessage(error)}`);
        }
      }
      const message = await bodyMessage(response);
      const said = message ? `: ${message}` : '';
      const retryAfter = retryAfterMs(response.headers.get('retry-after'), this.now());
      if (response.status === 429) {
        // Blocked for the rest of the window: wait for whichever of the two headers says later, else back off.
        const wait = Math.max(retryAfter ?? 0, reset ?? 0) || BACKOFF_BASE_MS * 2 ** (attempt - 1);
        if (attempt >= MAX_ATTEMPTS) {
          throw new ManagementApiError(429, `rate-limited by Supabase (HTTP 429) after ${attempt} attempts${said}`, RATE_LIMIT_HINT);
        }
        this.block(scope, wait);
        this.retries++;
        continue;
      }
      if (RETRYABLE.has(response.status) && attempt < MAX_ATTEMPTS) {
        const wait = retryAfter ?? BACKOFF_BASE_MS * 2 ** (attempt - 1);
        if (wait <= MAX_RETRY_WAIT_MS && this.now() + wait + DEADLINE_MARGIN_MS <= this.options.deadline) {
          this.retries++;
          await this.options.sleep(wait, this.options.signal);
          continue;
        }
      }
      throw this.failure(response.status, attempt, said);
    }
  }

  private block(scope: string, ms: number): void {
    const until = this.now() + ms;
    if (until > (this.windows.get(scope) ?? 0)) this.windows.set(scope, until);
  }

  /** Wait until the scope's window opens, or give up when it opens after the deadline. */
  private async waitForWindow(scope: string, attempt: number): Promise<void> {
    const until = this.windows.get(scope);
    const wait = until === undefined ? 0 : until - this.now();
    if (wait <= 0) return;
    if (this.now() + wait + DEADLINE_MARGIN_MS > this.options.deadline) {
      const left = Math.max(0, this.options.deadline - this.now());
      throw new ManagementApiError(
        429,
        `rate-limited by Supabase (${attempt > 1 ? `HTTP 429 after ${attempt - 1} attempt${attempt === 2 ? '' : 's'}` : 'no request left in the window'}): the limit resets in ${seconds(wait)}, after this datastore's deadline (${seconds(left)} left)`,
        RATE_LIMIT_HINT,
      );
    }
    await this.options.sleep(wait, this.options.signal);
  }

  private async send(url: URL): Promise<Response> {
    const run = async () => {
      this.requestsSent++;
      try {
        // The body is read within the request's deadline too, and handed on buffered.
        return await withDeadline(this.options.signal, this.options.requestTimeoutMs, async (signal) => {
          const response = await fetch(url, {
            method: 'GET',
            headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/json' },
            redirect: 'error',
            signal,
          });
          const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
          return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
        });
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        const detail = cause ? `${errorMessage(error)} (${errorMessage(cause)})` : errorMessage(error);
        throw new ManagementApiError(null, `request failed: ${detail}`);
      }
    };
    return this.options.schedule ? this.options.schedule(run) : run();
  }

  private failure(status: number, attempts: number, said: string): ManagementApiError {
    const known = EXPLANATIONS[status];
    if (known) return new ManagementApiError(status, `${known.reason}${said}`, known.hint);
    return new ManagementApiError(status, `HTTP ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}${said}`);
  }
}
