// End to end: a config with rds-instance, rds-cluster and s3-bucket datastores
// and discovery, through the real CLI in a child process, against the fixture server.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model';
import { AwsFixtureServer, secureTransportPolicy } from '../support/aws-fixture-server';
import { FIXTURE_SECRET_ACCESS_KEY, fixtureEnv } from '../support/aws-env';
import { runCli } from '../support/cli';
import { questionnaireOf } from '../support/questionnaire';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

const CONFIG = `
aws:
  regions: [${REGION}]
  discovery: true
services:
  - name: orders
    environment: production
    answers:
      ssl: "No. Tracked by PLNSRVCE-1094."
    datastores:
      - name: orders-db
        type: rds-instance
        identifier: orders-db
        region: ${REGION}
        backupPolicy: https://runbooks.acme.io/backups/orders-db
      - name: orders-aurora
        type: rds-cluster
        identifier: orders-aurora
        region: ${REGION}
        backupPolicy: https://runbooks.acme.io/backups/orders-aurora
      - name: orders-archive
        type: s3-bucket
        bucket: orders-archive
        region: ${REGION}
        backupPolicy: https://todo/saas/continuity0003.md
`;

let server: AwsFixtureServer;
let dir: string;
let stdout = '';
let stderr = '';
let exitCode: number | null = null;

beforeAll(async () => {
  server = new AwsFixtureServer();
  const url = await server.start();
  const recent = new Date(Date.now() - 60_000).toISOString();
  const estate = server.region(ACCOUNT, REGION);
  estate.instances.push(
    { identifier: 'orders-db', engine: 'postgres', engineVersion: '16.4', backupRetentionPeriod: 35, latestRestorableTime: recent, multiAz: true, storageEncrypted: true, deletionProtection: true },
    { identifier: 'orders-aurora-1', engine: 'aurora-postgresql', engineVersion: '16.4', backupRetentionPeriod: 7, clusterIdentifier: 'orders-aurora', storageEncrypted: true },
    { identifier: 'legacy-reports', engine: 'mysql', engineVersion: '8.0.39', backupRetentionPeriod: 1, latestRestorableTime: recent },
  );
  estate.clusters.push({
    identifier: 'orders-aurora',
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
    backupRetentionPeriod: 7,
    latestRestorableTime: recent,
    multiAz: true,
    storageEncrypted: true,
    deletionProtection: false,
    parameterGroup: 'orders-aurora-params',
    members: [{ identifier: 'orders-aurora-1', writer: true, parameterGroupStatus: 'pending-reboot' }],
  });
  estate.clusterParameterGroups['orders-aurora-params'] = [{ name: 'rds.force_ssl', value: '1' }];
  server.buckets(ACCOUNT).push(
    {
      name: 'orders-archive',
      region: REGION,
      versioning: 'Enabled',
      lifecycle: [{ id: 'versions', noncurrentDays: 60 }],
      encryption: { algorithm: 'AES256' },
      policy: secureTransportPolicy('orders-archive'),
      publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
    },
    { name: 'forgotten-exports', region: REGION },
  );
  dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-aws-e2e-'));
  await writeFile(path.join(dir, 'continuity.yaml'), CONFIG);
  ({ code: exitCode, stdout, stderr } = await runCli(
    ['scan', '--config', path.join(dir, 'continuity.yaml'), '--out', path.join(dir, 'out')],
    // In the test's own directory: the history the scan keeps goes with it.
    { env: { ...fixtureEnv(url), CONTINUITY_LOG_LEVEL: 'debug' }, cwd: dir },
  ));
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('continuity scan with AWS datastores', () => {
  it('exits 0 and writes the questionnaire and scan.json', () => {
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toContain('orders.md');
    expect(stdout).toContain('scan.json');
  });

  it('answers the SSL row from rds.ssl-enforced and shows the contradiction with the stated answer', async () => {
    const md = await readFile(path.join(dir, 'out', 'orders.md'), 'utf8');
    // orders-db enforces TLS (PostgreSQL 16 default group); orders-aurora's group is pending reboot.
    expect(md).toMatch(/\| SSL connection \| Does the service connect to the database over an SSL connection\? \| Partly: 1 failing finding<br>Stated: "No\. Tracked by PLNSRVCE-1094\."/);
    expect(md).toContain('[fail] orders-aurora: cluster orders-aurora: rds.force_ssl = 1 (DB cluster parameter group orders-aurora-params) but the group is pending-reboot');
  });

  it('lists every AWS datastore with its PITR window and backup policy link in the SaaS instructions', async () => {
    const md = await readFile(path.join(dir, 'out', 'orders.md'), 'utf8');
    expect(md).toMatch(/\| orders-db \| rds-instance \| production \| automated backups, 35 days, latest restorable [0-9T:.-]+Z \| https:\/\/runbooks\.acme\.io\/backups\/orders-db \| pass/);
    expect(md).toMatch(/\| orders-aurora \| rds-cluster \| production \| automated backups, 7 days \(below 30\), latest restorable [0-9T:.-]+Z \| https:\/\/runbooks\.acme\.io\/backups\/orders-aurora \|/);
    expect(md).toMatch(/\| orders-archive \| s3-bucket \| production \| versioning on, previous versions kept 60 days \| https:\/\/todo\/saas\/continuity0003\.md \| fail: the backup policy link points at the placeholder host "todo" \|/);
    expect(md).toContain('#### [fail] rds.pitr-retention: orders-aurora');
  });

  it('says the Indexes and Data sensitivity rows need a PostgreSQL connection, which this RDS and S3 service does not configure', async () => {
    const scan = JSON.parse(await readFile(path.join(dir, 'out', 'scan.json'), 'utf8')) as ScanResult;
    const rows = questionnaireOf(scan.services[0]!);
    for (const control of ['indexes', 'sensitivity']) {
      const answer = rows.find((q) => q.control === control)!.answer;
      expect(answer, control).toMatch(/^Not assessed: no database connection is configured for this service.*give a postgres or clickhouse datastore its connection url/);
      expect(answer, control).not.toContain('could be inspected');
    }
  });

  it('records findings, evidence and discovery results in scan.json', async () => {
    const scan = JSON.parse(await readFile(path.join(dir, 'out', 'scan.json'), 'utf8')) as ScanResult;
    const findings = scan.services[0]!.findings;
    const status = (checkId: string, datastore: string) => findings.find((f) => f.checkId === checkId && f.datastore === datastore)?.status;
    expect(status('rds.pitr-retention', 'orders-db')).toBe('pass');
    expect(status('rds.pitr-retention', 'orders-aurora')).toBe('fail');
    expect(status('rds.deletion-protection', 'orders-aurora')).toBe('fail');
    expect(status('s3.noncurrent-retention', 'orders-archive')).toBe('pass');
    expect(status('s3.secure-transport-policy', 'orders-archive')).toBe('pass');
    expect(questionnaireOf(scan.services[0]!).find((q) => q.control === 'backups')!.checkIds).toEqual(
      expect.arrayContaining(['rds.pitr-retention', 's3.versioning', 's3.noncurrent-retention', 'datastore.backup-policy-link']),
    );
    expect(scan.estate.findings.map((f) => [f.checkId, f.resource, f.status]).sort()).toEqual([
      ['datastore.unregistered', `rds-instance:default/${REGION}/legacy-reports`, 'fail'],
      ['datastore.unregistered', 's3-bucket:default/forgotten-exports', 'fail'],
    ]);
    expect(scan.checks.map((c) => c.id)).toContain('rds.ssl-enforced');
  });

  it('lists the unregistered datastores in the Markdown estate report', async () => {
    const estate = await readFile(path.join(dir, 'out', '_estate.md'), 'utf8');
    expect(estate).toContain('| fail | medium | datastore.unregistered | s3-bucket:default/forgotten-exports |');
    expect(estate).toContain(`rds-instance:default/${REGION}/legacy-reports`);
  });

  it('made the minimum number of AWS calls and printed no credential', async () => {
    // One page each of instances, clusters, manual snapshots and cluster snapshots; one parameter
    // series (default groups cost no call); six per bucket; one ListBuckets page.
    expect(Object.fromEntries(server.calls)).toEqual({
      DescribeDBInstances: 1,
      DescribeDBClusters: 1,
      DescribeDBSnapshots: 1,
      DescribeDBClusterSnapshots: 1,
      DescribeDBClusterParameters: 1,
      GetBucketVersioning: 1,
      GetBucketLifecycleConfiguration: 1,
      GetObjectLockConfiguration: 1,
      GetBucketEncryption: 1,
      GetBucketPolicy: 1,
      GetPublicAccessBlock: 1,
      ListBuckets: 1,
      // AWS Backup: one page each of plans (none), vaults and protected resources (none) for the region.
      ListBackupPlans: 1,
      ListBackupVaults: 1,
      ListProtectedResources: 1,
    });
    const files = await Promise.all(['orders.md', 'scan.json'].map((f) => readFile(path.join(dir, 'out', f), 'utf8')));
    for (const text of [stdout, stderr, ...files]) expect(text).not.toContain(FIXTURE_SECRET_ACCESS_KEY);
  });
});
