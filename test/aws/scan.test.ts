// The AWS collectors and checks through the real engine and the real SDK,
// against the local wire-format fixture server.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks';
import { ConfigSchema, type Config } from '../../src/config/schema';
import { createScanCache, runScan } from '../../src/engine/scan';
import type { AwsDiscoveryFacts } from '../../src/datastores/aws/facts';
import { diffScans } from '../../src/drift/diff';
import { DATASTORE_COLLECTORS, ESTATE_COLLECTORS, SERVICE_COLLECTORS } from '../../src/engine/registry';
import { silentLogger } from '../../src/log';
import type { Finding, ScanResult } from '../../src/model';
import type { AwsFixtureServer, FixtureInstance } from '../support/aws-fixture-server';
import { secureTransportPolicy } from '../support/aws-fixture-server';
import { FIXTURE_SECRET_ACCESS_KEY, startAwsFixture } from '../support/aws-env';
import { closedLoopbackUrl } from '../support/loopback';
import { questionnaireOf } from '../support/questionnaire';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const NOW = new Date('2026-11-21T10:05:00Z');
const RECENT = '2026-11-21T10:00:00Z';

function instance(identifier: string, overrides: Partial<FixtureInstance> = {}): FixtureInstance {
  return {
    identifier,
    engine: 'postgres',
    engineVersion: '16.4',
    backupRetentionPeriod: 35,
    latestRestorableTime: RECENT,
    multiAz: true,
    storageEncrypted: true,
    deletionProtection: true,
    ...overrides,
  };
}

function config(datastores: unknown[], aws: unknown = { regions: [REGION] }): Config {
  return ConfigSchema.parse({
    services: [{ name: 'orders', environment: 'production', datastores }],
    aws,
  });
}

async function scan(cfg: Config, log = silentLogger): Promise<ScanResult> {
  return runScan({
    config: cfg,
    configPath: null,
    collectors: DATASTORE_COLLECTORS,
    serviceCollectors: SERVICE_COLLECTORS,
    estateCollectors: ESTATE_COLLECTORS,
    checks: ALL_CHECKS,
    log,
    now: () => NOW,
  });
}

function finding(result: ScanResult, checkId: string, datastore: string): Finding {
  const found = result.services[0]!.findings.filter((f) => f.checkId === checkId && f.datastore === datastore);
  expect(found, `${checkId} on ${datastore}`).toHaveLength(1);
  return found[0]!;
}

let server: AwsFixtureServer;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ server, stop } = await startAwsFixture());
});
afterEach(async () => {
  await stop();
});

describe('RDS over the Query protocol', () => {
  it('pages through 260 instances with Marker, once per region, and judges each against the policy', async () => {
    const estate = server.region(ACCOUNT, REGION);
    for (let i = 0; i < 260; i++) estate.instances.push(instance(`db-${String(i).padStart(3, '0')}`));
    estate.instances[259] = instance('db-259', { backupRetentionPeriod: 7 });
    estate.instances[130] = instance('db-130', { latestRestorableTime: '2026-11-21T09:00:00Z' });
    const result = await scan(
      config([
        { name: 'first', type: 'rds-instance', identifier: 'db-000', region: REGION },
        { name: 'middle', type: 'rds-instance', identifier: 'db-130', region: REGION },
        { name: 'last', type: 'rds-instance', identifier: 'db-259', region: REGION },
      ]),
    );
    expect(server.calls.get('DescribeDBInstances')).toBe(3);
    expect(finding(result, 'rds.pitr-retention', 'first').status).toBe('pass');
    const last = finding(result, 'rds.pitr-retention', 'last');
    expect(last.status).toBe('fail');
    expect(last.message).toContain('7 days');
    expect(last.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'BackupRetentionPeriod', value: 7 });
    const lagging = finding(result, 'rds.pitr-retention', 'middle');
    expect(lagging.status).toBe('fail');
    expect(lagging.message).toContain('65 minutes old');
    expect(result.services[0]!.datastores.find((d) => d.name === 'first')!.pitr).toBe(
      'automated backups, 35 days, latest restorable 2026-11-21T10:00:00.000Z',
    );
  });

  it('retries a Throttling error and then succeeds', async () => {
    const estate = server.region(ACCOUNT, REGION);
    estate.clusters.push({
      identifier: 'orders-aurora',
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      backupRetentionPeriod: 30,
      latestRestorableTime: RECENT,
      multiAz: true,
      storageEncrypted: true,
      deletionProtection: true,
      parameterGroup: 'orders-cluster-params',
      members: [{ identifier: 'orders-aurora-1', writer: true }],
    });
    estate.clusterParameterGroups['orders-cluster-params'] = [{ name: 'rds.force_ssl', value: '1' }];
    server.inject({ action: 'DescribeDBClusters', code: 'Throttling', times: 1 });
    const result = await scan(config([{ name: 'aurora', type: 'rds-cluster', identifier: 'orders-aurora', region: REGION }]));
    expect(server.calls.get('DescribeDBClusters')).toBe(2);
    expect(result.services[0]!.datastores[0]!.collectionError).toBeUndefined();
    expect(finding(result, 'rds.pitr-retention', 'aurora').status).toBe('pass');
    const ssl = finding(result, 'rds.ssl-enforced', 'aurora');
    expect(ssl.status).toBe('pass');
    expect(ssl.evidence).toContainEqual({ source: 'rds:DescribeDBClusterParameters orders-cluster-params', field: 'rds.force_ssl', value: '1' });
  });

  it('turns AccessDenied into error findings, never a pass', async () => {
    server.region(ACCOUNT, REGION).instances.push(instance('orders-db'));
    server.inject({ action: 'DescribeDBInstances', code: 'AccessDenied' });
    const result = await scan(config([{ name: 'orders-db', type: 'rds-instance', identifier: 'orders-db', region: REGION }]));
    const rds = result.services[0]!.findings.filter((f) => f.checkId.startsWith('rds.'));
    expect(rds.length).toBe(6);
    for (const f of rds) {
      expect(f.status).toBe('error');
      expect(f.message).toContain('AccessDenied');
    }
    expect(questionnaireOf(result.services[0]!).find((q) => q.control === 'ssl')!.answer).toMatch(/^Not assessed/);
  });

  it('does not count a parameter group pending reboot as enforced, and reads each group once', async () => {
    const estate = server.region(ACCOUNT, REGION);
    const parameters = Array.from({ length: 150 }, (_, i) => ({ name: `param_${i}`, value: String(i) }));
    estate.parameterGroups['strict-pg'] = [...parameters, { name: 'rds.force_ssl', value: '1' }];
    estate.instances.push(
      instance('applied', { parameterGroup: 'strict-pg', parameterApplyStatus: 'in-sync' }),
      instance('pending', { parameterGroup: 'strict-pg', parameterApplyStatus: 'pending-reboot' }),
      instance('pg14-default', { engineVersion: '14.12' }),
      instance('pg16-default', { engineVersion: '16.4' }),
      instance('mysql-default', { engine: 'mysql', engineVersion: '8.0.39' }),
    );
    const result = await scan(
      config(['applied', 'pending', 'pg14-default', 'pg16-default', 'mysql-default'].map((id) => ({ name: id, type: 'rds-instance', identifier: id, region: REGION }))),
    );
    expect(server.calls.get('DescribeDBParameters')).toBe(2); // 151 parameters: two pages of one series
    expect(finding(result, 'rds.ssl-enforced', 'applied').status).toBe('pass');
    const pending = finding(result, 'rds.ssl-enforced', 'pending');
    expect(pending.status).toBe('fail');
    expect(pending.message).toContain('pending-reboot');
    const pg16 = finding(result, 'rds.ssl-enforced', 'pg16-default');
    expect(pg16.status).toBe('pass');
    expect(pg16.evidence).toContainEqual({
      source: 'rds:DescribeDBInstances (DB parameter group default.postgres16: engine default)',
      field: 'rds.force_ssl',
      value: '1 (engine default)',
    });
    expect(finding(result, 'rds.ssl-enforced', 'pg14-default').status).toBe('fail');
    expect(finding(result, 'rds.ssl-enforced', 'mysql-default').message).toContain('require_secure_transport = 0');
    expect(questionnaireOf(result.services[0]!).find((q) => q.control === 'ssl')!.answer).toMatch(/^Partly/);
  });

  it('judges an Aurora member at its cluster and skips read replicas', async () => {
    const estate = server.region(ACCOUNT, REGION);
    estate.clusters.push({
      identifier: 'shop',
      engine: 'aurora-mysql',
      engineVersion: '8.0.mysql_aurora.3.05.2',
      backupRetentionPeriod: 3,
      latestRestorableTime: RECENT,
      earliestRestorableTime: '2026-11-18T10:00:00Z',
      storageEncrypted: false,
      parameterGroup: 'default.aurora-mysql8.0',
      members: [{ identifier: 'shop-1', writer: true }],
    });
    estate.instances.push(
      instance('shop-1', { engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.05.2', backupRetentionPeriod: 1, storageEncrypted: true, clusterIdentifier: 'shop' }),
      instance('orders-replica', { readReplicaSource: 'orders-db', backupRetentionPeriod: 0 }),
    );
    estate.snapshots.push({ identifier: 'orders-replica-manual', of: 'orders-replica', restore: ['all'] });
    const result = await scan(
      config([
        { name: 'shop-writer', type: 'rds-instance', identifier: 'shop-1', region: REGION },
        { name: 'replica', type: 'rds-instance', identifier: 'orders-replica', region: REGION },
      ]),
    );
    const pitr = finding(result, 'rds.pitr-retention', 'shop-writer');
    expect(pitr.status).toBe('fail');
    expect(pitr.message).toContain('cluster shop (for its member shop-1) keeps 3 days');
    expect(result.services[0]!.datastores[0]!.pitr).toBe(
      `at cluster shop: automated backups, 3 days (below 30), restorable from 2026-11-18T10:00:00.000Z, latest restorable ${new Date(RECENT).toISOString()}`,
    );
    expect(finding(result, 'rds.storage-encrypted', 'shop-writer').status).toBe('fail');
    expect(finding(result, 'rds.ssl-enforced', 'shop-writer').status).toBe('fail');
    expect(finding(result, 'rds.pitr-retention', 'replica').status).toBe('skipped');
    const exposed = finding(result, 'rds.snapshot-public', 'replica');
    expect(exposed.status).toBe('fail');
    expect(exposed.resource).toBe('replica:orders-replica-manual');
  });

  it('assumes the configured role per account and scans that account', async () => {
    const other = '222222222222';
    server.addRole(`arn:aws:iam::${other}:role/continuity-read`, other);
    server.region(other, REGION).instances.push(instance('other-db', { backupRetentionPeriod: 14 }));
    const result = await scan(
      config([{ name: 'other', type: 'rds-instance', identifier: 'other-db', region: REGION, account: other }], {
        regions: [REGION],
        accounts: [{ id: other, roleArn: `arn:aws:iam::${other}:role/continuity-read`, externalId: 'ext-42' }],
      }),
    );
    expect(server.assumedRoles).toEqual([{ roleArn: `arn:aws:iam::${other}:role/continuity-read`, sessionName: 'continuity-scanner', externalId: 'ext-42' }]);
    expect(finding(result, 'rds.pitr-retention', 'other').message).toContain('14 days');
  });

  it('assumes a role once per account however many clients use it (two RDS regions and a bucket)', async () => {
    const other = '222222222222';
    const roleArn = `arn:aws:iam::${other}:role/continuity-read`;
    server.addRole(roleArn, other);
    server.region(other, REGION).instances.push(instance('eu-db'));
    server.region(other, 'us-east-1').instances.push(instance('us-db'));
    server.buckets(other).push({ name: 'other-archive', region: REGION, versioning: 'Enabled' });
    const result = await scan(
      config(
        [
          { name: 'eu', type: 'rds-instance', identifier: 'eu-db', region: REGION },
          { name: 'us', type: 'rds-instance', identifier: 'us-db', region: 'us-east-1' },
          { name: 'archive', type: 's3-bucket', bucket: 'other-archive', region: REGION },
        ],
        { regions: [REGION, 'us-east-1'], accounts: [{ id: other, roleArn }] },
      ),
    );
    expect(result.services[0]!.datastores.map((d) => d.collectionError)).toEqual([undefined, undefined, undefined]);
    expect(finding(result, 's3.versioning', 'archive').status).toBe('pass');
    expect(server.calls.get('AssumeRole')).toBe(1);
  });

  it('is unknown, not a pass, when RDS reports no parameter apply status', async () => {
    const estate = server.region(ACCOUNT, REGION);
    estate.parameterGroups['strict-pg'] = [{ name: 'rds.force_ssl', value: '1' }];
    estate.instances.push(instance('unreported', { parameterGroup: 'strict-pg', parameterApplyStatus: null }));
    const result = await scan(config([{ name: 'unreported', type: 'rds-instance', identifier: 'unreported', region: REGION }]));
    const ssl = finding(result, 'rds.ssl-enforced', 'unreported');
    expect(ssl.status).toBe('unknown');
    expect(ssl.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'parameter apply status', value: null });
  });
});

describe('S3 over REST/XML', () => {
  it('reads a fully protected bucket as passing', async () => {
    server.buckets(ACCOUNT).push({
      name: 'orders-archive',
      region: REGION,
      versioning: 'Enabled',
      lifecycle: [{ id: 'keep-versions', noncurrentDays: 45 }],
      objectLock: { mode: 'GOVERNANCE', days: 30 },
      encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/abc', bucketKey: true },
      policy: secureTransportPolicy('orders-archive'),
      publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
    });
    server.region(ACCOUNT, REGION).backup.plans.push({
      id: 'plan-s3',
      name: 's3-pitr',
      rules: [{ name: 'continuous', vault: 'prod-vault', continuous: true, deleteAfterDays: 35 }],
      selections: [{ id: 'sel-1', name: 'archive', resources: ['arn:aws:s3:::orders-archive'] }],
    });
    server.region(ACCOUNT, REGION).backup.recoveryPoints.push({ resourceArn: 'arn:aws:s3:::orders-archive', vault: 'prod-vault', created: RECENT });
    const result = await scan(config([{ name: 'archive', type: 's3-bucket', bucket: 'orders-archive', region: REGION }]));
    const s3 = result.services[0]!.findings.filter((f) => f.checkId.startsWith('s3.'));
    expect(s3.map((f) => [f.checkId, f.status])).toEqual([
      ['s3.versioning', 'pass'],
      ['s3.noncurrent-retention', 'pass'],
      ['s3.point-in-time-restore', 'pass'],
      ['s3.object-lock', 'pass'],
      ['s3.encryption', 'pass'],
      ['s3.secure-transport-policy', 'pass'],
      ['s3.public-access-block', 'pass'],
    ]);
    // Six bucket reads; AWS Backup: a page of plans, the plan, a page of its selections, the selection,
    // a page of vaults, a page of protected resources, and the bucket's recovery points.
    expect(server.totalCalls()).toBe(6 + 7);
    expect(result.services[0]!.datastores[0]!.pitr).toBe('versioning on, previous versions kept 45 days; AWS Backup continuous 35 days (plan s3-pitr)');
  });

  it('reads the documented "not configured" errors as their meaning, and AccessDenied as unknown', async () => {
    server.buckets(ACCOUNT).push({ name: 'bare-bucket', region: REGION, versioning: 'Enabled' });
    server.buckets(ACCOUNT).push({ name: 'short-bucket', region: REGION, versioning: 'Suspended', lifecycle: [{ id: 'trim', noncurrentDays: 7 }] });
    server.inject({ action: 'GetBucketPolicy', code: 'AccessDenied', resource: 'short-bucket' });
    const result = await scan(
      config([
        { name: 'bare', type: 's3-bucket', bucket: 'bare-bucket', region: REGION },
        { name: 'short', type: 's3-bucket', bucket: 'short-bucket', region: REGION },
      ]),
    );
    expect(finding(result, 's3.noncurrent-retention', 'bare').status).toBe('pass');
    expect(finding(result, 's3.noncurrent-retention', 'bare').evidence).toContainEqual({
      source: 's3:GetBucketLifecycleConfiguration (NoSuchLifecycleConfiguration)',
      field: 'NoncurrentVersionExpiration',
      value: 'no lifecycle configuration',
    });
    expect(finding(result, 's3.encryption', 'bare').status).toBe('fail');
    expect(finding(result, 's3.object-lock', 'bare').status).toBe('warn');
    expect(finding(result, 's3.secure-transport-policy', 'bare').status).toBe('fail');
    expect(finding(result, 's3.public-access-block', 'bare').status).toBe('fail');
    expect(finding(result, 's3.versioning', 'short').status).toBe('fail');
    const denied = finding(result, 's3.secure-transport-policy', 'short');
    expect(denied.status).toBe('unknown');
    expect(denied.message).toContain('AccessDenied');
    expect(denied.message).toContain('allow s3:GetBucketPolicy');
  });

  it('gives up on a call slower than aws.callTimeoutMs: unknown, not pass', async () => {
    server.buckets(ACCOUNT).push({ name: 'slow-bucket', region: REGION, versioning: 'Enabled' });
    server.inject({ action: 'GetBucketVersioning', code: 'none', delayMs: 3_000 });
    const result = await scan(
      config([{ name: 'slow', type: 's3-bucket', bucket: 'slow-bucket', region: REGION }], { regions: [REGION], callTimeoutMs: 200, maxAttempts: 1 }),
    );
    const slow = finding(result, 's3.versioning', 'slow');
    expect(slow.status).toBe('unknown');
    expect(slow.message).toMatch(/timed? ?out/i);
    expect(finding(result, 's3.encryption', 'slow').status).toBe('fail'); // the other reads were answered
  });

  it('sets the bucket\'s window from whole-bucket rules only, naming shorter prefixes, and marks windows below the policy', async () => {
    server.buckets(ACCOUNT).push(
      { name: 'logs-bucket', region: REGION, versioning: 'Enabled', lifecycle: [{ id: 'logs', prefix: 'logs/', noncurrentDays: 3 }] },
      { name: 'short-bucket', region: REGION, versioning: 'Enabled', lifecycle: [{ id: 'all', noncurrentDays: 7 }, { id: 'tmp', prefix: 'tmp/', noncurrentDays: 1 }] },
      { name: 'paused-bucket', region: REGION, versioning: 'Suspended' },
    );
    server.region(ACCOUNT, REGION).instances.push(instance('weekly-db', { backupRetentionPeriod: 7 }));
    const result = await scan(
      config([
        { name: 'logs', type: 's3-bucket', bucket: 'logs-bucket', region: REGION },
        { name: 'short', type: 's3-bucket', bucket: 'short-bucket', region: REGION },
        { name: 'paused', type: 's3-bucket', bucket: 'paused-bucket', region: REGION },
        { name: 'weekly', type: 'rds-instance', identifier: 'weekly-db', region: REGION },
      ]),
    );
    expect(result.services[0]!.datastores.map((d) => d.pitr)).toEqual([
      'versioning on, previous versions kept indefinitely; prefix "logs/": 3 days (below 30)',
      'versioning on, previous versions kept 7 days (below 30); prefix "tmp/": 1 day (below 30)',
      'versioning suspended: versions from before the suspension kept, none since',
      `automated backups, 7 days (below 30), latest restorable ${new Date(RECENT).toISOString()}`,
    ]);
    expect(finding(result, 's3.noncurrent-retention', 'logs').status).toBe('warn');
    expect(finding(result, 's3.noncurrent-retention', 'short').status).toBe('fail');
  });

  it('reports a bucket that does not exist as a collection error', async () => {
    const result = await scan(config([{ name: 'ghost', type: 's3-bucket', bucket: 'no-such-bucket', region: REGION }]));
    expect(result.services[0]!.datastores[0]!.collectionError).toContain('NoSuchBucket');
    expect(finding(result, 's3.versioning', 'ghost').status).toBe('error');
  });
});

describe('discovery', () => {
  it('reports unregistered instances, clusters and buckets, covering cluster members through their cluster', async () => {
    const estate = server.region(ACCOUNT, REGION);
    estate.instances.push(instance('known'), instance('stray'), instance('aurora-1', { engine: 'aurora-postgresql', clusterIdentifier: 'aurora' }));
    estate.clusters.push({ identifier: 'aurora', engine: 'aurora-postgresql', engineVersion: '16.4', backupRetentionPeriod: 30, parameterGroup: 'default.aurora-postgresql16', members: [{ identifier: 'aurora-1', writer: true }] });
    server.buckets(ACCOUNT).push({ name: 'known-bucket', region: REGION, versioning: 'Enabled' }, { name: 'stray-bucket', region: REGION }, { name: 'elsewhere', region: 'us-west-2' });
    const result = await scan(
      config(
        [
          { name: 'known', type: 'rds-instance', identifier: 'known', region: REGION },
          { name: 'known-bucket', type: 's3-bucket', bucket: 'known-bucket', region: REGION },
        ],
        { regions: [REGION], discovery: true },
      ),
    );
    const unregistered = result.estate.findings.filter((f) => f.checkId === 'datastore.unregistered');
    expect(unregistered.map((f) => [f.resource, f.status]).sort()).toEqual([
      [`rds-cluster:default/${REGION}/aurora`, 'fail'],
      [`rds-instance:default/${REGION}/stray`, 'fail'],
      [`s3-bucket:default/stray-bucket`, 'fail'],
    ]);
    // Discovery shares the instance and cluster pages with the collectors: one call each.
    expect(server.calls.get('DescribeDBInstances')).toBe(1);
    expect(server.calls.get('DescribeDBClusters')).toBe(1);
    expect(server.calls.get('ListBuckets')).toBe(1);
  });

  it('with no regions lists buckets only, and says RDS was not listed: unknown, never a pass', async () => {
    server.region(ACCOUNT, REGION).instances.push(instance('stray'));
    server.buckets(ACCOUNT).push({ name: 'known-bucket', region: REGION, versioning: 'Enabled' });
    const result = await scan(
      config([{ name: 'known-bucket', type: 's3-bucket', bucket: 'known-bucket', region: REGION }], { discovery: true }),
    );
    const unregistered = result.estate.findings.filter((f) => f.checkId === 'datastore.unregistered');
    expect(unregistered.map((f) => [f.resource, f.status])).toEqual([['aws:default/rds', 'unknown']]);
    expect(unregistered[0]!.message).toContain('no regions configured: RDS instances and clusters were not listed');
    expect(server.calls.get('DescribeDBInstances')).toBeUndefined();
  });

  it('one account at a time (queue mode discovers each in a job of its own): merged, the same as all at once', async () => {
    const other = '222222222222';
    const roleArn = `arn:aws:iam::${other}:role/continuity-read`;
    server.addRole(roleArn, other);
    server.region(ACCOUNT, REGION).instances.push(instance('here-db'));
    server.region(other, REGION).instances.push(instance('there-db'));
    server.buckets(ACCOUNT).push({ name: 'here-bucket', region: REGION });
    server.buckets(other).push({ name: 'there-bucket', region: REGION });
    const cfg = config([], { regions: [REGION], discovery: true, accounts: [{ id: ACCOUNT }, { id: other, roleArn }] });
    const ctx = () => ({ config: cfg, signal: new AbortController().signal, log: silentLogger, shared: createScanCache() });
    const discovery = ESTATE_COLLECTORS.find((c) => c.kind === 'awsDiscovery')!;
    const scopes = discovery.scoped!.scopes(cfg);
    expect(scopes).toEqual([ACCOUNT, other]);
    const parts = await Promise.all(scopes.map((scope) => discovery.scoped!.collect(ctx(), scope)));
    expect(parts.map((p) => (p as AwsDiscoveryFacts).buckets.map((b) => b.account))).toEqual([[ACCOUNT], [other]]);
    expect(discovery.scoped!.merge(parts)).toEqual(await discovery.collect(ctx()));
    await expect(discovery.scoped!.collect(ctx(), '333333333333')).rejects.toThrow('account 333333333333 is not listed under aws.accounts');
  });

  it('gives an unknown finding, never a pass, when listing is denied', async () => {
    server.inject({ action: 'ListBuckets', code: 'AccessDenied' });
    const result = await scan(config([], { regions: [REGION], discovery: true }));
    const findings = result.estate.findings;
    expect(findings.some((f) => f.status === 'pass')).toBe(false);
    expect(findings.find((f) => f.resource === 'aws:default')!.status).toBe('unknown');
  });
});

describe('endpoints', () => {
  it('honours AWS_ENDPOINT_URL_RDS and AWS_ENDPOINT_URL_S3 over AWS_ENDPOINT_URL, with path-style S3', async () => {
    server.region(ACCOUNT, REGION).instances.push(instance('orders-db'));
    server.buckets(ACCOUNT).push({ name: 'orders-archive', region: REGION, versioning: 'Enabled' });
    const general = process.env.AWS_ENDPOINT_URL!;
    process.env.AWS_ENDPOINT_URL_RDS = general;
    process.env.AWS_ENDPOINT_URL_S3 = general;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9'; // discard port: nothing answers there
    try {
      const result = await scan(
        config([
          { name: 'db', type: 'rds-instance', identifier: 'orders-db', region: REGION },
          { name: 'archive', type: 's3-bucket', bucket: 'orders-archive', region: REGION },
        ]),
      );
      expect(result.services[0]!.datastores.map((d) => d.collectionError)).toEqual([undefined, undefined]);
      expect(finding(result, 's3.versioning', 'archive').status).toBe('pass');
    } finally {
      process.env.AWS_ENDPOINT_URL = general;
      delete process.env.AWS_ENDPOINT_URL_RDS;
      delete process.env.AWS_ENDPOINT_URL_S3;
    }
  });

  it('reports a bucket configured in the wrong region as a collection error', async () => {
    server.buckets(ACCOUNT).push({ name: 'us-bucket', region: 'us-east-1', versioning: 'Enabled' });
    const result = await scan(config([{ name: 'misplaced', type: 's3-bucket', bucket: 'us-bucket', region: REGION }]));
    expect(result.services[0]!.datastores[0]!.collectionError).toContain('PermanentRedirect');
    expect(finding(result, 's3.versioning', 'misplaced').status).toBe('error');
  });
});

describe('AWS Backup over REST-JSON', () => {
  const PLAN = { id: 'plan-pitr', name: 'prod-pitr', rules: [{ name: 'continuous', vault: 'prod-vault', continuous: true, deleteAfterDays: 35 }] };

  it('passes 7 days of automated backups covered by a 35-day continuous plan (selected by tag), with both sources in the evidence', async () => {
    const estate = server.region(ACCOUNT, REGION);
    estate.instances.push(
      instance('weekly-db', { backupRetentionPeriod: 7, tags: { backup: 'pitr' } }),
      instance('excluded-db', { backupRetentionPeriod: 7, tags: { backup: 'pitr' } }),
    );
    estate.backup.plans.push({
      ...PLAN,
      selections: [{ id: 'sel-tagged', name: 'tagged', tags: [{ key: 'backup', value: 'pitr' }], notResources: [`arn:aws:rds:${REGION}:${ACCOUNT}:db:excluded-*`] }],
    });
    estate.backup.recoveryPoints.push({ resourceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:weekly-db`, vault: 'prod-vault', created: RECENT });
    const result = await scan(
      config([
        { name: 'weekly', type: 'rds-instance', identifier: 'weekly-db', region: REGION },
        { name: 'excluded', type: 'rds-instance', identifier: 'excluded-db', region: REGION },
      ]),
    );
    const weekly = finding(result, 'rds.pitr-retention', 'weekly');
    expect(weekly.status).toBe('pass');
    expect(weekly.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'BackupRetentionPeriod', value: 7 });
    expect(weekly.evidence).toContainEqual(expect.objectContaining({ field: 'plan prod-pitr rule continuous Lifecycle.DeleteAfterDays', value: 35 }));
    expect(result.services[0]!.datastores[0]!.pitr).toBe(
      `automated backups, 7 days (below 30), latest restorable ${new Date(RECENT).toISOString()}; AWS Backup continuous 35 days (plan prod-pitr)`,
    );
    expect(finding(result, 'rds.pitr-retention', 'excluded').status).toBe('fail'); // NotResources takes it out
    expect(finding(result, 'aws-backup.recent-recovery-point', 'weekly').status).toBe('pass');
    expect(finding(result, 'aws-backup.vault-lock', 'weekly').message).toContain('prod-vault is not listed');
    expect(finding(result, 'aws-backup.cross-region-copy', 'weekly').status).toBe('warn');
    expect(finding(result, 'aws-backup.recent-recovery-point', 'excluded').status).toBe('skipped');
    // Plans, selections and vaults are read once for both instances; recovery points only for the protected one.
    expect(server.calls.get('ListBackupPlans')).toBe(1);
    expect(server.calls.get('GetBackupSelection')).toBe(1);
    expect(server.calls.get('ListRecoveryPointsByResource')).toBe(1);
  });

  it('judges vault locks from ListBackupVaults', async () => {
    const estate = server.region(ACCOUNT, REGION);
    estate.instances.push(instance('locked-db'));
    estate.backup.plans.push({ ...PLAN, selections: [{ id: 'sel-all', name: 'all', resources: ['*'] }] });
    estate.backup.vaults.push({ name: 'prod-vault', locked: true, minRetentionDays: 35, maxRetentionDays: 400, lockDate: '2026-01-01T00:00:00Z' });
    estate.backup.recoveryPoints.push({ resourceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:locked-db`, vault: 'prod-vault', created: RECENT });
    const result = await scan(config([{ name: 'locked', type: 'rds-instance', identifier: 'locked-db', region: REGION }]));
    expect(finding(result, 'aws-backup.vault-lock', 'locked').status).toBe('pass');
    expect(server.calls.get('DescribeBackupVault')).toBeUndefined();
  });

  it('pages protected resources with NextToken', async () => {
    const estate = server.region(ACCOUNT, REGION);
    estate.instances.push(instance('weekly-db', { backupRetentionPeriod: 7 }));
    estate.backup.plans.push({ ...PLAN, selections: [{ id: 'sel-all', name: 'all', resources: ['arn:aws:rds:*:*:db:*'] }] });
    for (let i = 0; i < 1_000; i++) estate.backup.recoveryPoints.push({ resourceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:other-${i}`, vault: 'prod-vault', created: RECENT });
    estate.backup.recoveryPoints.push({ resourceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:weekly-db`, vault: 'prod-vault', created: RECENT });
    const result = await scan(config([{ name: 'weekly', type: 'rds-instance', identifier: 'weekly-db', region: REGION }]));
    expect(server.calls.get('ListProtectedResources')).toBe(2);
    expect(finding(result, 'rds.pitr-retention', 'weekly').status).toBe('pass'); // its recovery point is on the second page
  });

  it('is unknown, naming the permission, when AWS Backup answers AccessDeniedException', async () => {
    server.region(ACCOUNT, REGION).instances.push(instance('weekly-db', { backupRetentionPeriod: 7 }));
    server.inject({ action: 'ListBackupPlans', code: 'AccessDeniedException' });
    const result = await scan(config([{ name: 'weekly', type: 'rds-instance', identifier: 'weekly-db', region: REGION }]));
    const weekly = finding(result, 'rds.pitr-retention', 'weekly');
    expect(weekly.status).toBe('unknown');
    expect(weekly.message).toContain('AccessDeniedException');
    expect(weekly.evidence).toContainEqual(expect.objectContaining({ field: 'read', value: expect.stringContaining('AccessDeniedException') }));
  });

  it('reads ResourceNotFoundException on recovery points as none', async () => {
    const estate = server.region(ACCOUNT, REGION);
    estate.instances.push(instance('weekly-db', { backupRetentionPeriod: 7 }));
    estate.backup.plans.push({ ...PLAN, selections: [{ id: 'sel-all', name: 'all', resources: ['*'] }] });
    estate.backup.recoveryPoints.push({ resourceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:weekly-db`, vault: 'prod-vault', created: RECENT });
    server.inject({ action: 'ListRecoveryPointsByResource', code: 'ResourceNotFoundException', status: 404 });
    const result = await scan(config([{ name: 'weekly', type: 'rds-instance', identifier: 'weekly-db', region: REGION }]));
    const weekly = finding(result, 'rds.pitr-retention', 'weekly');
    expect(weekly.status).toBe('fail');
    expect(weekly.message).toContain('no completed recovery point yet');
  });
});

describe('a datastore of which nothing could be read', () => {
  const bucketDatastore = { name: 'archive', type: 's3-bucket', bucket: 'orders-archive', region: REGION };
  const S3_READS = ['GetBucketVersioning', 'GetBucketLifecycleConfiguration', 'GetObjectLockConfiguration', 'GetBucketEncryption', 'GetBucketPolicy', 'GetPublicAccessBlock'];

  it('is a collection error when every read of a bucket is denied, whatever the codes', async () => {
    server.buckets(ACCOUNT).push({ name: 'orders-archive', region: REGION, versioning: 'Enabled' });
    for (const action of S3_READS) server.inject({ action, code: action === 'GetBucketPolicy' ? 'AllAccessDisabled' : 'AccessDenied' });
    const result = await scan(config([bucketDatastore]));
    const error = result.services[0]!.datastores[0]!.collectionError;
    expect(error).toContain('nothing could be read');
    expect(error).toContain('AllAccessDisabled');
    expect(error).toContain('allow s3:GetBucketVersioning');
    const s3 = result.services[0]!.findings.filter((f) => f.checkId.startsWith('s3.'));
    expect(new Set(s3.map((f) => f.status))).toEqual(new Set(['error']));
  });

  it('is a collection error when every read of a bucket times out (a frozen endpoint)', async () => {
    server.buckets(ACCOUNT).push({ name: 'orders-archive', region: REGION, versioning: 'Enabled' });
    for (const action of S3_READS) server.inject({ action, code: 'none', delayMs: 2_000 });
    const result = await scan(config([bucketDatastore], { regions: [REGION], callTimeoutMs: 150, maxAttempts: 1 }));
    expect(result.services[0]!.datastores[0]!.collectionError).toMatch(/nothing could be read: .*timed? ?out/i);
    expect(result.services[0]!.findings.filter((f) => f.status === 'pass')).toEqual([]);
  });

  it('is a collection error for buckets and instances alike when the endpoint is closed', async () => {
    process.env.AWS_ENDPOINT_URL = await closedLoopbackUrl();
    const result = await scan(
      config([bucketDatastore, { name: 'orders-db', type: 'rds-instance', identifier: 'orders-db', region: REGION }], {
        regions: [REGION],
        maxAttempts: 1,
      }),
    );
    const [bucket, rds] = result.services[0]!.datastores;
    expect(bucket!.collectionError).toMatch(/nothing could be read: .*ECONNREFUSED/);
    expect(rds!.collectionError).toContain('ECONNREFUSED');
    expect(result.services[0]!.findings.filter((f) => f.status === 'pass')).toEqual([]);
  });
});

describe('the credential step', () => {
  const other = '222222222222';
  const roleArn = `arn:aws:iam::${other}:role/continuity-read`;
  const datastores = [
    { name: 'archive', type: 's3-bucket', bucket: 'other-archive', region: REGION },
    { name: 'other', type: 'rds-instance', identifier: 'other-db', region: REGION },
  ];

  it('names sts:AssumeRole and the role, not the call that needed credentials, when AssumeRole is refused', async () => {
    // The role is not registered with the fixture's STS: AssumeRole answers AccessDenied.
    server.buckets(other).push({ name: 'other-archive', region: REGION, versioning: 'Enabled' });
    server.region(other, REGION).instances.push(instance('other-db'));
    const result = await scan(config(datastores, { regions: [REGION], accounts: [{ id: other, roleArn }] }));
    for (const datastore of result.services[0]!.datastores) {
      expect(datastore.collectionError, datastore.name).toContain(`could not assume role ${roleArn} (sts:AssumeRole): AccessDenied`);
      expect(datastore.collectionError, datastore.name).toContain(`to allow it: allow sts:AssumeRole on ${roleArn}`);
      expect(datastore.collectionError, datastore.name).not.toMatch(/allow (s3|rds):/);
    }
    expect(result.services[0]!.findings.filter((f) => f.status === 'pass')).toEqual([]);
  });

  it('says it was the AssumeRole step when STS is unreachable', async () => {
    process.env.AWS_ENDPOINT_URL_STS = await closedLoopbackUrl();
    server.addRole(roleArn, other);
    server.buckets(other).push({ name: 'other-archive', region: REGION, versioning: 'Enabled' });
    server.region(other, REGION).instances.push(instance('other-db'));
    const result = await scan(config(datastores, { regions: [REGION], maxAttempts: 1, accounts: [{ id: other, roleArn }] }));
    for (const datastore of result.services[0]!.datastores) {
      expect(datastore.collectionError, datastore.name).toMatch(new RegExp(`could not assume role ${roleArn} \\(sts:AssumeRole\\): .*ECONNREFUSED`));
    }
    expect(server.calls.get('GetBucketVersioning')).toBeUndefined();
  });
});

describe('credentials', () => {
  it('never prints the secret key, even when an error echoes it', async () => {
    server.region(ACCOUNT, REGION).instances.push(instance('orders-db'));
    server.inject({
      action: 'DescribeDBInstances',
      code: 'SignatureDoesNotMatch',
      message: `The request signature we calculated does not match; secret ${FIXTURE_SECRET_ACCESS_KEY} was used`,
    });
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const result = await scan(config([{ name: 'orders-db', type: 'rds-instance', identifier: 'orders-db', region: REGION }]), pino({ level: 'debug' }, sink));
    const output = JSON.stringify(result) + lines.join('');
    expect(output).toContain('SignatureDoesNotMatch');
    expect(output).toContain('[redacted]');
    expect(output).not.toContain(FIXTURE_SECRET_ACCESS_KEY);
  });
});

describe('retention drift between two scans, through the real SDK', () => {
  it('reports retention cut from 35 to 30 days as evidence-worsened, and to 7 days as a new failure', async () => {
    const estate = server.region(ACCOUNT, REGION);
    estate.instances.push(instance('orders-db'));
    const cfg = config([{ name: 'orders-db', type: 'rds-instance', identifier: 'orders-db', region: REGION }]);
    const week1 = await scan(cfg);
    estate.instances[0] = instance('orders-db', { backupRetentionPeriod: 30 });
    const week2 = await scan(cfg);
    estate.instances[0] = instance('orders-db', { backupRetentionPeriod: 7 });
    const week3 = await scan(cfg);

    const retention = (events: ReturnType<typeof diffScans>) => events.filter((e) => e.checkId === 'rds.pitr-retention');
    expect(retention(diffScans(week1, week2))).toEqual([
      expect.objectContaining({ type: 'evidence-worsened', datastore: 'orders-db', message: expect.stringContaining('BackupRetentionPeriod: 35 -> 30') }),
    ]);
    expect(retention(diffScans(week2, week3))).toEqual([
      expect.objectContaining({ type: 'new-failure', datastore: 'orders-db', before: expect.objectContaining({ status: 'pass' }), after: expect.objectContaining({ status: 'fail' }) }),
    ]);
  });
});
