import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { clusterName, operatorCluster } from './_operator';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'kubernetesPostgres',
  id: 'kubernetes.offsite-backup',
  title: 'Operator-run PostgreSQL backups leave the Kubernetes cluster',
  severity: 'high',
  protection: true,
  description:
    'At least one backup destination is an object store outside the cluster (the Barman Cloud plugin ObjectStore or in-tree barmanObjectStore; a PGO s3, gcs or azure repository). Volume snapshots, PGO volume repositories and object stores served from a Service inside the cluster (*.svc endpoints) are lost with the cluster.',
  remediation:
    'CloudNativePG: configure the Barman Cloud plugin with an ObjectStore in another failure domain; Crunchy PGO: add an s3, gcs or azure repository (repo2) with its own schedules and retention.',
  docs: 'https://cloudnative-pg.io/documentation/current/backup/',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    const read = operatorCluster(resource, facts);
    if ('findings' in read) return read.findings;
    const { cluster } = read;
    if (!cluster.destinations.ok) return [unreadable(resource, cluster.destinations)];
    const name = clusterName(facts, cluster);
    const destinations = cluster.destinations.value;
    const evidence = destinations.map((d) => ({ source: d.source, field: d.name, value: `${d.detail}${d.offCluster ? '' : ' (inside the cluster)'}` }));
    if (destinations.length === 0) {
      return [{ resource, status: 'fail', message: `${name} has no backup destination configured`, evidence: [{ source: cluster.source, field: 'backup destinations', value: 0 }] }];
    }
    const outside = destinations.filter((d) => d.offCluster);
    if (outside.length === 0) {
      return [{ resource, status: 'fail', message: `${name}: backups stay inside the Kubernetes cluster (${destinations.map((d) => d.name).join(', ')}): losing the cluster loses them`, evidence }];
    }
    // A destination is configuration: whether backups and WAL reach it is kubernetes.scheduled-backup's and kubernetes.wal-archiving's to show.
    return [{ resource, status: 'pass', message: `${name}: backups are configured to leave the cluster through ${outside.map((d) => `${d.name} (${d.detail})`).join(', ')} (whether they reach it: kubernetes.scheduled-backup, kubernetes.wal-archiving)`, evidence }];
  },
});
