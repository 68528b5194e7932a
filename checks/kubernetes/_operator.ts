// Shared by the checks of operator-run PostgreSQL clusters (cnpg-cluster,
// crunchy-postgrescluster): the cluster's facts or the finding that says why
// they were not read. Pure.
import { unreadable } from '../../src/engine/findings';
import type { FindingDraft } from '../../src/engine/types';
import type { OperatorPostgres, OperatorPostgresFacts } from '../../src/datastores/kubernetes/facts';

/** The cluster, or the one `unknown` finding when it could not be read (RBAC, CRD not installed, no such object). */
export function operatorCluster(resource: string, facts: OperatorPostgresFacts): { cluster: OperatorPostgres } | { findings: FindingDraft[] } {
  if (!facts.cluster.ok) return { findings: [unreadable(resource, facts.cluster)] };
  return { cluster: facts.cluster.value };
}

/** `CloudNativePG Cluster payments/ledger`. */
export const clusterName = (facts: OperatorPostgresFacts, cluster: OperatorPostgres) =>
  `${facts.operator} ${facts.operator === 'CloudNativePG' ? 'Cluster' : 'PostgresCluster'} ${cluster.object}`;
