import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../support/cli';
import { startPlaintextServer, type EmbeddedServer } from '../support/postgres';
import { createBbqDatabase } from '../../src/demo/estate';
import { freePort } from '../../src/embedded-postgres';
import type { ScanResult } from '../../src/model';
import { questionnaireOf } from '../support/questionnaire';

const LITERAL_PASSWORD = 'literal-Pa55word-in-config';

async function readAll(dir: string): Promise<string> {
  const files = await readdir(dir);
  return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
}

describe('continuity scan (CLI)', () => {
  let server: EmbeddedServer;
  let work: string;
  let closedPort: number;

  beforeAll(async () => {
    server = await startPlaintextServer();
    await createBbqDatabase(server);
    work = await mkdtemp(path.join(os.tmpdir(), 'continuity-cli-'));
    closedPort = await freePort();
  });
  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const writeConfig = async (name: string, datastores: string) => {
    const file = path.join(work, name);
    await writeFile(
      file,
      `scan:\n  connectTimeoutMs: 3000\nservices:\n  - name: bbq\n    environment: production\n    datastores:\n${datastores}`,
    );
    return file;
  };
  const reachable = `      - name: inventory-db\n        type: postgres\n        url: postgres://postgres:\${BBQ_DB_PASSWORD}@127.0.0.1:PORT/bbq?sslmode=disable\n        backupPolicy: https://wiki.internal/backups/bbq\n`;
  const unreachable = `      - name: gone-db\n        type: postgres\n        url: postgres://app:${LITERAL_PASSWORD}@127.0.0.1:CLOSED/app?sslmode=disable\n`;

  it('scans what it can reach, reports the rest as errors, and leaks no password anywhere', async () => {
    const config = await writeConfig('mixed.yaml', reachable.replace('PORT', String(server.port)) + unreachable.replace('CLOSED', String(closedPort)));
    const out = path.join(work, 'out-mixed');
    const result = await runCli(['scan', '--config', config, '--out', out], { env: { BBQ_DB_PASSWORD: server.password } });
    expect(result.code).toBe(0);
    const scan = JSON.parse(await readFile(path.join(out, 'scan.json'), 'utf8')) as ScanResult;
    const findings = scan.services[0]!.findings;
    expect(findings.filter((f) => f.datastore === 'gone-db' && f.checkId.startsWith('postgres.')).every((f) => f.status === 'error')).toBe(true);
    expect(findings.find((f) => f.checkId === 'postgres.unindexed-foreign-key')!.status).toBe('fail');
    const everything = result.stdout + result.stderr + (await readAll(out));
    expect(everything).not.toContain(server.password);
    expect(everything).not.toContain(LITERAL_PASSWORD);
    const markdown = await readFile(path.join(out, 'bbq.md'), 'utf8');
    expect(markdown).toContain(
      '| Indexes | Do SQL Queries use indexes and appropriate secondary indexes? | Partly: the queries of inventory-db were not judged (the pg_stat_statements extension is not installed in this database). ' +
        'Other checks of this row: 2 failing findings (postgres.unindexed-foreign-key, postgres.missing-primary-key), 9 of 13 items could not be assessed. | fail |',
    );
  });

  it('exits 3 when no datastore could be scanned', async () => {
    const config = await writeConfig('down.yaml', unreachable.replace('CLOSED', String(closedPort)));
    const result = await runCli(['scan', '--config', config, '--out', path.join(work, 'out-down')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/no datastore could be scanned/);
  });

  it('exits 1 when a failing finding is at or above --fail-on', async () => {
    const config = await writeConfig('gate.yaml', reachable.replace('PORT', String(server.port)));
    const env = { BBQ_DB_PASSWORD: server.password };
    const high = await runCli(['scan', '--config', config, '--out', path.join(work, 'out-gate'), '--fail-on', 'high'], { env });
    expect(high.code).toBe(1); // ssl off on this server is a high failure
    const critical = await runCli(['scan', '--config', config, '--out', path.join(work, 'out-gate'), '--fail-on', 'critical'], { env });
    expect(critical.code).toBe(0);
  });

  it('exits 2 naming the key for an invalid config or a missing variable', async () => {
    const typo = await writeConfig('typo.yaml', reachable.replace('PORT', '5432').replace('backupPolicy', 'backupPolcy'));
    const bad = await runCli(['scan', '--config', typo], { env: { BBQ_DB_PASSWORD: 'x' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${typo}:10: services[0].datastores[0].backupPolcy: unknown key "backupPolcy"`);
    const missing = await runCli(['scan', '--config', typo], { env: { BBQ_DB_PASSWORD: '' , PATH: process.env.PATH } });
    expect(missing.code).toBe(2);
    const unset = await runCli(['scan', '--config', await writeConfig('unset.yaml', reachable.replace('PORT', '5432'))], { env: { BBQ_DB_PASSWORD: undefined } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/services\[0\]\.datastores\[0\]\.url: environment variable BBQ_DB_PASSWORD is not set/);
  });

  it('exits 2 for usage errors', async () => {
    expect((await runCli(['scan', '--format', 'pdf'])).code).toBe(2);
    expect((await runCli(['scan', '--fail-on', 'urgent'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const config = await writeConfig('svc.yaml', reachable.replace('PORT', '5432'));
    const unknownService = await runCli(['scan', '--config', config, '--service', 'nope'], { env: { BBQ_DB_PASSWORD: 'x' } });
    expect(unknownService.code).toBe(2);
    expect(unknownService.stderr).toMatch(/unknown service "nope"/);
  });
});

describe('continuity scan without --config (the demo, what npm start runs)', () => {
  it('scans the demo estate and writes the questionnaire and the JSON result', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'continuity-demo-'));
    onTestFinished(() => rm(cwd, { recursive: true, force: true }));
    const result = await runCli(['scan'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('reports:\n  out/bbq-inventory.md\n');
    const markdown = await readFile(path.join(cwd, 'out/bbq-inventory.md'), 'utf8');
    const scan = JSON.parse(await readFile(path.join(cwd, 'out/scan.json'), 'utf8')) as ScanResult;
    const rows = questionnaireOf(scan.services[0]!);
    const answer = (row: string) => rows.find((r) => r.control === row)!.answer;
    expect(answer('migrations')).toMatch(/^golang-migrate in migrations: 5 migrations, newest 000005_inventory_reorder_level/);
    expect(answer('rollbacks')).toMatch(/^Partly: 4 of 5 migrations \(80%\) have a real down\/revert script/);
    expect(answer('compatibility')).toMatch(/^No: 1 of all 5 migrations .*add-not-null-column-without-default/);
    // Answered from the demo's workload (pg_stat_statements) and qualified by the catalog checks.
    expect(answer('indexes')).toMatch(
      /^No: 1 of the 3 statements of inventory-db \(\d+% of its execution time in pg_stat_statements, judged from their generic plans\) reads a large table in full: `select id, warehouse_id, quantity from inventory where menu_id = \$1` \(queryid -?\d+\) reads public\.inventory in full: CREATE INDEX CONCURRENTLY ON public\.inventory \(menu_id\)\./,
    );
    // A server started seconds ago: the catalog usage statistics are too young to judge scans and index use.
    expect(answer('indexes')).toMatch(/Other checks of this row: 2 failing findings \(postgres\.unindexed-foreign-key, postgres\.missing-primary-key\), 2 of 6 items could not be assessed\.$/);
    expect(answer('ssl')).toBe('No');
    expect(answer('sensitivity')).toBe('Yes');
    expect(rows.find((r) => r.control === 'indexes')!.stated).toMatchObject({ answer: 'Yes', contradicted: true });
    expect(markdown).toContain('# CONTINUITY-0003: Data Management');
    expect(markdown).toContain('foreign key inventory_menu_id_fkey (menu_id) -> menu has no supporting index');
    // The recovery column reads the demo server's WAL archiving.
    expect(scan.services[0]!.datastores[0]!.pitr).toMatch(/^WAL archived, last \d+ min ago$/);
    expect(markdown).toMatch(/\| inventory-db \| postgres \| production \| WAL archived, last \d+ min ago \|/);
    expect(scan.services[0]!.findings.find((f) => f.checkId === 'postgres.wal-archiving')!.status).toBe('pass');
  });
});
