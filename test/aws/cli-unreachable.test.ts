// With AWS out of reach (endpoint closed, role refused) a scan of any AWS config
// exits 3 ("no datastore could be scanned"), through the real CLI: no AWS check
// passes, and neither report says the datastore was collected.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model';
import { AwsFixtureServer } from '../support/aws-fixture-server';
import { fixtureEnv } from '../support/aws-env';
import { closedLoopbackUrl } from '../support/loopback';
import { runCli, type CliResult } from '../support/cli';

const REGION = 'eu-west-1';
const OTHER_ACCOUNT = '222222222222';
const ROLE_ARN = `arn:aws:iam::${OTHER_ACCOUNT}:role/continuity-read`;

const BUCKET = { name: 'archive', type: 's3-bucket', bucket: 'orders-archive', region: REGION, backupPolicy: 'https://runbooks.acme.io/archive' };
const INSTANCE = { name: 'orders-db', type: 'rds-instance', identifier: 'orders-db', region: REGION, backupPolicy: 'https://runbooks.acme.io/db' };

let dir: string;
let server: AwsFixtureServer;

async function scan(name: string, datastores: unknown[], aws: Record<string, unknown>, endpoint: string): Promise<CliResult & { result: ScanResult; html: string; md: string }> {
  const config = JSON.stringify({ aws: { regions: [REGION], maxAttempts: 1, ...aws }, services: [{ name: 'orders', environment: 'production', datastores }] });
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, config); // JSON is YAML
  const out = path.join(dir, name);
  const run = await runCli(['scan', '--config', file, '--out', out, '--no-history', '--fail-on', 'critical'], { env: fixtureEnv(endpoint), cwd: dir });
  return {
    ...run,
    result: JSON.parse(await readFile(path.join(out, 'scan.json'), 'utf8')) as ScanResult,
    html: await readFile(path.join(out, 'orders.html'), 'utf8'),
    md: await readFile(path.join(out, 'orders.md'), 'utf8'),
  };
}

function expectNotScanned(run: Awaited<ReturnType<typeof scan>>): void {
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toContain('no datastore could be scanned');
  expect(run.stderr).toMatch(/"ok":false.*"msg":"datastore not collected"|"msg":"datastore not collected".*"ok":false/);
  expect(run.stderr).not.toContain('"ok":true');
  const aws = run.result.services[0]!.findings.filter((f) => /^(rds|s3)\./.test(f.checkId));
  expect(aws.length).toBeGreaterThan(0);
  expect(aws.filter((f) => f.status === 'pass')).toEqual([]);
  expect(run.html).not.toContain('collected in');
  expect(run.html).toContain('not collected');
  expect(run.md).toContain('not read: the datastore could not be scanned');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-aws-unreachable-'));
  server = new AwsFixtureServer();
  await server.start();
  server.buckets(OTHER_ACCOUNT).push({ name: 'orders-archive', region: REGION, versioning: 'Enabled' });
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a scan with the AWS endpoint closed', () => {
  it.each([
    ['s3-only', [BUCKET]],
    ['rds-only', [INSTANCE]],
    ['mixed', [BUCKET, INSTANCE]],
  ])('exits 3 for a %s config', async (name, datastores) => {
    const run = await scan(name, datastores, {}, await closedLoopbackUrl());
    expectNotScanned(run);
    for (const datastore of run.result.services[0]!.datastores) {
      expect(datastore.collectionError).toContain('ECONNREFUSED');
      expect(datastore.collectionError, 'said once for the collectors sharing the read').toMatch(/^awsBackup, (rds|s3): .*ECONNREFUSED/);
    }
  });
});

describe('a scan whose role to assume is refused', () => {
  it('exits 3 and names sts:AssumeRole and the role', async () => {
    const run = await scan('refused', [BUCKET, INSTANCE], { accounts: [{ id: OTHER_ACCOUNT, roleArn: ROLE_ARN }] }, server.url);
    expectNotScanned(run);
    expect(run.html).toContain(`could not assume role ${ROLE_ARN} (sts:AssumeRole)`);
    expect(run.md).toContain(`allow sts:AssumeRole on ${ROLE_ARN}`);
    expect(server.calls.get('GetBucketVersioning')).toBeUndefined();
  });
});
