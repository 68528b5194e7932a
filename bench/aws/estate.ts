// The bench estate, built inside the fixture worker thread (see bench/aws.ts):
// 1,000 DB instances over 3 regions using 20 distinct parameter groups, 30
// manual snapshots, 500 buckets and 20 AWS Backup plans whose selections
// cover half of the instances and buckets, and the minimum number of API
// calls a scan of it with discovery needs.
import { BACKUP_PAGE_SIZE } from '../../src/datastores/aws/backup';
import { BUCKET_PAGE_SIZE } from '../../src/datastores/aws/discovery';
import { RDS_PAGE_SIZE } from '../../src/datastores/aws/rds-api';
import { rdsArn, secureTransportPolicy, type AwsFixtureServer } from '../../test/support/aws-fixture-server';

export const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const ACCOUNT = '111111111111';
const INSTANCES = 1000;
const GROUPS = 20;
const PARAMETERS_PER_GROUP = 250;
const SNAPSHOTS = 30;
const BUCKETS = 500;
const BUCKET_CALLS = 6;
const BACKUP_PLANS = 20;

const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));

export interface BenchEstate {
  summary: string;
  datastores: unknown[];
  minimum: number;
}

/** Every other datastore of a region is covered, round-robin over the region's plans, and has one recovery point. */
function coverHalf(server: AwsFixtureServer, arnsByRegion: Map<string, string[]>, recent: string): number {
  let minimum = 0;
  REGIONS.forEach((region, r) => {
    const backup = server.region(ACCOUNT, region).backup;
    const plans = Array.from({ length: BACKUP_PLANS }, (_, p) => p).filter((p) => p % REGIONS.length === r);
    const covered = (arnsByRegion.get(region) ?? []).filter((_, i) => i % 2 === 0);
    backup.vaults.push({ name: `vault-${region}`, locked: true, minRetentionDays: 35, maxRetentionDays: 400 });
    plans.forEach((p, k) => {
      backup.plans.push({
        id: `plan-${p}`,
        name: `pitr-${p}`,
        rules: [{ name: 'continuous', vault: `vault-${region}`, continuous: true, deleteAfterDays: 35 }],
        selections: [{ id: `selection-${p}`, name: `half-${p}`, resources: covered.filter((_, i) => i % plans.length === k) }],
      });
    });
    for (const resourceArn of covered) backup.recoveryPoints.push({ resourceArn, vault: `vault-${region}`, created: recent });
    minimum += pages(plans.length, BACKUP_PAGE_SIZE) + plans.length * 3; // ListBackupPlans; GetBackupPlan, ListBackupSelections, GetBackupSelection per plan
    minimum += 1 + pages(covered.length, BACKUP_PAGE_SIZE); // ListBackupVaults, ListProtectedResources
    minimum += covered.length; // ListRecoveryPointsByResource per protected registered datastore
  });
  return minimum;
}

export function build(server: AwsFixtureServer): BenchEstate {
  const recent = new Date(Date.now() - 60_000).toISOString();
  const datastores: unknown[] = [];
  const arnsByRegion = new Map<string, string[]>(REGIONS.map((region) => [region, []]));
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
      arnsByRegion.get(region)!.push(rdsArn('db', identifier, { account: ACCOUNT, region }));
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
    arnsByRegion.get(region)!.push(`arn:aws:s3:::${name}`);
  }
  minimum += coverHalf(server, arnsByRegion, recent);
  minimum += BUCKETS * BUCKET_CALLS;
  minimum += pages(BUCKETS, BUCKET_PAGE_SIZE); // ListBuckets (discovery)
  const summary = `${INSTANCES} DB instances in ${REGIONS.length} regions, ${GROUPS} parameter groups of ${PARAMETERS_PER_GROUP} parameters, ${SNAPSHOTS} manual snapshots, ${BUCKETS} buckets, ${BACKUP_PLANS} AWS Backup plans covering half of them; discovery on`;
  return { summary, datastores, minimum };
}

