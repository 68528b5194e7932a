// HTTP endpoints of `continuity serve`: /healthz, /metrics, /reports, /api/scans.
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { HistoryStore } from '../history/types';
import type { Logger } from '../log';
import { errorMessage } from '../secrets';
import type { ServiceMetrics } from './metrics';

export interface HttpContext {
  store: HistoryStore;
  metrics: ServiceMetrics;
  /** Reports of service S are in <outDir>/<S>/. */
  outDir: string;
  services: string[];
  health(): { status: 'ok' | 'stopping' | 'failing'; running: string[]; failing?: string[] };
  log: Logger;
}

const CONTENT_TYPES: Record<string, string> = {
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.sarif': 'application/sarif+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`);
}

/** The report files of a service, by name; only these can be served (no path from the URL reaches the disk). */
async function reportFiles(ctx: HttpContext, service: string): Promise<string[]> {
  if (!ctx.services.includes(service)) return [];
  try {
    // A report being written (`x.html.<id>.tmp`) has no served extension.
    return (await readdir(path.join(ctx.outDir, service))).filter((f) => path.extname(f) in CONTENT_TYPES).sort();
  } catch {
    return [];
  }
}

/** The report a person opens first: HTML when the scan wrote one, else the Markdown questionnaire. */
function mainReport(service: string, files: string[]): string | undefined {
  return [`${service}.html`, `${service}.md`].find((f) => files.includes(f));
}

/** Scans listed by /api/scans at most. */
const MAX_LIST = 1000;

async function route(ctx: HttpContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let parts: string[];
  try {
    parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return json(res, 400, { error: 'malformed percent-encoding in the path' });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return json(res, 405, { error: 'method not allowed' });
  }
  if (url.pathname === '/healthz') {
    const health = ctx.health();
    return json(res, health.status === 'ok' ? 200 : 503, health);
  }
  if (url.pathname === '/metrics') {
    return send(res, 200, ctx.metrics.registry.contentType, await ctx.metrics.registry.metrics());
  }
  if (parts[0] === 'reports') {
    if (parts.length === 1) {
      const rows = await Promise.all(
        ctx.services.map(async (service) => {
          const files = await reportFiles(ctx, service);
          const links = files.map((f) => `<a href="/reports/${encodeURIComponent(service)}/${encodeURIComponent(f)}">${escapeHtml(f)}</a>`);
          return `<li><a href="/reports/${encodeURIComponent(service)}">${escapeHtml(service)}</a>: ${links.join(', ') || 'no report yet'}</li>`;
        }),
      );
      return send(res, 200, 'text/html; charset=utf-8', `<!doctype html><title>continuity reports</title><h1>Latest reports</h1><ul>${rows.join('')}</ul>\n`);
    }
    const service = parts[1]!;
    const files = await reportFiles(ctx, service);
    const file = parts.length === 2 ? mainReport(service, files) : parts.length === 3 && files.includes(parts[2]!) ? parts[2] : undefined;
    if (!file) return json(res, 404, { error: `no report ${parts.slice(1).join('/')}` });
    return send(res, 200, CONTENT_TYPES[path.extname(file)]!, await readFile(path.join(ctx.outDir, service, file)));
  }
  if (parts[0] === 'api' && parts[1] === 'scans') {
    if (parts.length === 2) {
      const limitParameter = url.searchParams.get('limit') ?? '100';
      const limit = Number(limitParameter);
      if (!/^\d+$/.test(limitParameter) || limit < 1 || limit > MAX_LIST) {
        return json(res, 400, { error: `limit must be a whole number from 1 to ${MAX_LIST}` });
      }
      const service = url.searchParams.get('service') ?? undefined;
      return json(res, 200, { scans: await ctx.store.list({ ...(service ? { service } : {}), limit }) });
    }
    if (parts.length === 3) {
      const scan = /^[A-Za-z0-9._-]+$/.test(parts[2]!) ? await ctx.store.get(parts[2]!) : undefined;
      return scan ? json(res, 200, scan) : json(res, 404, { error: `no scan ${parts[2]}` });
    }
  }
  return json(res, 404, { error: 'not found' });
}

export function createHttpServer(ctx: HttpContext): http.Server {
  return http.createServer((req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      ctx.log.error({ err: errorMessage(error), path: req.url }, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
}
