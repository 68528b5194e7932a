import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './unregistered';
import { ConfigSchema } from '../../src/config/schema';
import { resolvePolicy } from '../../src/config/policy';
import { observed, unavailable } from '../../src/engine/types';
import type { AwsDiscoveryFacts } from '../../src/datastores/aws/facts';

const ACCOUNT = '111111111111';
const config = ConfigSchema.parse({
  aws: { accounts: [{ id: ACCOUNT }], regions: ['eu-west-1'], discovery: true },
  services: [
    {
      name: 'orders',
      datastores: [
        { name: 'db', type: 'rds-instance', identifier: 'orders-db', region: 'eu-west-1' },
        { name: 'aurora', type: 'rds-cluster', identifier: 'orders-aurora', region: 'eu-west-1' },
        { name: 'archive', type: 's3-bucket', bucket: 'orders-archive', region: 'eu-west-1' },
      ],
    },
  ],
});

function facts(extra: { instances?: string[]; buckets?: { name: string; region: string }[] } = {}): AwsDiscoveryFacts {
  return {
    regions: [
      {
        account: ACCOUNT,
        region: 'eu-west-1',
        instances: observed('rds:DescribeDBInstances', [
          { kind: 'instance', identifier: 'orders-db', engine: 'postgres', clusterIdentifier: null },
          { kind: 'instance', identifier: 'orders-aurora-1', engine: 'aurora-postgresql', clusterIdentifier: 'orders-aurora' },
          ...(extra.instances ?? []).map((identifier) => ({ kind: 'instance' as const, identifier, engine: 'mysql', clusterIdentifier: null })),
        ]),
        clusters: observed('rds:DescribeDBClusters', [
          { kind: 'cluster', identifier: 'orders-aurora', engine: 'aurora-postgresql', clusterIdentifier: null },
        ]),
      },
    ],
    buckets: [
      {
        account: ACCOUNT,
        regions: ['eu-west-1'],
        buckets: observed('s3:ListBuckets', [{ name: 'orders-archive', region: 'eu-west-1' }, ...(extra.buckets ?? [])]),
      },
    ],
  };
}

const input = (f: AwsDiscoveryFacts) => ({ config, facts: f, policy: resolvePolicy(config, 'production'), now: new Date() });

describe('datastore.unregistered', () => {
  it('passes when everything discovered is registered (members through their cluster)', () => {
    const [f] = runCheck(check, input(facts()));
    expect(f!.status).toBe('pass');
    expect(f!.message).toContain('all 3 discovered');
  });
  it('fails each unregistered instance and bucket in the configured regions', () => {
    const findings = runCheck(check, input(facts({ instances: ['legacy-db'], buckets: [{ name: 'tmp-exports', region: 'eu-west-1' }, { name: 'us-only', region: 'us-east-1' }] })));
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      [`rds-instance:${ACCOUNT}/eu-west-1/legacy-db`, 'fail'],
      [`s3-bucket:${ACCOUNT}/tmp-exports`, 'fail'],
    ]);
    expect(findings[0]!.message).toContain('no owner, no backup policy link');
  });
  it('is unknown for a scope that could not be listed, never a pass', () => {
    const f = facts();
    f.regions[0]!.instances = unavailable('rds:DescribeDBInstances', 'AccessDenied');
    const findings = runCheck(check, input(f));
    expect(findings.map((x) => x.status)).toEqual(['unknown']);
  });
  it('names in the pass evidence only the listings that were read', () => {
    const [f] = runCheck(check, input(facts()));
    expect(f!.evidence).toEqual([{ source: 'rds:DescribeDBInstances, rds:DescribeDBClusters, s3:ListBuckets', field: 'discovered', value: 3 }]);
  });
  it('is unknown, never a pass, for an account without regions: its RDS databases were not listed', () => {
    const f = facts();
    f.regions = []; // discovery lists no RDS region for an account without regions
    f.buckets[0]!.regions = [];
    const findings = runCheck(check, input(f));
    expect(findings.map((x) => [x.resource, x.status])).toEqual([[`aws:${ACCOUNT}/rds`, 'unknown']]);
    expect(findings[0]!.message).toContain('no regions configured: RDS instances and clusters were not listed');
  });
});
