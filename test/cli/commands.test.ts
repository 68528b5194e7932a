// The CLI around a scan: --version, checks, history, scan ids by prefix, diff
// without datastore secrets, --out -, check filters, the --fail-on lines, logs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { startPlaintextServer, type EmbeddedServer } from '../support/postgres';
import { createBbqDatabase } from '../../src/demo/estate';
import { ALL_CHECKS } from '../../checks';
import type { ScanResult } from '../../src/model';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('continuity commands', () => {
  let server: EmbeddedServer;
  let cwd: string;
  let config: string;
  const env = () => ({ BBQ_DB_PASSWORD: server.password });

  beforeAll(async () => {
    server = await startPlaintextServer();
    await createBbqDatabase(server);
    cwd = await mkdtemp(path.join(os.tmpdir(), 'continuity-commands-'));
    config = path.join(cwd, 'continuity.yaml');
    await writeFile(
      config,
      `services:\n  - name: bbq\n    environment: production\n    datastores:\n      - name: inventory-db\n        type: postgres\n        url: postgres://postgres:\${BBQ_DB_PASSWORD}@127.0.0.1:${server.port}/bbq?sslmode=disable\n`,
    );
  });
  afterAll(async () => {
    await server?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect([result.code, result.stdout]).toEqual([0, `${version}\n`]);
  });

  it('checks lists every check with its severity, framework rows and datastore types, as text and JSON', async () => {
    const json = await runCli(['checks', '--format', 'json']);
    expect(json.code).toBe(0);
    const listing = JSON.parse(json.stdout) as { id: string; severity: string; frameworks: Record<string, string[]>; appliesTo: string[] }[];
    expect(listing.map((c) => c.id)).toEqual(ALL_CHECKS.map((c) => c.id));
    expect(listing.find((c) => c.id === 'postgres.ssl-enforced')).toMatchObject({
      severity: 'high',
      frameworks: { 'continuity-0003': ['SSL connection'] },
      appliesTo: expect.arrayContaining(['postgres', 'supabase-project']),
    });
    expect(listing.find((c) => c.id === 'postgres.ssl-enforced')!.appliesTo).not.toContain('s3-bucket');
    expect(listing.find((c) => c.id === 'repo.migration-tool')!.appliesTo).toEqual(['repository']);
    const text = await runCli(['checks']);
    expect(text.stdout).toMatch(/^postgres\.ssl-enforced +high +PostgreSQL refuses connections without TLS$/m);
    expect((await runCli(['checks', '--format', 'yaml'])).code).toBe(2);
  });

  it('--check runs only the selected checks; a pattern matching none is a usage error', async () => {
    const result = await runCli(['scan', '--config', config, '--out', '-', '--no-history', '--check', 'postgres.ssl-*,datastore.*', '--exclude-check', 'postgres.ssl-enforced'], { env: env() });
    expect(result.code).toBe(0);
    const scan = JSON.parse(result.stdout) as ScanResult;
    expect([...new Set(scan.services[0]!.findings.map((f) => f.checkId))].sort()).toEqual(['datastore.backup-policy-link']);
    const unknown = await runCli(['scan', '--config', config, '--check', 'postgres.nope'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no check matches "postgres.nope"');
  });

  it('--out - writes scan.json to stdout, the summary to stderr, and creates no directory', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-stdout-'));
    try {
      const result = await runCli(['scan', '--config', config, '--out', '-', '--no-history', '--check', 'postgres.ssl-enforced'], { env: env(), cwd: dir });
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as ScanResult).services[0]!.name).toBe('bbq');
      expect(result.stderr).toContain('continuity: scanned 1 service, 1 datastore');
      expect(existsSync(path.join(dir, '-'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--fail-on prints each finding that made it exit 1; not on a TTY, no colour and the logs are JSON', async () => {
    const result = await runCli(['scan', '--config', config, '--out', path.join(cwd, 'out'), '--fail-on', 'high', '--no-history'], { env: env() });
    expect(result.code).toBe(1);
    const gate = result.stderr.slice(result.stderr.indexOf('continuity: exit 1'));
    expect(gate).toBe(
      [
        'continuity: exit 1: 3 failing findings are at or above --fail-on high:',
        '  high     datastore.backup-policy-link  bbq/inventory-db',
        '  high     postgres.ssl-enforced  bbq/inventory-db',
        '  high     postgres.wal-archiving  bbq/inventory-db',
        '',
      ].join('\n'),
    );
    expect(result.stdout).toContain('  high     postgres.ssl-enforced  bbq/inventory-db');
    expect(result.stdout + result.stderr).not.toContain('\u001b[');
    const logs = result.stderr.split('\n').filter((l) => l.startsWith('{'));
    expect(logs.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('datastore scanned');
    // The summary lists what --status and --severity select.
    const warnings = await runCli(['scan', '--config', config, '--out', path.join(cwd, 'out'), '--no-history', '--status', 'pass', '--severity', 'high'], { env: env() });
    expect(warnings.stdout).toMatch(/^ {2}\d+ pass findings?: \d+ high$/m);
    expect(warnings.stdout).not.toMatch(/medium/);
  });

  it('--log-format text writes logs as text lines', async () => {
    const result = await runCli(['scan', '--config', config, '--out', path.join(cwd, 'out'), '--no-history', '--check', 'postgres.ssl-enforced', '--log-format', 'text'], {
      env: { ...env(), CONTINUITY_LOG_LEVEL: 'info' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^\d\d:\d\d:\d\d info datastore scanned service=bbq datastore=inventory-db ok=true durationMs=\d+$/m);
  });

  it('history lists the scans; diff and history read the history without the datastore password; scan ids are accepted by unique prefix', async () => {
    for (let i = 0; i < 2; i++) {
      const scan = await runCli(['scan', '--config', config, '--out', path.join(cwd, 'out'), '--check', 'postgres.ssl-enforced'], { env: env(), cwd });
      expect(scan.code).toBe(0);
    }
    // No BBQ_DB_PASSWORD: these commands connect to no datastore.
    const noSecrets = { BBQ_DB_PASSWORD: undefined };
    const history = await runCli(['history', '--config', config, '--service', 'bbq'], { env: noSecrets, cwd });
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^[0-9a-f]{8} {2}\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC {2}bbq {2}1 fail$/);
    const json = JSON.parse((await runCli(['history', '--config', config, '--json'], { env: noSecrets, cwd })).stdout) as { scanId: string }[];
    const [newest, older] = json.map((e) => e.scanId);
    const diff = await runCli(['diff', '--config', config, '--from', older!.slice(0, 8), '--to', newest!.slice(0, 6)], { env: noSecrets, cwd });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(`changes from scan ${older} (`);
    expect(diff.stdout).toContain(` to ${newest} (`);
    const missing = await runCli(['diff', '--config', config, '--from', 'ffffffffff'], { env: noSecrets, cwd });
    expect([missing.code, missing.stderr]).toEqual([2, 'continuity: no scan ffffffffff in the history\n']);
    // The scan itself does need the password, and says which variable.
    const scan = await runCli(['scan', '--config', config], { env: noSecrets, cwd });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain('environment variable BBQ_DB_PASSWORD is not set');
  });
});
