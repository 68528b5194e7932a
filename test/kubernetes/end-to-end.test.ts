// The seed 003 shape scanned by the real CLI: an inventory application whose
// data lives on a PersistentVolumeClaim, beside a CloudNativePG cluster and a
// Crunchy PGO cluster, on the fixture API server; discovery finds a cluster no
// service registers; a second scan after the ObjectStore's retention drops
// from 30d to 7d reports the change as drift. The CloudNativePG cluster
// carries a url (an embedded PostgreSQL stands in for its -rw Service, archiving
// WAL for real), so every PostgreSQL check runs on it too, and its database
// confirms the archiving the operator reports; the Crunchy PGO cluster has no
// url, so nothing confirms its archiving.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../../src/model';
import { runCli, type CliResult } from '../support/cli';
import { archiveOneSegment, startTlsOnlyServer, type EmbeddedServer } from '../support/postgres';
import { tokenContext, writeKubeconfig, type WrittenKubeconfig } from '../support/kubeconfig';
import { startKubernetesFixture, type KubernetesFixture } from '../support/kubernetes-fixture-server';
import { barmanObjectStore, cnpgClusterCase, pgoClusterCase, pvcCase, veleroScheduleCase } from '../support/kubernetes-objects';
import { FIXTURE_USERS, SCANNER } from './support';

const DAY = 24 * 3600_000;

let fixture: KubernetesFixture;
let database: EmbeddedServer;
let kubeconfig: WrittenKubeconfig;
let dir: string;
let first: CliResult;
let second: CliResult;
let markdown: string;
let scan: ScanResult;
let secondScan: ScanResult;

beforeAll(async () => {
  const now = new Date();
  fixture = await startKubernetesFixture({
    users: FIXTURE_USERS,
    objects: [
      ...pvcCase({ namespace: 'inventory', name: 'inventory-data', now, storage: '50Gi', snapshotAgesHours: [30, 6] }),
      ...veleroScheduleCase({ name: 'nightly', now, includedNamespaces: ['inventory'], ttlHours: 24 * 30 }),
      ...cnpgClusterCase({ namespace: 'inventory', name: 'ledger', now }),
      ...pgoClusterCase({ namespace: 'inventory', name: 'hippo', now, repos: 'volume-and-s3' }),
      ...cnpgClusterCase({ namespace: 'legacy', name: 'forgotten', now, storage: '40Gi' }),
    ],
  });
  kubeconfig = await writeKubeconfig(fixture);
  // archive_mode on, archive_command 'true': one segment archived, so pg_stat_archiver shows archiving working.
  database = await startTlsOnlyServer(undefined, { archiveWal: true });
  await archiveOneSegment(database, true);
  const env = { CONTINUITY_LOG_LEVEL: 'debug', LEDGER_DATABASE_URL: `postgres://postgres:${database.password}@127.0.0.1:${database.port}/postgres?sslmode=require` };
  dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-kubernetes-e2e-'));
  const configPath = path.join(dir, 'continuity.yaml');
  await writeFile(
    configPath,
    `kubernetes:
  kubeconfig: ${kubeconfig.path}
  discovery: true
history:
  dir: ${path.join(dir, 'history')}
services:
  - name: inventory
    environment: production
    datastores:
      - name: inventory-data
        type: k8s-pvc
        context: ${tokenContext(SCANNER)}
        namespace: inventory
        claim: inventory-data
        backupPolicy: https://wiki.acme.dev/continuity/inventory-data
      - name: ledger
        type: cnpg-cluster
        context: ${tokenContext(SCANNER)}
        namespace: inventory
        cluster: ledger
        url: \${LEDGER_DATABASE_URL}
        backupPolicy: https://wiki.acme.dev/continuity/ledger
      - name: hippo
        type: crunchy-postgrescluster
        context: ${tokenContext(SCANNER)}
        namespace: inventory
        cluster: hippo
        backupPolicy: https://wiki.acme.dev/continuity/hippo
`,
  );
  const cwd = path.join(dir, 'cwd');
  await import('node:fs/promises').then((fs) => fs.mkdir(cwd));
  first = await runCli(['scan', '--config', configPath, '--out', path.join(dir, 'out')], { cwd, env });
  markdown = await readFile(path.join(dir, 'out', 'inventory.md'), 'utf8');
  scan = JSON.parse(await readFile(path.join(dir, 'out', 'scan.json'), 'utf8')) as ScanResult;

  // Someone lowers the ObjectStore's retention to 7d; the barman window follows.
  fixture.put(
    barmanObjectStore({
      namespace: 'inventory',
      name: 'ledger-store',
      retentionPolicy: '7d',
      recoveryWindows: { ledger: { firstRecoverabilityPoint: new Date(now.getTime() - 7 * DAY), lastSuccessfulBackupTime: new Date(now.getTime() - 20 * 3600_000) } },
    }),
  );
  second = await runCli(['scan', '--config', configPath, '--out', path.join(dir, 'out2'), '--diff'], { cwd, env });
  secondScan = JSON.parse(await readFile(path.join(dir, 'out2', 'scan.json'), 'utf8')) as ScanResult;
}, 120_000);

afterAll(async () => {
  await fixture?.close();
  await database?.stop();
  await kubeconfig?.remove();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const findingsOf = (result: ScanResult, checkId: string) =>
  Object.fromEntries(result.services[0]!.findings.filter((f: Finding) => f.checkId === checkId).map((f) => [f.datastore, f.status]));

describe('continuity scan of Kubernetes datastores', () => {
  it('completes, reading with list only and never asking for a Secret', () => {
    expect(first.stderr).not.toMatch(/invalid configuration|could not run/);
    expect(first.code).toBe(0);
    fixture.assertNoViolations();
    expect(new Set(fixture.requests.map((r) => r.verb))).toEqual(new Set(['list']));
  });

  it("answers the report's recovery column for each type", () => {
    const recovery = Object.fromEntries(scan.services[0]!.datastores.map((d) => [d.name, d.pitr]));
    expect(recovery.ledger).toMatch(/^PITR from \S+ \(30 days\), retention 30d; WAL archiving working$/);
    expect(recovery.hippo).toMatch(/^estimated 30 days of PITR \(estimate: repo1 keeps full backups 30 days \(repo1-retention-full-type time\), newest successful full backup \S+\); WAL archiving not reported$/);
    expect(recovery['inventory-data']).toMatch(/^recovery points only: newest 6 h old \(VolumeSnapshot inventory\/inventory-data-\d+\), oldest 2 days old$/);
    expect(markdown).toContain('PITR from');
    expect(markdown).toContain('recovery points only: newest 6 h old');
  });

  it('judges the backup checks from the fixture', () => {
    // hippo's window is an estimate and nothing confirms its archiving (PGO reports no archive_command results, no url): unknown, never a pass.
    expect(findingsOf(scan, 'kubernetes.recovery-window')).toEqual({ ledger: 'pass', hippo: 'unknown' });
    const hippoWindow = scan.services[0]!.findings.find((f) => f.checkId === 'kubernetes.recovery-window' && f.datastore === 'hippo');
    expect(hippoWindow?.message).toMatch(/^Crunchy PGO PostgresCluster inventory\/hippo has an estimated 30 days of point-in-time recovery .*, but not fully assessed: whether WAL archiving succeeds is not known \(.*does not report whether archive_command succeeds/);
    // The operator says archiving works, and the database behind the url (an embedded server archiving WAL) agrees;
    // a disagreement between the two is covered by checks/kubernetes/wal-archiving.test.ts.
    expect(findingsOf(scan, 'kubernetes.wal-archiving')).toEqual({ ledger: 'pass', hippo: 'unknown' });
    const ledger = scan.services[0]!.findings.find((f) => f.checkId === 'kubernetes.wal-archiving' && f.datastore === 'ledger');
    expect(ledger?.message).toMatch(/^CloudNativePG Cluster inventory\/ledger: WAL archiving works \(Continuous archiving is working\); the database agrees: WAL archived, last \d+ min ago$/);
    expect(findingsOf(scan, 'kubernetes.scheduled-backup')).toEqual({ ledger: 'pass', hippo: 'pass' });
    expect(findingsOf(scan, 'kubernetes.offsite-backup')).toEqual({ ledger: 'pass', hippo: 'pass' });
    expect(findingsOf(scan, 'kubernetes.pvc-backup')).toEqual({ 'inventory-data': 'pass' });
  });

  it('runs every PostgreSQL check on the database of a cluster that carries a url', () => {
    const postgres = scan.services[0]!.findings.filter((f) => f.checkId.startsWith('postgres.') && f.datastore === 'ledger');
    expect(postgres.map((f) => f.checkId)).toContain('postgres.wal-archiving');
    expect(postgres.map((f) => f.checkId)).toContain('postgres.ssl-enforced');
    expect(postgres.filter((f) => f.status === 'error')).toEqual([]);
    expect(scan.services[0]!.findings.some((f) => f.checkId.startsWith('postgres.') && f.datastore === 'hippo')).toBe(false);
  });

  it('discovers the cluster no service registers, with its size', () => {
    const unregistered = scan.estate.findings.filter((f) => f.checkId === 'kubernetes.unregistered');
    expect(unregistered.map((f) => [f.resource, f.status])).toEqual([[`cnpg-cluster:${tokenContext(SCANNER)}/legacy/forgotten`, 'fail']]);
    expect(unregistered[0]?.message).toContain('(40Gi, default storage class)');
  });

  it('reports retention 30d -> 7d as a new failure on the next scan', () => {
    expect(second.code).toBe(0);
    expect(findingsOf(secondScan, 'kubernetes.recovery-window')).toEqual({ ledger: 'fail', hippo: 'unknown' });
    expect(second.stdout).toMatch(/new-failure \[high\] inventory: kubernetes\.recovery-window on ledger went from pass to fail/);
    expect(second.stdout).toContain('keeps 7d of backups (7 days); the policy requires at least 30');
  });

  it('shows no path of the machine that ran it', () => {
    expect(markdown).not.toContain(dir);
    expect(JSON.stringify(scan)).not.toContain(kubeconfig.dir);
  });
});
