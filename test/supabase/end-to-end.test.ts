// A supabase-project datastore (Management API + database URL) scanned by the
// real CLI into the CONTINUITY-0003 Markdown questionnaire and scan.json.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model';
import { FIXTURE_JWT_SECRET, fixtureEntitlements, fixtureProject, startSupabaseFixture, type SupabaseFixture } from '../support/supabase-fixture-server';
import { runCli, type CliResult } from '../support/cli';
import { startTlsOnlyServer, withAdmin, type EmbeddedServer } from '../support/postgres';
import { SUPABASE_LIKE_SCHEMA } from './database';
import { questionnaireOf } from '../support/questionnaire';

const TOKEN = 'sbp_e2e0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2';
const REF = 'agentopsprodprojecta';

let fixture: SupabaseFixture;
let server: EmbeddedServer;
let dir: string;
let result: CliResult;
let databaseUrl: string;
let markdown: string;
let scan: ScanResult;

/** The real CLI, logging at debug so that any token leak into logs would show. */
const cli = (args: string[], env: Record<string, string>) => runCli(args, { env: { ...env, CONTINUITY_LOG_LEVEL: 'debug' } });

beforeAll(async () => {
  const now = new Date();
  [fixture, server, dir] = await Promise.all([
    startSupabaseFixture({
      token: TOKEN,
      projects: {
        [REF]: fixtureProject({
          ref: REF,
          pitrDays: 28,
          // The add-on was bought 9 days ago: the window is still filling.
          restorableDays: 9,
          latestBackupAt: new Date(now.getTime() - 3 * 3600_000),
          buckets: [{ name: 'invoices' }, { name: 'avatars', public: true }],
          now,
        }),
      },
      organizations: { acmeorgslugabcdefghi: fixtureEntitlements(14) },
      // Another project of the account that no service registers: discovery reports it.
      listedOnly: [fixtureProject({ ref: 'forgottenprojectabcd', name: 'forgotten', pitrDays: false, latestBackupAt: now, now }).project],
    }),
    // Like a Supabase database with SSL enforced: TCP clients only over TLS.
    startTlsOnlyServer(),
    mkdtemp(path.join(os.tmpdir(), 'continuity-supabase-e2e-')),
  ]);
  await withAdmin(server, 'postgres', (admin) => admin.query('create database app'), true);
  await withAdmin(server, 'app', (app) => app.query(SUPABASE_LIKE_SCHEMA), true);
  databaseUrl = `postgres://postgres:${server.password}@127.0.0.1:${server.port}/app?sslmode=require`;

  await writeFile(
    path.join(dir, 'continuity.yaml'),
    `supabase:
  discovery: true
services:
  - name: agentops
    environment: production
    answers:
      ssl: "Yes"
      sensitivity: "No"
    datastores:
      - name: app-db
        type: supabase-project
        projectRef: ${REF}
        apiUrl: ${fixture.url}
        url: \${APP_DATABASE_URL}
        backupPolicy: https://wiki.acme.dev/continuity/agentops-backups
        sensitivity: confidential
        storageBuckets:
          - name: invoices
            backupPolicy: https://wiki.acme.dev/continuity/invoices-bucket-backup
`,
  );
  result = await cli(['scan', '--config', path.join(dir, 'continuity.yaml'), '--out', path.join(dir, 'out')], {
    SUPABASE_ACCESS_TOKEN: TOKEN,
    APP_DATABASE_URL: databaseUrl,
  });
  markdown = await readFile(path.join(dir, 'out', 'agentops.md'), 'utf8');
  scan = JSON.parse(await readFile(path.join(dir, 'out', 'scan.json'), 'utf8')) as ScanResult;
});

afterAll(async () => {
  await Promise.all([fixture?.close(), server?.stop(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
});

const row = (label: string) => markdown.split('\n').find((line) => line.startsWith(`| ${label} |`)) ?? '';

describe('continuity scan of a supabase-project', () => {
  it('completes and writes the reports', () => {
    expect(result.stderr).not.toMatch(/invalid configuration|could not run/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('agentops.md');
  });

  it('answers the backups with the restorable window, judging a 9-day window on a 28-day add-on on the 9 days', () => {
    expect(markdown).toMatch(/PITR on, 9 days restorable \(add-on up to 28\): \S+ to \S+/);
    const pitr = scan.services[0]!.findings.find((f) => f.checkId === 'supabase.pitr');
    expect(pitr?.status).toBe('fail');
    expect(pitr?.message).toMatch(/^9 days restorable \(add-on up to 28\); policy requires 30; Supabase's PITR add-on offers at most 28 days/);
    expect(markdown).toContain('[fail] supabase.pitr: app-db');
    const daily = scan.services[0]!.findings.find((f) => f.checkId === 'supabase.daily-backups');
    expect(daily?.status).toBe('pass');
    expect(daily?.evidence).toContainEqual(expect.objectContaining({ field: 'backup.retention_days', value: 14 }));
  });

  it('shows each Storage bucket as a datastore of the project, outside the database backups unless it declares its own', () => {
    const [datastore] = scan.services[0]!.datastores;
    expect(datastore?.parts).toEqual([
      {
        kind: 'storage bucket',
        name: 'invoices',
        recovery: 'own backup declared (not covered by database backups)',
        backupPolicy: 'https://wiki.acme.dev/continuity/invoices-bucket-backup',
      },
      { kind: 'storage bucket', name: 'avatars', recovery: 'public bucket; not covered by database backups' },
    ]);
    expect(markdown).toContain(
      '| app-db › invoices | storage bucket | production | own backup declared (not covered by database backups) | https://wiki.acme.dev/continuity/invoices-bucket-backup | part of app-db |',
    );
    expect(markdown).toContain('| app-db › avatars | storage bucket | production | public bucket; not covered by database backups | **missing** | part of app-db |');
    const storage = scan.services[0]!.findings.filter((f) => f.checkId === 'supabase.storage-backup');
    expect(storage.map((f) => [f.resource, f.status])).toEqual([
      ['app-db:bucket/invoices', 'pass'],
      ['app-db:bucket/avatars', 'fail'],
    ]);
    const exposed = scan.services[0]!.findings.find((f) => f.checkId === 'supabase.storage-public-bucket');
    expect([exposed?.resource, exposed?.status, exposed?.severity]).toEqual(['app-db:bucket/avatars', 'fail', 'high']);
  });

  it('discovers the project no service registers and the bucket storageBuckets does not list', () => {
    const unregistered = scan.estate.findings.filter((f) => f.checkId === 'supabase.unregistered');
    expect(unregistered.map((f) => [f.resource, f.status])).toEqual([
      ['supabase-project:forgottenprojectabcd', 'fail'],
      [`supabase-bucket:${REF}/avatars`, 'fail'],
    ]);
    // The bucket list was read once, shared by the datastore collector and discovery.
    expect(fixture.requests.filter((r) => r.path === `/v1/projects/${REF}/storage/buckets`)).toHaveLength(1);
  });

  it('answers SSL from the SSL-enforcement endpoint and the database itself', () => {
    expect(row('SSL connection')).toMatch(/\| Yes<br>Stated: "Yes" \| pass \|$/);
    expect(scan.services[0]!.findings.find((f) => f.checkId === 'postgres.ssl-enforced')?.status).toBe('pass');
    const ssl = scan.services[0]!.findings.find((f) => f.checkId === 'supabase.ssl-enforced');
    expect(ssl).toMatchObject({ status: 'pass', evidence: expect.arrayContaining([expect.objectContaining({ field: 'currentConfig.database', value: true })]) });
    expect(markdown).toContain('supabase.ssl-enforced');
  });

  it('answers indexes from the project database', () => {
    expect(row('Indexes')).not.toContain('Not assessed');
    expect(questionnaireOf(scan.services[0]!).find((q) => q.control === 'indexes')?.checkIds.length).toBeGreaterThan(0);
  });

  it('answers data sensitivity with the RLS findings, contradicting the stated "No"', () => {
    expect(row('Data sensitivity')).toMatch(/\| Yes/);
    expect(row('Data sensitivity')).toContain('contradicted by the evidence');
    expect(markdown).toContain('public.customers is exposed through the Data API without row level security');
    const rls = scan.services[0]!.findings.filter((f) => f.checkId === 'supabase.rls-disabled-in-api');
    expect(rls.map((f) => [f.resource, f.severity])).toEqual([
      ['app-db:public.customers', 'critical'],
      ['app-db:public.notes', 'high'],
    ]);
  });

  it('warns that the database accepts connections from anywhere', () => {
    expect(scan.services[0]!.findings.find((f) => f.checkId === 'supabase.network-restrictions')?.status).toBe('warn');
  });

  it('leaves Supabase-managed schemas out of the PostgreSQL checks', () => {
    expect(JSON.stringify(scan)).not.toContain('auth.users');
  });

  it('never writes the access token, the database password or the PostgREST jwt_secret anywhere', async () => {
    const written = await readdir(path.join(dir, 'out'), { recursive: true, withFileTypes: true });
    const files = await Promise.all(written.filter((f) => f.isFile()).map((f) => readFile(path.join(f.parentPath, f.name), 'utf8')));
    expect(files.length).toBeGreaterThan(2);
    // The secret was really sent: the fixture's PostgREST config carried it.
    expect(fixture.answers.some((a) => JSON.stringify(a.body ?? '').includes(FIXTURE_JWT_SECRET))).toBe(true);
    for (const output of [...files, result.stdout, result.stderr]) {
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(server.password);
      expect(output).not.toContain(FIXTURE_JWT_SECRET);
    }
    // The token was really used: the fixture saw it on every request.
    expect(fixture.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('exits 1 with --fail-on critical (the exposed customers table)', async () => {
    const gated = await cli(['scan', '--config', path.join(dir, 'continuity.yaml'), '--out', path.join(dir, 'out2'), '--fail-on', 'critical'], {
      SUPABASE_ACCESS_TOKEN: TOKEN,
      APP_DATABASE_URL: databaseUrl,
    });
    expect(gated.code).toBe(1);
  });

  it('reports a rejected token as error findings, never a pass, and does not print it', async () => {
    const wrong = 'sbp_rejected_token_rejected_token_000000';
    const rejected = await cli(['scan', '--config', path.join(dir, 'continuity.yaml'), '--out', path.join(dir, 'out3'), '--format', 'json'], {
      SUPABASE_ACCESS_TOKEN: wrong,
      APP_DATABASE_URL: databaseUrl,
    });
    const rejectedScan = JSON.parse(await readFile(path.join(dir, 'out3', 'scan.json'), 'utf8')) as ScanResult;
    const supabase = rejectedScan.services[0]!.findings.filter((f) => f.checkId.startsWith('supabase.') && f.checkId !== 'supabase.rls-disabled-in-api');
    // pitr, daily-backups, ssl-enforced, network-restrictions, storage-backup, storage-public-bucket
    expect(supabase.length).toBe(6);
    for (const finding of supabase) {
      expect(['unknown', 'error']).toContain(finding.status);
      expect(finding.message).toContain('HTTP 401');
    }
    for (const output of [JSON.stringify(rejectedScan), rejected.stdout, rejected.stderr]) expect(output).not.toContain(wrong);
  });
});
