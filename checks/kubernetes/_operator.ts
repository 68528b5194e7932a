// Shared by the checks of operator-run PostgreSQL clusters (cnpg-cluster,
// crunchy-postgrescluster): the cluster's facts or the finding that says why
// they were not read. Pure.
import { unreadable } from '../../src/engine/findings';
import type { FindingDraft } from '../../src/engine/types';
import type { ArchivingState, OperatorPostgres, OperatorPostgresFacts } from '../../src/datastores/kubernetes/facts';

/** The cluster, or the one `unknown` finding when it could not be read (RBAC, CRD not installed, no such object). */
export function operatorCluster(resource: string, facts: OperatorPostgresFacts): { cluster: OperatorPostgres } | { findings: FindingDraft[] } {
  if (!facts.cluster.ok) return { findings: [unreadable(resource, facts.cluster)] };
  return { cluster: facts.cluster.value };
}

/** `CloudNativePG Cluster payments/ledger`. */
export const clusterName = (facts: OperatorPostgresFacts, cluster: OperatorPostgres) =>
  `${facts.operator} ${facts.operator === 'CloudNativePG' ? 'Cluster' : 'PostgresCluster'} ${cluster.object}`;

/**
 * Whether WAL archiving works, from the operator's report and, with a url, the
 * database's own view (pg_stat_archiver, pg_settings), decided as
 * kubernetes.wal-archiving decides it: either one's "failing" wins over the
 * other's "working"; `works` is null when neither confirms it, and `why` then
 * says what each one said. The caller has read the operator's report.
 */
export function archivingVerdict(reported: ArchivingState, db: OperatorPostgres['databaseArchiving']): { works: boolean | null; why: string } {
  const inside = db?.ok ? db.value : null;
  if (reported.healthy === false) return { works: false, why: reported.message };
  if (inside?.working === false) return { works: false, why: `the database shows: ${inside.line}` };
  if (reported.healthy === true) return { works: true, why: reported.message };
  if (inside?.working === true) return { works: true, why: `the database shows: ${inside.line}` };
  const dbWhy = !db ? '' : db.ok ? `; the database shows: ${db.value.line}` : `; the database could not be read either (${db.reason})`;
  return { works: null, why: `${reported.message}${dbWhy}` };
}
