// AWS collection at scale against the local wire-format fixture server:
// 1,000 DB instances over 3 regions using 20 distinct parameter groups, 30
// manual snapshots and 500 buckets, all registered, with discovery on.
// Prints API calls made against the minimum needed and wall time at
// concurrency 1 and 16. The fixture server runs in this process, so the
// wall times include its own XML rendering.
import { ALL_CHECKS } from '../checks';
import { ConfigSchema, type Config } from '../src/config/schema';
import { runScan } from '../src/engine/scan';
import { DATASTORE_COLLECTORS, ESTATE_COLLECTORS, SERVICE_COLLECTORS } from '../src/engine/registry';
import { silentLogger } from '../src/log';
import { RDS_PAGE_SIZE } from '../src/collectors/aws/rds-api';
import { AwsFixtureServer, secureTransportPolicy } from '../test/support/aws-fixture-server';
import { startAwsFixture } from '../test/support/aws-env';

const ACCOUNT = '111111111111';
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const INSTANCES = 1000;
const GROUPS = 20;
const PARAMETERS_PER_GROUP = 250;
const SNAPSHOTS = 30;
const BUCKETS = 500;
const BUCKET_CALLS = 6;

const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));

function buildEstate(server: AwsFixtureServer): { datastores: unknown[]; minimum: number } {
  const recent = new Date(Date.now() - 60_000).toISOString();
  const datastores: unknown[] = [];
  let minimum = 0;
  REGIONS.forEach((region, r) => {
    const estate = server.region(ACCOUNT, region);
    const groups = Array.from({ length: GROUPS }, (_, g) => `params-${g}`).filter((_, g) => g % REGIONS.length === r);
    for (const group of groups) {
      estate.parameterGroups[group] = [
        ...Array.from({ length: PARAMETERS_PER_GROUP - 1 }, (_, p) => ({ name: `param_${p}`, value: String(p) })),
        { name: 'rds.force_ssl', value: '1' },
      ];
      minimum += pages(PARAMETERS_PER_GROUP, RDS_PAGE_SIZE); // one series per distinct group
    }
    let inRegion = 0;
    for (let i = r; i < INSTANCES; i += REGIONS.length) {
      const identifier = `db-${String(i).padStart(4, '0')}`;
      estate.instances.push({
        identifier,
        engine: 'postgres',
        engineVersion: '16.4',
        backupRetentionPeriod: i % 10 === 0 ? 7 : 35,
        latestRestorableTime: recent,
        multiAz: true,
        storageEncrypted: true,
        deletionProtection: i % 4 !== 0,
        parameterGroup: groups[inRegion % groups.length],
      });
      datastores.push({ name: identifier, type: 'rds-instance', identifier, region, backupPolicy: `https://runbooks.acme.io/backups/${identifier}` });
      inRegion++;
    }
    for (let s = 0; s < SNAPSHOTS / REGIONS.length; s++) {
      estate.snapshots.push({ identifier: `${region}-manual-${s}`, of: estate.instances[s * 7]!.identifier, restore: s === 0 ? ['all'] : [] });
    }
    minimum += pages(inRegion, RDS_PAGE_SIZE); // DescribeDBInstances
    minimum += 1; // DescribeDBClusters (discovery; none exist)
    minimum += pages(SNAPSHOTS / REGIONS.length, RDS_PAGE_SIZE); // DescribeDBSnapshots (manual)
  });
  minimum += SNAPSHOTS; // one DescribeDBSnapshotAttributes per manual snapshot
  for (let b = 0; b < BUCKETS; b++) {
    const name = `bucket-${String(b).padStart(4, '0')}`;
    const region = REGIONS[b % REGIONS.length]!;
    server.buckets(ACCOUNT).push({
      name,
      region,
      versioning: 'Enabled',
      lifecycle: b % 5 === 0 ? undefined : [{ id: 'versions', noncurrentDays: 45 }],
      encryption: { algorithm: 'AES256' },
      policy: b % 3 === 0 ? undefined : secureTransportPolicy(name),
      publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
    });
    datastores.push({ name, type: 's3-bucket', bucket: name, region, backupPolicy: `https://runbooks.acme.io/backups/${name}` });
  }
  minimum += BUCKETS * BUCKET_CALLS;
  minimum += pages(BUCKETS, 1000); // ListBuckets (discovery)
  return { datastores, minimum };
}

function configFor(datastores: unknown[], concurrency: number): Config {
  return ConfigSchema.parse({
    aws: { regions: REGIONS, discovery: true },
    scan: { concurrency, datastoreTimeoutSeconds: 300 },
    services: [{ name: 'fleet', environment: 'production', datastores }],
  });
}

export async function run(): Promise<void> {
  const { server, stop } = await startAwsFixture();
  try {
    const { datastores, minimum } = buildEstate(server);
    process.stdout.write(
      `estate: ${INSTANCES} DB instances in ${REGIONS.length} regions, ${GROUPS} parameter groups of ${PARAMETERS_PER_GROUP} parameters, ${SNAPSHOTS} manual snapshots, ${BUCKETS} buckets; discovery on\n`,
    );
    for (const concurrency of [1, 16]) {
      server.resetCalls();
      const started = performance.now();
      const result = await runScan({
        config: configFor(datastores, concurrency),
        configPath: null,
        collectors: DATASTORE_COLLECTORS,
        serviceCollectors: SERVICE_COLLECTORS,
        estateCollectors: ESTATE_COLLECTORS,
        checks: ALL_CHECKS,
        log: silentLogger,
      });
      const wallMs = performance.now() - started;
      const made = server.totalCalls();
      const errors = result.services[0]!.datastores.filter((d) => d.collectionError).length;
      const t = result.totals;
      process.stdout.write(
        `concurrency ${String(concurrency).padStart(2)}: ${(wallMs / 1000).toFixed(2)} s wall, API calls made ${made} / minimum ${minimum} = ${(made / minimum).toFixed(2)}; ` +
          `${result.services[0]!.findings.length} findings (${t.pass} pass, ${t.fail} fail, ${t.warn} warn, ${t.error} error, ${t.unknown} unknown), ${errors} collection errors\n`,
      );
      process.stdout.write(`  calls by action: ${[...server.calls].sort().map(([a, n]) => `${a} ${n}`).join(', ')}\n`);
    }
  } finally {
    await stop();
  }
}
