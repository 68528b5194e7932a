// Account/region-wide RDS reads, each made once per scan and shared through
// the scan cache: every instance and cluster page, each distinct parameter
// group's parameter series, the manual snapshots and each one's attributes.
import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  paginateDescribeDBClusterParameters,
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBParameters,
  paginateDescribeDBSnapshots,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds';
import type { Config } from '../../config/schema';
import type { ScanCache } from '../../engine/types';
import { groupBy } from '../../util';
import { rdsClient } from './clients';

/** RDS accepts 20 to 100 records per page; the largest page means the fewest calls. */
export const RDS_PAGE_SIZE = 100;

export interface RdsScope {
  shared: ScanCache;
  config: Config;
  account: string;
  region: string;
}

async function collectPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}

/** Every DB instance of the account and region, by identifier. */
export function instancesOf(scope: RdsScope): Promise<Map<string, DBInstance>> {
  const { shared, config, account, region } = scope;
  return shared.once(`rds:instances:${account}:${region}`, async () => {
    const client = await rdsClient(shared, config, account, region);
    const all = await collectPages(paginateDescribeDBInstances({ client, pageSize: RDS_PAGE_SIZE }, {}), (p) => p.DBInstances);
    return new Map(all.map((i) => [i.DBInstanceIdentifier!, i]));
  });
}

/** Every DB cluster (Aurora and Multi-AZ DB clusters) of the account and region, by identifier. */
export function clustersOf(scope: RdsScope): Promise<Map<string, DBCluster>> {
  const { shared, config, account, region } = scope;
  return shared.once(`rds:clusters:${account}:${region}`, async () => {
    const client = await rdsClient(shared, config, account, region);
    const all = await collectPages(paginateDescribeDBClusters({ client, pageSize: RDS_PAGE_SIZE }, {}), (p) => p.DBClusters);
    return new Map(all.map((c) => [c.DBClusterIdentifier!, c]));
  });
}

/** One parameter group's parameter values (the whole paginated series), read once per scan however many databases use it. */
export function parametersOf(
  scope: RdsScope,
  group: { name: string; kind: 'DB parameter group' | 'DB cluster parameter group' },
): Promise<Map<string, string | null>> {
  const { shared, config, account, region } = scope;
  return shared.once(`rds:parameters:${group.kind}:${account}:${region}:${group.name}`, async () => {
    const client = await rdsClient(shared, config, account, region);
    const parameters =
      group.kind === 'DB parameter group'
        ? await collectPages(
            paginateDescribeDBParameters({ client, pageSize: RDS_PAGE_SIZE }, { DBParameterGroupName: group.name }),
            (p) => p.Parameters,
          )
        : await collectPages(
            paginateDescribeDBClusterParameters({ client, pageSize: RDS_PAGE_SIZE }, { DBClusterParameterGroupName: group.name }),
            (p) => p.Parameters,
          );
    return new Map(parameters.map((p) => [p.ParameterName!, p.ParameterValue ?? null]));
  });
}

type SnapshotKind = 'DB snapshot' | 'DB cluster snapshot';

/** Manual DB (cluster) snapshot identifiers of the account and region, by the instance (cluster) they were taken of. */
export function manualSnapshotsOf(scope: RdsScope, kind: SnapshotKind): Promise<Map<string, string[]>> {
  const { shared, config, account, region } = scope;
  return shared.once(`rds:manual-snapshots:${kind}:${account}:${region}`, async () => {
    const client = await rdsClient(shared, config, account, region);
    const pages = { client, pageSize: RDS_PAGE_SIZE };
    const snapshots: { of?: string; identifier?: string }[] =
      kind === 'DB snapshot'
        ? (await collectPages(paginateDescribeDBSnapshots(pages, { SnapshotType: 'manual' }), (p) => p.DBSnapshots)).map((s) => ({
            of: s.DBInstanceIdentifier,
            identifier: s.DBSnapshotIdentifier,
          }))
        : (await collectPages(paginateDescribeDBClusterSnapshots(pages, { SnapshotType: 'manual' }), (p) => p.DBClusterSnapshots)).map((s) => ({
            of: s.DBClusterIdentifier,
            identifier: s.DBClusterSnapshotIdentifier,
          }));
    const byOwner = groupBy(snapshots, (s) => s.of ?? '');
    return new Map([...byOwner].map(([of, list]) => [of, list.map((s) => s.identifier!)]));
  });
}

/** Who may restore a manual snapshot: the `restore` attribute (account ids, or `all` when public). */
export function restoreAttributeOf(scope: RdsScope, snapshot: { identifier: string; kind: SnapshotKind }): Promise<string[]> {
  const { shared, config, account, region } = scope;
  return shared.once(`rds:snapshot-attributes:${snapshot.kind}:${account}:${region}:${snapshot.identifier}`, async () => {
    const client = await rdsClient(shared, config, account, region);
    if (snapshot.kind === 'DB snapshot') {
      const out = await client.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: snapshot.identifier }));
      const attributes = out.DBSnapshotAttributesResult?.DBSnapshotAttributes ?? [];
      return attributes.filter((a) => a.AttributeName === 'restore').flatMap((a) => a.AttributeValues ?? []);
    }
    const out = await client.send(
      new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: snapshot.identifier }),
    );
    const attributes = out.DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes ?? [];
    return attributes.filter((a) => a.AttributeName === 'restore').flatMap((a) => a.AttributeValues ?? []);
  });
}
