// HTTP endpoints of `continuity serve`: /healthz, /metrics, /reports, /api
// (described by the OpenAPI document at /api/openapi.json).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { HistoryStore } from '../history/types';
import type { Logger } from '../log';
import { errorMessage } from '../secrets';
import type { ServiceMetrics } from './metrics';
import { OPENAPI_DOCUMENT } from './openapi';
import { REPORT_CONTENT_TYPES, reportFiles, ServedPages } from './pages';

/** What a request to start scans got: started now, or not because a scan of the service is running (or serve is stopping). */
export interface TriggerResult {
  started: string[];
  busy: string[];
  stopping: boolean;
}

export interface HttpContext {
  store: HistoryStore;
  metrics: ServiceMetrics;
  /** Reports of service S are in <outDir>/<S>/. */
  outDir: string;
  services: string[];
  health(): { status: 'ok' | 'stopping'; running: string[] };
  /** Start scans of these services in the background. */
  trigger(services: string[]): TriggerResult;
  /** When set, /api/* and /reports/* (and /healthz, /metrics if asked) need this token. */
  auth?: { token: string; healthz: boolean; metrics: boolean };
  log: Logger;
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

function json(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`, headers);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The token a request presents: `Authorization: Bearer <token>`, or for reading
 * (GET/HEAD) the password of `Basic`, which browsers ask for themselves. Starting
 * a scan takes the Bearer header: a browser would replay cached Basic credentials.
 */
function presentedToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer +(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic +([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic && (req.method === 'GET' || req.method === 'HEAD')) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/** Constant-time: both sides are hashed to the same length before comparing, so neither length nor content leaks through timing. */
function authorized(ctx: HttpContext, req: http.IncomingMessage): boolean {
  const token = presentedToken(req);
  return token !== undefined && timingSafeEqual(digest(token), digest(ctx.auth!.token));
}

function needsToken(ctx: HttpContext, pathname: string): boolean {
  if (!ctx.auth) return false;
  if (pathname === '/healthz') return ctx.auth.healthz;
  if (pathname === '/metrics') return ctx.auth.metrics;
  return true;
}

const HTML = 'text/html; charset=utf-8';

async function routeReports(ctx: HttpContext, pages: ServedPages, parts: string[], res: http.ServerResponse): Promise<void> {
  if (parts.length === 1) return send(res, 200, HTML, await pages.overviewHtml());
  const service = parts[1]!;
  if (parts.length === 2) {
    const page = await pages.serviceHtml(service);
    if (page) return send(res, 200, HTML, page);
    return json(res, 404, { error: ctx.services.includes(service) ? `no scan of ${service} yet` : `no service ${service}` });
  }
  const files = await reportFiles(ctx, service);
  const file = parts.length === 3 && files.includes(parts[2]!) ? parts[2]! : undefined;
  if (!file) return json(res, 404, { error: `no report ${parts.slice(1).join('/')}` });
  return send(res, 200, REPORT_CONTENT_TYPES[path.extname(file)]!, await readFile(path.join(ctx.outDir, service, file)));
}

function startScans(ctx: HttpContext, services: string[], res: http.ServerResponse): void {
  const result = ctx.trigger(services);
  if (result.stopping) return json(res, 503, { error: 'serve is stopping' });
  if (result.started.length === 0) return json(res, 409, { error: 'a scan of every requested service is already running', ...result });
  return json(res, 202, result);
}

async function route(ctx: HttpContext, pages: ServedPages, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const post = req.method === 'POST';
  if (needsToken(ctx, url.pathname) && !authorized(ctx, req)) {
    return json(res, 401, { error: 'a bearer token is required (Authorization: Bearer <token>)' }, {
      'www-authenticate': 'Bearer realm="continuity", Basic realm="continuity"',
    });
  }
  const isScans = parts[0] === 'api' && parts[1] === 'scans' && parts.length <= 3;
  if (!(req.method === 'GET' || req.method === 'HEAD' || (post && isScans))) {
    res.setHeader('allow', isScans ? 'GET, HEAD, POST' : 'GET, HEAD');
    return json(res, 405, { error: 'method not allowed' });
  }
  if (url.pathname === '/healthz') {
    const health = ctx.health();
    return json(res, health.status === 'ok' ? 200 : 503, health);
  }
  if (url.pathname === '/metrics') {
    return send(res, 200, ctx.metrics.registry.contentType, await ctx.metrics.registry.metrics());
  }
  // Relative links on the overview resolve against /reports/, not /.
  if (url.pathname === '/reports') return send(res, 301, 'text/plain; charset=utf-8', 'moved to /reports/\n', { location: '/reports/' });
  if (parts[0] === 'reports') return routeReports(ctx, pages, parts, res);
  if (url.pathname === '/api/openapi.json') return json(res, 200, OPENAPI_DOCUMENT);
  if (isScans) {
    if (post) {
      // A page in a browser (which sends Origin) may not start scans, whatever credentials the browser holds.
      if (req.headers.origin !== undefined) return json(res, 403, { error: 'scans cannot be started from a web page' });
      if (parts.length === 2) return startScans(ctx, ctx.services, res);
      if (!ctx.services.includes(parts[2]!)) return json(res, 404, { error: `no service ${parts[2]}` });
      return startScans(ctx, [parts[2]!], res);
    }
    if (parts.length === 2) {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 100) || 100, 1000);
      const service = url.searchParams.get('service') ?? undefined;
      return json(res, 200, { scans: await ctx.store.list({ ...(service ? { service } : {}), limit }) });
    }
    const scan = /^[A-Za-z0-9._-]+$/.test(parts[2]!) ? await ctx.store.get(parts[2]!) : undefined;
    return scan ? json(res, 200, scan) : json(res, 404, { error: `no scan ${parts[2]}` });
  }
  return json(res, 404, { error: 'not found' });
}

export function createHttpServer(ctx: HttpContext): http.Server {
  const pages = new ServedPages(ctx);
  return http.createServer((req, res) => {
    route(ctx, pages, req, res).catch((error: unknown) => {
      ctx.log.error({ err: errorMessage(error), path: req.url }, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
}
