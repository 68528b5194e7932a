import { defineEstateCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { accountOf, isAwsDatastore } from '../../src/datastores/aws/accounts';

export default defineEstateCheck({
  scope: 'estate',
  requires: 'awsDiscovery',
  id: 'datastore.unregistered',
  title: 'Every discovered datastore is registered',
  severity: 'medium',
  description:
    'Every RDS instance, cluster and S3 bucket that discovery lists in the configured accounts and regions is registered in the config under a service, so it has an owner and a backup policy link. Cluster members are covered by their cluster. Without configured regions RDS is not listed, which is unknown, not a pass.',
  remediation: 'Add the datastore to the service that owns it (services[].datastores) with its backupPolicy link, or waive it with a reason.',
  evaluate({ config, facts }): FindingDraft[] {
    const registered = new Set<string>();
    for (const service of config.services) {
      for (const ds of service.datastores) {
        if (!isAwsDatastore(ds)) continue;
        const account = accountOf(config, ds);
        if (ds.type === 's3-bucket') registered.add(`bucket ${account} ${ds.bucket}`);
        else registered.add(`${ds.type === 'rds-instance' ? 'instance' : 'cluster'} ${account} ${ds.region} ${ds.identifier}`);
      }
    }
    const findings: FindingDraft[] = [];
    const sources = new Set<string>(); // of the listings that were read, for the pass evidence
    let listed = 0;
    for (const scope of facts.buckets) {
      if (scope.regions.length > 0) continue; // without regions discovery lists this account's buckets only
      findings.push({
        resource: `aws:${scope.account}/rds`,
        status: 'unknown',
        message: `no regions configured: RDS instances and clusters were not listed in account ${scope.account} (set aws.regions or aws.accounts[].regions)`,
        evidence: [{ source: 'config aws.regions, aws.accounts[].regions', field: 'regions', value: 'none' }],
      });
    }
    for (const scope of facts.regions) {
      for (const fact of [scope.instances, scope.clusters]) {
        if (!fact.ok) {
          findings.push(unreadable(`aws:${scope.account}/${scope.region}`, fact));
          continue;
        }
        sources.add(fact.source);
        for (const db of fact.value) {
          if (db.clusterIdentifier) continue; // judged and registered through its cluster
          listed++;
          if (registered.has(`${db.kind} ${scope.account} ${scope.region} ${db.identifier}`)) continue;
          findings.push({
            resource: `rds-${db.kind}:${scope.account}/${scope.region}/${db.identifier}`,
            status: 'fail',
            message: `RDS ${db.kind} ${db.identifier} (${db.engine}) in account ${scope.account}, ${scope.region} is not registered: no owner, no backup policy link`,
            evidence: [{ source: fact.source, field: db.kind === 'cluster' ? 'DBClusterIdentifier' : 'DBInstanceIdentifier', value: db.identifier }],
          });
        }
      }
    }
    for (const scope of facts.buckets) {
      if (!scope.buckets.ok) {
        findings.push(unreadable(`aws:${scope.account}`, scope.buckets));
        continue;
      }
      sources.add(scope.buckets.source);
      for (const bucket of scope.buckets.value) {
        if (scope.regions.length > 0 && bucket.region && !scope.regions.includes(bucket.region)) continue;
        listed++;
        if (registered.has(`bucket ${scope.account} ${bucket.name}`)) continue;
        findings.push({
          resource: `s3-bucket:${scope.account}/${bucket.name}`,
          status: 'fail',
          message: `S3 bucket ${bucket.name}${bucket.region ? ` (${bucket.region})` : ''} in account ${scope.account} is not registered: no owner, no backup policy link`,
          evidence: [{ source: scope.buckets.source, field: 'Name', value: bucket.name }],
        });
      }
    }
    if (findings.length > 0) return findings;
    return [
      {
        resource: 'aws',
        status: 'pass',
        message: `all ${listed} discovered RDS databases and buckets are registered`,
        evidence: [{ source: [...sources].join(', '), field: 'discovered', value: listed }],
      },
    ];
  },
});
