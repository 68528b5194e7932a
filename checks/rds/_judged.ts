// Shared by the rds.* checks: Aurora cluster members are judged at their cluster.
import type { Evidence } from '../../src/model';
import type { RdsFacts } from '../../src/datastores/aws/facts';

/** How the judged database is named in messages: "cluster orders (for member orders-1)". */
export function judgedName(facts: RdsFacts): string {
  const { judged, target } = facts;
  if (judged.kind === target.kind && judged.identifier === target.identifier) return `${judged.kind} ${judged.identifier}`;
  return `cluster ${judged.identifier} (for its member ${target.identifier})`;
}

/** Evidence that a member's settings were read at its cluster, when they were. */
export function memberEvidence(facts: RdsFacts): Evidence[] {
  if (facts.target.kind !== 'instance' || !facts.target.clusterIdentifier) return [];
  return [{ source: 'rds:DescribeDBInstances', field: 'DBClusterIdentifier', value: facts.target.clusterIdentifier }];
}
