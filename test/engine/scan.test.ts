import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema';
import { runScan } from '../../src/engine/scan';
import { defineDatastoreCheck, defineEstateCheck, defineServiceCheck, type CollectContext } from '../../src/engine/types';
import { DATASTORE_COLLECTORS, type DatastoreCollector } from '../../src/datastores';
import { silentLogger } from '../../src/log';
import type { BackupPolicyLinkFacts } from '../../src/datastores/backup-policy-link';
import { backupPolicyLinkCollector } from '../../src/datastores/backup-policy-link';
import backupPolicyLink from '../../checks/datastore/backup-policy-link';
import { questionnaireOf } from '../support/questionnaire';

const config = (extra: Record<string, unknown> = {}) =>
  ConfigSchema.parse({
    scan: { datastoreTimeoutSeconds: 0.2 },
    services: [
      {
        name: 'orders',
        datastores: [
          { name: 'good', type: 'postgres', url: 'postgres://h/good', backupPolicy: 'https://wiki.internal/b' },
          { name: 'broken', type: 'postgres', url: 'postgres://h/broken' },
          { name: 'slow', type: 'postgres', url: 'postgres://h/slow' },
        ],
      },
      { name: 'sandbox', environment: 'dev', datastores: [{ name: 'scratch', type: 'postgres', url: 'postgres://h/s' }] },
    ],
    ...extra,
  });

/** A stand-in collector: succeeds, throws or hangs depending on the datastore name. */
const fakeLinks: DatastoreCollector = {
  kind: 'backupPolicyLink',
  appliesTo: () => true,
  async collect({ datastore, signal }: CollectContext): Promise<BackupPolicyLinkFacts> {
    if (datastore.name === 'broken') throw new Error('connect ECONNREFUSED postgres://app:hunter2-secret@h/broken');
    if (datastore.name === 'slow') await new Promise((resolve) => signal.addEventListener('abort', resolve));
    return { link: datastore.backupPolicy ?? null, reachability: null };
  },
};

const noEvidence = defineDatastoreCheck({
  ...backupPolicyLink,
  id: 'test.no-evidence',
  protection: false,
  evaluate: ({ datastore }) => [{ resource: datastore.name, status: 'pass', message: 'looks fine', evidence: [] }],
});

const plan = (cfg = config()) => ({
  config: cfg,
  configPath: null,
  collectors: [fakeLinks],
  serviceCollectors: [],
  checks: [backupPolicyLink, noEvidence],
  log: silentLogger,
  now: () => new Date('2026-11-21T12:00:00Z'),
});

describe('runScan', () => {
  it('gives error findings for a failed or timed-out datastore while the others are reported', async () => {
    const scan = await runScan(plan());
    const orders = scan.services.find((s) => s.name === 'orders')!;
    const byDatastore = (name: string) => orders.findings.filter((f) => f.datastore === name && f.checkId === 'datastore.backup-policy-link');
    expect(byDatastore('good')[0]!.status).toBe('pass');
    expect(byDatastore('broken')[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/ECONNREFUSED/) });
    expect(byDatastore('slow')[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/timed out after 0.2s/) });
    expect(orders.datastores.find((d) => d.name === 'slow')!.collectionError).toMatch(/timed out/);
  });

  it('never lets a credential from an error message into the result', async () => {
    const scan = await runScan(plan());
    expect(JSON.stringify(scan)).not.toContain('hunter2-secret');
  });

  it('redacts registered secrets that a check copies from config into evidence', async () => {
    const cfg = config();
    const good = cfg.services[0]!.datastores[0]!;
    good.backupPolicy = 'https://wiki-bot:wiki-S3cret-pw@wiki.internal/backups';
    const { registerUrlSecrets } = await import('../../src/secrets');
    registerUrlSecrets(good.backupPolicy);
    const scan = await runScan(plan(cfg));
    const text = JSON.stringify(scan);
    expect(text).not.toContain('wiki-S3cret-pw');
    expect(text).toContain('wiki.internal/backups');
  });

  it('turns a pass without evidence into unknown', async () => {
    const scan = await runScan(plan());
    const f = scan.services[0]!.findings.find((x) => x.checkId === 'test.no-evidence' && x.datastore === 'good')!;
    expect(f.status).toBe('unknown');
  });

  it('skips protection checks where the environment carries no protection requirement', async () => {
    const scan = await runScan(plan());
    const f = scan.services[1]!.findings.find((x) => x.checkId === 'datastore.backup-policy-link')!;
    expect(f).toMatchObject({ status: 'skipped', message: 'environment "dev" carries no protection requirement' });
  });

  it('waives a failure until the waiver expires, then says it expired', async () => {
    const waiver = { check: 'datastore.backup-policy-link', resource: 'scratch*', reason: 'sandbox', approver: 'sre-lead', expires: '2026-11-21' };
    const cfg = config({ waivers: [waiver], policy: { environments: { dev: { protectionRequired: true } } } });
    const live = await runScan(plan(cfg));
    expect(live.services[1]!.findings.find((x) => x.checkId === 'datastore.backup-policy-link')).toMatchObject({ status: 'waived', waiver: { expired: false } });
    const later = await runScan({ ...plan(cfg), now: () => new Date('2026-11-22T00:00:01Z') });
    const expired = later.services[1]!.findings.find((x) => x.checkId === 'datastore.backup-policy-link')!;
    expect(expired).toMatchObject({ status: 'fail', waiver: { expired: true } });
    expect(expired.message).toMatch(/waiver expired 2026-11-21/);
  });

  it('answers the questionnaire rows it has evidence for and marks the others not assessed', async () => {
    const scan = await runScan(plan());
    const rows = Object.fromEntries(questionnaireOf(scan.services[0]!).map((q) => [q.control, q.answer]));
    expect(rows.migrations).toMatch(/^Not assessed: /);
    expect(rows.backups).toBe('Not fully assessed: 2 of 3 items could not be assessed; the rest pass');
    const sandbox = Object.fromEntries(questionnaireOf(scan.services[1]!).map((q) => [q.control, q.answer]));
    expect(sandbox.backups).toBe('Not required: environment "dev" carries no protection requirement');
  });

  it('treats service and estate checks like datastore checks: policy skips first, then a failed collection is an error', async () => {
    const failing = (kind: string) => ({ kind, appliesTo: () => true, collect: () => Promise.reject(new Error('repository unreadable')) });
    const repoCheck = defineServiceCheck({ ...backupPolicyLink, scope: 'service', requires: 'repo', id: 'test.repo', protection: true, evaluate: () => [] });
    const estateCheck = defineEstateCheck({ ...backupPolicyLink, scope: 'estate', requires: 'awsDiscovery', id: 'test.estate', protection: false, evaluate: () => [] });
    const cfg = config({ policy: { skipChecks: ['test.estate'] } });
    const scan = await runScan({
      ...plan(cfg),
      serviceCollectors: [failing('repo')],
      estateCollectors: [{ ...failing('awsDiscovery'), appliesTo: () => true }],
      checks: [repoCheck, estateCheck],
    });
    // production service: the check applies, its facts failed: error
    expect(scan.services[0]!.findings).toMatchObject([{ checkId: 'test.repo', status: 'error', message: 'could not collect repo facts: repository unreadable' }]);
    // dev service: a protection check does not apply there, whatever happened to its facts
    expect(scan.services[1]!.findings).toMatchObject([{ checkId: 'test.repo', status: 'skipped' }]);
    // estate checks honour policy.skipChecks like the others
    expect(scan.estate.findings).toMatchObject([{ checkId: 'test.estate', status: 'skipped', message: expect.stringMatching(/skipped by policy/) }]);
  });

  it('rejects an unknown service name', async () => {
    await expect(runScan({ ...plan(), services: ['nope'] })).rejects.toThrow(/unknown service "nope"/);
  });
});

describe('backup policy link reachability', () => {
  it('probes the link over HTTP only when the policy asks', async () => {
    const http = await import('node:http');
    const server = http.createServer((req, res) => {
      res.statusCode = req.url === '/ok' ? 200 : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const cfg = ConfigSchema.parse({
        policy: { backupPolicyLink: { checkReachability: true, timeoutMs: 2000 } },
        services: [{ name: 's', datastores: [
          { name: 'ok', type: 'postgres', url: 'postgres://h/a', backupPolicy: `http://127.0.0.1:${port}/ok` },
          { name: 'gone', type: 'postgres', url: 'postgres://h/b', backupPolicy: `http://127.0.0.1:${port}/gone` },
        ] }],
      });
      const scan = await runScan({ ...plan(cfg), collectors: DATASTORE_COLLECTORS.filter((c) => c.kind === 'backupPolicyLink'), checks: [backupPolicyLink] });
      const findings = scan.services[0]!.findings;
      // Both are http (not https), so both fail on scheme before reachability matters; the evidence still shows the probe.
      expect(findings.map((f) => f.message)).toEqual(['the backup policy link uses http, not https', 'the backup policy link uses http, not https']);
      const facts = await backupPolicyLinkCollector.collect({
        config: cfg, service: cfg.services[0]!, datastore: cfg.services[0]!.datastores[1]!, policy: { ...(await import('../../src/config/policy')).resolvePolicy(cfg, 'production') },
        signal: new AbortController().signal, log: silentLogger, shared: { once: (_k, load) => load() },
      });
      expect(facts.reachability).toEqual({ status: 404, ok: false, detail: 'HTTP 404' });
    } finally {
      server.close();
    }
  });
});
