// `continuity serve` under bad requests and failing scans: malformed input is a
// 400 naming it, never a 500; /healthz is not ok while every scan fails.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema';
import { silentLogger } from '../../src/log';
import { ContinuityService } from '../../src/service/serve';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'continuity-http-faults-'));
  await mkdir(path.join(work, 'repo', 'migrations'), { recursive: true });
  await writeFile(path.join(work, 'repo', 'migrations', '001_orders.sql'), 'create table orders (id bigint);\n');
  // A file where the reports directory should be: every scan fails to write its reports.
  await writeFile(path.join(work, 'not-a-directory'), '');
});
afterAll(() => rm(work, { recursive: true, force: true }));

function service(outDir: string): ContinuityService {
  const config = ConfigSchema.parse({
    services: [{ name: 'orders', repo: path.join(work, 'repo') }],
    history: { dir: path.join(work, 'history', path.basename(outDir)) },
    serve: { outDir, port: 0, formats: ['json'] },
  });
  return new ContinuityService({ config, configPath: null, log: silentLogger, schedule: false });
}

it('answers a malformed limit or percent-encoding with 400, naming it', async () => {
  const serve = service(path.join(work, 'out'));
  const { port } = await serve.start();
  try {
    expect(await serve.runService('orders')).toBe('ok');
    const get = async (route: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${route}`);
      return [response.status, ((await response.json()) as { error?: string }).error ?? 'ok'];
    };
    expect(await get('/api/scans?limit=-1')).toEqual([400, 'limit must be a whole number from 1 to 1000']);
    expect(await get('/api/scans?limit=abc')).toEqual([400, 'limit must be a whole number from 1 to 1000']);
    expect(await get('/api/scans?limit=0')).toEqual([400, 'limit must be a whole number from 1 to 1000']);
    expect(await get('/api/scans?limit=1')).toEqual([200, 'ok']);
    expect(await get('/reports/%E0%A4%A')).toEqual([400, 'malformed percent-encoding in the path']);
    expect(await get('/healthz')).toEqual([200, 'ok']);
  } finally {
    await serve.stop();
  }
});

it('/healthz is 503 "failing" while the last scan of every service failed', async () => {
  const serve = service(path.join(work, 'not-a-directory', 'out'));
  const { port } = await serve.start();
  try {
    expect(await serve.runService('orders')).toBe('failed');
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'failing', running: [], failing: ['orders'] });
  } finally {
    await serve.stop();
  }
});
