// Seed 001's shape scanned by the real CLI: one service with its PostgreSQL on Supabase and its
// ClickHouse OpenTelemetry store, one CONTINUITY-0003 report answering every row for both. The
// ClickHouse side runs against the fixture server (real @clickhouse/client); a literal canary in
// a mutation and a DELETE must reach no output, and a second scan turns a new mutation into a
// data-changed drift event.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model';
import { fixtureEntitlements, fixtureProject, startSupabaseFixture, type SupabaseFixture } from '../support/supabase-fixture-server';
import { runCli, type CliResult } from '../support/cli';
import { startTlsOnlyServer, withAdmin, type EmbeddedServer } from '../support/postgres';
import { startClickHouseFixture, type ClickHouseFixture } from '../support/clickhouse-fixture-server';
import { CANARY, OTEL_MUTATIONS, SCANNER, hoursAgo, otelServer } from '../support/clickhouse-scan';
import { FIXTURE_REPOS } from '../support/repo-facts';
import { SUPABASE_LIKE_SCHEMA } from '../supabase/database';

const TOKEN = 'sbp_e2e0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2';
const REF = 'agentopsprodprojecta';
const RUNBOOK = 'https://atuin.example/agentops-clickhouse';

let supabase: SupabaseFixture;
let clickhouse: ClickHouseFixture;
let unreachable: ClickHouseFixture;
let server: EmbeddedServer;
let dir: string;
let result: CliResult;
let markdown: string;
let scan: ScanResult;
let env: Record<string, string>;

const scanOnce = (out: string, ...more: string[]) => runCli(['scan', '--config', path.join(dir, 'continuity.yaml'), '--out', path.join(dir, out), ...more], { env, cwd: dir });

beforeAll(async () => {
  const now = new Date();
  [supabase, server, clickhouse, unreachable, dir] = await Promise.all([
    startSupabaseFixture({
      token: TOKEN,
      projects: { [REF]: fixtureProject({ ref: REF, pitrDays: 28, restorableDays: 28, latestBackupAt: new Date(now.getTime() - 3 * 3600_000), now }) },
      organizations: { acmeorgslugabcdefghi: fixtureEntitlements(14) },
    }),
    startTlsOnlyServer(),
    startClickHouseFixture(
      otelServer({
        tables: {
          mutations: OTEL_MUTATIONS(now),
          query_log: [
            { type: 'QueryFinish', event_time: hoursAgo(2, now), query_kind: 'Delete', query: `DELETE FROM otel.otel_logs WHERE Body = '${CANARY}'`, user: 'alice', query_id: 'q-7', tables: ['otel.otel_logs'] },
          ],
        },
      }),
    ),
    startClickHouseFixture(otelServer({ http: 'closed', https: 'closed' })),
    mkdtemp(path.join(os.tmpdir(), 'continuity-clickhouse-e2e-')),
  ]);
  await withAdmin(server, 'postgres', (admin) => admin.query('create database app'), true);
  await withAdmin(server, 'app', (app) => app.query(SUPABASE_LIKE_SCHEMA), true);
  await writeFile(path.join(dir, 'ca.pem'), clickhouse.caCert);
  await writeFile(
    path.join(dir, 'continuity.yaml'),
    `services:
  - name: agentops
    environment: production
    repo: ${path.join(FIXTURE_REPOS, 'supabase')}
    datastores:
      - name: app-db
        type: supabase-project
        projectRef: ${REF}
        apiUrl: ${supabase.url}
        url: \${APP_DATABASE_URL}
        backupPolicy: https://wiki.acme.dev/continuity/agentops-backups
        sensitivity: confidential
      - name: otel-ch
        type: clickhouse
        url: ${clickhouse.httpsUrl}
        tls:
          caFile: ${path.join(dir, 'ca.pem')}
        backupPolicy: https://wiki.acme.dev/continuity/otel-clickhouse-backups
        dataChangeRunbook: ${RUNBOOK}
  - name: otel-replica
    environment: production
    datastores:
      - name: replica-ch
        type: clickhouse
        url: ${unreachable.httpUrl}
`,
  );
  env = {
    SUPABASE_ACCESS_TOKEN: TOKEN,
    APP_DATABASE_URL: `postgres://postgres:${server.password}@127.0.0.1:${server.port}/app?sslmode=require`,
    CLICKHOUSE_USER: SCANNER.user,
    CLICKHOUSE_PASSWORD: SCANNER.password,
    CONTINUITY_LOG_LEVEL: 'debug',
  };
  result = await scanOnce('out');
  markdown = await readFile(path.join(dir, 'out', 'agentops.md'), 'utf8');
  scan = JSON.parse(await readFile(path.join(dir, 'out', 'scan.json'), 'utf8')) as ScanResult;
}, 240_000);

afterAll(async () => {
  await Promise.all([supabase?.close(), clickhouse?.close(), unreachable?.close(), server?.stop(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
});

const row = (label: string) => markdown.split('\n').find((line) => line.startsWith(`| ${label} |`)) ?? '';
const agentops = () => scan.services.find((s) => s.name === 'agentops')!;
const findings = (checkId: string) => agentops().findings.filter((f) => f.checkId === checkId);

describe('continuity scan of a Supabase project and a ClickHouse store in one service', () => {
  it('completes, reading ClickHouse read-only, system tables only', () => {
    expect(result.stderr).not.toMatch(/invalid configuration|could not run/);
    expect(result.code).toBe(0);
    clickhouse.assertNoViolations();
    expect(clickhouse.queries.length).toBeGreaterThan(10);
  });

  it('answers every row of the questionnaire, each with the checks of both databases where they apply', () => {
    for (const label of ['Database schema migrations', 'Indexes', 'SSL connection', 'Data sensitivity', 'Backup policy']) {
      expect(row(label), label).not.toMatch(/\| Not assessed/);
    }
    const answered = (control: string) => agentops().frameworks!.find((f) => f.framework === 'continuity-0003')!.answers.find((a) => a.control === control)!.checkIds;
    expect(answered('backups')).toEqual(expect.arrayContaining(['supabase.pitr', 'clickhouse.backups']));
    expect(answered('ssl')).toEqual(expect.arrayContaining(['supabase.ssl-enforced', 'clickhouse.tls']));
    expect(answered('sensitivity')).toEqual(expect.arrayContaining(['postgres.sensitive-columns', 'clickhouse.sensitive-columns']));
    expect(answered('indexes')).toEqual(expect.arrayContaining(['clickhouse.indexes']));
    expect(answered('migrations')).toEqual(expect.arrayContaining(['repo.migration-tool', 'clickhouse.data-changes-recorded']));
    expect(row('Indexes')).toContain('Not fully assessed');
    expect(row('Database schema migrations')).toContain(`ClickHouse otel-ch: schemas are not migrated from a repository; data is changed by individual queries, recorded in ${RUNBOOK}: 3 change(s)`);
  });

  it('shows the span of retained backups in the recovery column of the datastore table', () => {
    expect(markdown).toMatch(/\| otel-ch \| [^|]*\| production \| no point-in-time recovery: daily backups \(BACKUP\), 44 days logged \(retention not readable[^|]*\), newest 3 h ago \|/);
    expect(findings('clickhouse.backups')[0]).toMatchObject({ status: 'warn', message: expect.stringContaining('retention not fully assessed') });
  });

  it('fails TLS on the open plaintext ports, found by a probe that sent no credentials', () => {
    expect(findings('clickhouse.tls')[0]).toMatchObject({ status: 'fail', message: expect.stringMatching(/plaintext http_port \d+ \(HTTP\) and tcp_port \d+ \(native protocol\) accept connections/) });
    expect(clickhouse.nativeConnections.every((c) => c.firstBytes.startsWith('GET /ping'))).toBe(true);
  });

  it('lists each data change to match with the runbook, and no literal from a row reaches any output', async () => {
    expect(findings('clickhouse.data-changes-recorded').map((f) => [f.resource, f.status])).toEqual([
      ['otel-ch:mutation/otel.otel_traces/mutation_42.txt', 'warn'],
      ['otel-ch:mutation/otel.otel_logs/mutation_41.txt', 'warn'],
      ['otel-ch:delete/q-7', 'warn'],
    ]);
    const written = await readdir(path.join(dir, 'out'), { recursive: true, withFileTypes: true });
    const outputs = await Promise.all(written.filter((f) => f.isFile()).map((f) => readFile(path.join(f.parentPath, f.name), 'utf8')));
    expect(outputs.join('')).toContain('UPDATE Body = ? WHERE TraceId = ?');
    for (const output of [...outputs, result.stdout, result.stderr]) {
      expect(output).not.toContain(CANARY);
      expect(output).not.toContain('a1b2c3');
      expect(output).not.toContain(SCANNER.password);
    }
  });

  it('answers sensitivity from ClickHouse column metadata too', () => {
    expect(findings('clickhouse.sensitive-columns')[0]?.evidence).toContainEqual(expect.objectContaining({ field: 'otel.otel_traces.UserEmail', value: 'email' }));
  });

  it('reports an unreachable ClickHouse as collection errors, never a pass', () => {
    const replica = scan.services.find((s) => s.name === 'otel-replica')!;
    const checks = replica.findings.filter((f) => f.checkId.startsWith('clickhouse.'));
    expect(checks.length).toBe(6);
    expect(checks.every((f) => f.status === 'error' && /could not collect clickhouse facts: could not query ClickHouse: .*ECONNREFUSED/.test(f.message))).toBe(true);
    expect(replica.datastores[0]?.collectionError).toMatch(/ECONNREFUSED/);
  });

  it('turns a mutation new since the previous scan into a data-changed event', async () => {
    clickhouse.setTable('mutations', [
      { database: 'otel', table: 'otel_logs', mutation_id: 'mutation_43.txt', command: `DELETE WHERE Body = '${CANARY}'`, create_time: new Date(), is_done: 0 },
      ...OTEL_MUTATIONS(),
    ]);
    const second = await scanOnce('out-second', '--diff');
    expect(second.code).toBe(0);
    const next = JSON.parse(await readFile(path.join(dir, 'out-second', 'scan.json'), 'utf8')) as ScanResult;
    const events = next.changes?.events.filter((e) => e.type === 'data-changed') ?? [];
    expect(events.map((e) => e.resource)).toEqual(['otel-ch:mutation/otel.otel_logs/mutation_43.txt']);
    expect(events[0]!.message).toContain('DELETE mutation on otel.otel_logs');
    expect(second.stdout).toMatch(/data-changed \[medium\] agentops: production data changed at \S+: DELETE mutation on otel\.otel_logs/);
    expect(JSON.stringify(next)).not.toContain(CANARY);
    expect(second.stdout).not.toContain(CANARY);
  });
});
