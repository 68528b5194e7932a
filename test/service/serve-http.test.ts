// `continuity serve` in front of people: scans at start (unless the history has a
// recent one), scans started over HTTP, the fleet overview and service pages with
// trends at /reports/, no dead link anywhere, bearer-token authentication, and an
// /api that answers as its OpenAPI document says.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type Config } from '../../src/config/schema';
import { createBbqDatabase } from '../../src/demo/estate';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded-postgres';
import { silentLogger } from '../../src/log';
import { OPENAPI_DOCUMENT } from '../../src/service/openapi';
import { ContinuityService } from '../../src/service/serve';

const TOKEN_ENV = 'CONTINUITY_TEST_SERVE_TOKEN';
const TOKEN = 's3rve-token-for-the-test-0123456789';

let server: EmbeddedServer;
let workDir: string;
beforeAll(async () => {
  server = await startEmbeddedPostgres();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'continuity-serve-http-'));
  await createBbqDatabase(server);
});
afterAll(async () => {
  delete process.env[TOKEN_ENV];
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

function config(name: string, serve: Record<string, unknown> = {}): Config {
  return ConfigSchema.parse({
    services: [
      { name: 'bbq', owner: 'team-bbq', datastores: [{ name: 'inventory-db', type: 'postgres', url: server.adminUrl('bbq') }] },
      { name: 'bbq.copy', datastores: [{ name: 'copy-db', type: 'postgres', url: server.adminUrl('bbq') }] },
    ],
    history: { dir: path.join(workDir, name, 'history') },
    serve: { outDir: path.join(workDir, name, 'out'), port: 0, ...serve },
  });
}

/** Resolves when the service has recorded this many scans. */
async function scans(service: ContinuityService, count: number): Promise<void> {
  await expect.poll(async () => (await service.historyStore.list()).length, { timeout: 60_000, interval: 100 }).toBe(count);
  await service.idle();
}

describe('serve scans at start', () => {
  it('scans every service when it starts, and not again on a restart within the schedule period', async () => {
    const cfg = config('start');
    let clock = new Date('2026-03-02T06:00:00Z');
    const first = new ContinuityService({ config: cfg, configPath: null, log: silentLogger, now: () => clock });
    await first.start();
    await scans(first, 2);
    expect((await first.historyStore.list()).flatMap((e) => e.services).sort()).toEqual(['bbq', 'bbq.copy']);
    await first.stop();

    // Six days later, the weekly schedule's period (7 days) has not passed: nothing to scan at start.
    clock = new Date('2026-03-08T06:00:00Z');
    const second = new ContinuityService({ config: cfg, configPath: null, log: silentLogger, now: () => clock });
    await second.start();
    await second.idle();
    expect(await second.historyStore.list()).toHaveLength(2);
    await second.stop();

    // Eight days later it has: both are scanned again.
    clock = new Date('2026-03-10T06:00:00Z');
    const third = new ContinuityService({ config: cfg, configPath: null, log: silentLogger, now: () => clock });
    await third.start();
    await scans(third, 4);
    await third.stop();

    const off = new ContinuityService({ config: config('start-off', { scanOnStart: false }), configPath: null, log: silentLogger });
    await off.start();
    await off.idle();
    expect(await off.historyStore.list()).toEqual([]);
    await off.stop();
  });
});

/** Validates answers against the OpenAPI document's response schemas. */
function openApiChecker(): (method: string, template: string, status: number, body: unknown) => void {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const id = 'https://continuity.invalid/openapi.json';
  ajv.addSchema({ ...OPENAPI_DOCUMENT, $id: id });
  const paths = OPENAPI_DOCUMENT.paths as unknown as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  return (method, template, status, body) => {
    const response = paths[template]?.[method.toLowerCase()]?.responses[String(status)];
    expect(response, `${method} ${template} ${status} is documented`).toBeDefined();
    const schema = response!.content?.['application/json']?.schema;
    expect(schema, `${method} ${template} ${status} has a JSON schema`).toBeDefined();
    const ref = (schema as { $ref?: string }).$ref;
    const validate = ref ? ajv.getSchema(`${id}${ref}`)! : ajv.compile(schema as object);
    expect(validate(body), `${method} ${template} ${status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  };
}

describe('serve over HTTP', () => {
  it('publishes a valid OpenAPI 3.1 document for /api', async () => {
    const validator = new Validator();
    const result = await validator.validate(OPENAPI_DOCUMENT as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect([result.valid, validator.version]).toEqual([true, '3.1']);
    // The validator is not a rubber stamp: a response without a description is refused.
    const broken = structuredClone(OPENAPI_DOCUMENT) as unknown as { paths: Record<string, { get?: { responses: Record<string, { description?: string }> } }> };
    delete broken.paths['/api/scans']!.get!.responses['200']!.description;
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  it('needs the token, starts scans on request, serves the overview and pages with trends, and has no dead link', async () => {
    process.env[TOKEN_ENV] = TOKEN;
    const cfg = config('http', { scanOnStart: false, auth: { tokenEnv: TOKEN_ENV } });
    const service = new ContinuityService({ config: cfg, configPath: null, log: silentLogger, schedule: false });
    const { port } = await service.start();
    const base = `http://127.0.0.1:${port}`;
    const check = openApiChecker();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const call = async (method: string, route: string, headers: Record<string, string> = auth) => {
      const response = await fetch(`${base}${route}`, { method, headers, redirect: 'manual' });
      const text = await response.text();
      return { status: response.status, type: response.headers.get('content-type'), text, headers: response.headers };
    };
    try {
      // Without the token, or with a wrong one (even of the same length), nothing under /api or /reports answers.
      for (const route of ['/api/scans', '/api/openapi.json', '/reports/', '/reports/bbq', '/reports/bbq/bbq.md']) {
        const none = await call('GET', route, {});
        expect([route, none.status]).toEqual([route, 401]);
        expect(none.headers.get('www-authenticate')).toContain('Bearer');
        check('GET', '/api/scans', 401, JSON.parse(none.text));
        expect((await call('GET', route, { authorization: `Bearer ${TOKEN.replace(/.$/, 'x')}` })).status).toBe(401);
      }
      expect((await call('POST', '/api/scans', {})).status).toBe(401);
      // A browser may read with the token as its Basic password; it may not start a scan with it.
      const basic = { authorization: `Basic ${Buffer.from(`anyone:${TOKEN}`).toString('base64')}` };
      expect((await call('GET', '/api/scans', basic)).status).toBe(200);
      expect((await call('POST', '/api/scans', basic)).status).toBe(401);
      // Probes stay open unless configured otherwise.
      expect((await call('GET', '/healthz', {})).status).toBe(200);
      expect((await call('GET', '/metrics', {})).status).toBe(200);

      const empty = await call('GET', '/api/scans');
      check('GET', '/api/scans', 200, JSON.parse(empty.text));
      const waiting = await call('GET', '/reports/');
      expect(waiting.status).toBe(200);
      expect(waiting.text).toContain('Not scanned yet: bbq, bbq.copy.');
      expect((await call('GET', '/reports/bbq')).status).toBe(404);

      // Start one service, then all: the running one is reported busy, not scanned twice.
      const one = await call('POST', '/api/scans/bbq');
      expect(one.status).toBe(202);
      check('POST', '/api/scans/{id}', 202, JSON.parse(one.text));
      expect(JSON.parse(one.text)).toEqual({ started: ['bbq'], busy: [], stopping: false });
      const again = await call('POST', '/api/scans/bbq');
      expect(again.status).toBe(409);
      check('POST', '/api/scans/{id}', 409, JSON.parse(again.text));
      const all = await call('POST', '/api/scans');
      expect(JSON.parse(all.text)).toEqual({ started: ['bbq.copy'], busy: ['bbq'], stopping: false });
      check('POST', '/api/scans', 202, JSON.parse(all.text));
      const unknown = await call('POST', '/api/scans/nope');
      expect(unknown.status).toBe(404);
      check('POST', '/api/scans/{id}', 404, JSON.parse(unknown.text));
      expect((await call('POST', '/api/scans', { ...auth, origin: 'https://evil.example' })).status).toBe(403);
      await scans(service, 2);
      const firstPage = await call('GET', '/reports/bbq');
      expect(firstPage.text).not.toContain('<section id="trends"');
      // A second scan of bbq gives its page trends (the page kept from the first scan is not served again).
      expect((await call('POST', '/api/scans/bbq')).status).toBe(202);
      await scans(service, 3);

      const list = await call('GET', '/api/scans?service=bbq&limit=5');
      const listed = JSON.parse(list.text) as { scans: { scanId: string }[] };
      check('GET', '/api/scans', 200, listed);
      expect(listed.scans).toHaveLength(2);
      const scan = await call('GET', `/api/scans/${listed.scans[0]!.scanId}`);
      check('GET', '/api/scans/{id}', 200, JSON.parse(scan.text));
      check('GET', '/api/scans/{id}', 404, JSON.parse((await call('GET', '/api/scans/nope')).text));
      check('GET', '/api/openapi.json', 200, JSON.parse((await call('GET', '/api/openapi.json')).text));

      // /reports redirects to /reports/, whose relative links need the trailing slash.
      const redirect = await call('GET', '/reports');
      expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/reports/']);
      const overview = await call('GET', '/reports/');
      expect(overview.type).toBe('text/html; charset=utf-8');
      expect(overview.text).toContain('<h1>2 services, 2 datastores</h1>');
      expect(overview.text).toContain('<a href="bbq">bbq</a>');
      const page = await call('GET', '/reports/bbq');
      expect(page.text).toContain('<h1>bbq</h1>');
      expect(page.text).toContain('<a href="./">← Fleet overview</a>');
      expect(page.text).toContain('<section id="trends"');
      expect(page.text).toMatch(/<svg role="img" aria-labelledby="trend-findings-title trend-findings-desc"/);
      expect((await call('GET', '/reports/bbq.copy')).text).not.toContain('<section id="trends"');

      // Crawl every link of every served page, as a reader would click them: none is dead, every #anchor exists.
      const seen = new Map<string, string>();
      const queue = [`${base}/reports/`];
      const anchors: { from: string; url: URL }[] = [];
      while (queue.length > 0) {
        const url = queue.shift()!;
        if (seen.has(url)) continue;
        const response = await fetch(url, { headers: auth });
        expect([url, response.status]).toEqual([url, 200]);
        const body = await response.text();
        seen.set(url, body);
        if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) continue;
        for (const [, href] of body.matchAll(/<a href="([^"]*)"/g)) {
          const target = new URL(href!.replace(/&amp;/g, '&'), url);
          if (target.origin !== base) continue; // documentation links leave the service
          if (target.hash) anchors.push({ from: url, url: new URL(target.href) });
          target.hash = '';
          queue.push(target.href);
        }
      }
      expect([...seen.keys()]).toEqual(expect.arrayContaining([`${base}/reports/`, `${base}/reports/bbq`, `${base}/reports/bbq.copy`, `${base}/reports/bbq/bbq.md`]));
      expect(anchors.length).toBeGreaterThan(10);
      for (const { from, url } of anchors) {
        const target = new URL(url.href);
        target.hash = '';
        expect(seen.get(target.href), `${url.href} (linked from ${from})`).toContain(`id="${decodeURIComponent(url.hash.slice(1))}"`);
      }
    } finally {
      await service.stop();
    }
  });

  it('requires the token on /healthz and /metrics when configured, and does not start without the token in the environment', async () => {
    process.env[TOKEN_ENV] = TOKEN;
    const cfg = config('probes', { scanOnStart: false, auth: { tokenEnv: TOKEN_ENV, healthz: true, metrics: true } });
    const service = new ContinuityService({ config: cfg, configPath: null, log: silentLogger, schedule: false });
    const { port } = await service.start();
    try {
      for (const route of ['/healthz', '/metrics']) {
        expect((await fetch(`http://127.0.0.1:${port}${route}`)).status).toBe(401);
        expect((await fetch(`http://127.0.0.1:${port}${route}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      }
    } finally {
      await service.stop();
    }
    delete process.env[TOKEN_ENV];
    const without = new ContinuityService({ config: cfg, configPath: null, log: silentLogger, schedule: false });
    await expect(without.start()).rejects.toThrow(`serve.auth.tokenEnv names ${TOKEN_ENV}, which is not set or empty`);
    await without.stop();
  });
});
