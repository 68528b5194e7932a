// /metrics shows each alert sink's circuit breaker, as `continuity serve` runs.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema';
import { silentLogger } from '../../src/log';
import { ContinuityService } from '../../src/service/serve';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver';

let receiver: AlertReceiver;
let work: string;
beforeAll(async () => {
  receiver = await startAlertReceiver();
  work = await mkdtemp(path.join(os.tmpdir(), 'continuity-circuit-'));
  await mkdir(path.join(work, 'repo', 'migrations'), { recursive: true });
  await writeFile(path.join(work, 'repo', 'migrations', '001_orders.sql'), 'create table orders (id bigint);\n');
});
afterAll(async () => {
  await receiver.close();
  await rm(work, { recursive: true, force: true });
});

it('reports a dead sink\'s circuit as open and a healthy one as closed', async () => {
  const config = ConfigSchema.parse({
    services: [{ name: 'orders', repo: path.join(work, 'repo') }],
    history: { dir: path.join(work, 'history') },
    serve: { outDir: path.join(work, 'out'), port: 0, formats: ['json'] },
    alerts: {
      digestIntervalDays: 0,
      retry: { attempts: 2, initialDelayMs: 0, maxDelayMs: 0 },
      circuitBreaker: { failures: 2, openSeconds: 600 },
      sinks: [
        { name: 'dead', type: 'webhook', url: receiver.url('/dead'), secret: 'circuit-test-secret-0123456789' },
        { name: 'healthy', type: 'webhook', url: receiver.url('/healthy'), secret: 'circuit-test-secret-0123456789' },
      ],
    },
  });
  receiver.refuseNext(2, 503, {}, '/dead');
  const service = new ContinuityService({ config, configPath: null, log: silentLogger, schedule: false });
  const { port } = await service.start();
  try {
    const before = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(before).toContain('continuity_alert_sink_circuit_state{sink="dead"} 0');
    expect(await service.runService('orders')).toBe('ok');
    const after = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(after).toContain('continuity_alert_sink_circuit_state{sink="dead"} 2');
    expect(after).toContain('continuity_alert_sink_circuit_state{sink="healthy"} 0');
    expect(after).toContain('continuity_alert_outbox_pending 1');
  } finally {
    await service.stop();
  }
});
