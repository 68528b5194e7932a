// The `awsDiscovery` estate collector: every RDS instance, cluster and bucket
// of the configured accounts and regions, through the same shared reads the
// per-datastore collectors use, so a page a collector already read costs no
// second call (discovery adds the ListBuckets pages, and the instance and
// cluster pages of regions no registered datastore needed).
import { paginateListBuckets, type Bucket } from '@aws-sdk/client-s3';
import type { Config } from '../../config/schema';
import type { ScanCache } from '../../engine/types';
import { observeAws, s3Client } from './clients';
import { discoveryScopes } from './accounts';
import type { AwsDiscoveryFacts, DiscoveredRds, RdsDatabase } from './facts';
import { clustersOf, instancesOf } from './rds-api';
import { clusterToDatabase, instanceToDatabase } from './rds';

/** ListBuckets returns up to 10,000 buckets per page; 1,000 keeps responses small. */
export const BUCKET_PAGE_SIZE = 1000;

/** Every bucket of an account (S3 lists them account-wide, with each bucket's region). */
function bucketsOf(shared: ScanCache, config: Config, account: string, region: string): Promise<Bucket[]> {
  return shared.once(`s3:buckets:${account}`, async () => {
    const client = await s3Client(shared, config, account, region);
    const all: Bucket[] = [];
    for await (const page of paginateListBuckets({ client, pageSize: BUCKET_PAGE_SIZE }, {})) all.push(...(page.Buckets ?? []));
    return all;
  });
}

const discovered = ({ kind, identifier, engine, clusterIdentifier }: RdsDatabase): DiscoveredRds => ({ kind, identifier, engine, clusterIdentifier });

/** Discovery of every configured account, or of the one named. */
export async function discoverAws(shared: ScanCache, config: Config, account?: string): Promise<AwsDiscoveryFacts> {
  const scopes = discoveryScopes(config).filter((s) => account === undefined || s.account === account);
  if (account !== undefined && scopes.length === 0) throw new Error(`account ${account} is not listed under aws.accounts`);
  const regions = await Promise.all(
    scopes.flatMap(({ account, regions }) =>
      regions.map(async (region) => {
        const scope = { shared, config, account, region };
        const [instances, clusters] = await Promise.all([
          observeAws('rds:DescribeDBInstances', 'rds:DescribeDBInstances', async () =>
            [...(await instancesOf(scope)).values()].map((i) => discovered(instanceToDatabase(i))),
          ),
          observeAws('rds:DescribeDBClusters', 'rds:DescribeDBClusters', async () =>
            [...(await clustersOf(scope)).values()].map((c) => discovered(clusterToDatabase(c))),
          ),
        ]);
        return { account, region, instances, clusters };
      }),
    ),
  );
  const buckets = await Promise.all(
    scopes.map(async ({ account, regions: accountRegions }) => ({
      account,
      regions: accountRegions,
      buckets: await observeAws('s3:ListBuckets', 's3:ListAllMyBuckets', async () =>
        (await bucketsOf(shared, config, account, accountRegions[0] ?? 'us-east-1')).map((b) => ({
          name: b.Name!,
          region: b.BucketRegion ?? null,
        })),
      ),
    })),
  );
  return { regions, buckets };
}
