// Datastore type `cnpg-cluster`: a PostgreSQL cluster run by CloudNativePG on
// Kubernetes, read from its Cluster, the Barman Cloud plugin's ObjectStore,
// ScheduledBackups and Backups; and, with a url, its database through the
// PostgreSQL checks.
import { z } from 'zod';
import type { Collector } from '../../engine/types';
import { kubernetesDiscoveryCollector } from '../kubernetes/discovery-collector';
import { describeOperatorRecovery, type OperatorPostgresFacts } from '../kubernetes/facts';
import { KUBERNETES_PLACEMENT_FIELDS, KubernetesName } from '../kubernetes/settings';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';
import { PostgresTlsSchema } from '../postgres';

export const CnpgClusterDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('cnpg-cluster'),
  ...KUBERNETES_PLACEMENT_FIELDS,
  cluster: KubernetesName.describe('metadata.name of the postgresql.cnpg.io/v1 Cluster.'),
  url: z
    .string()
    .optional()
    .describe("postgres:// URL of the cluster's database (e.g. its <cluster>-rw Service DNS name); when set, every PostgreSQL check runs on it too."),
  tls: PostgresTlsSchema,
});
export type CnpgClusterDatastore = z.infer<typeof CnpgClusterDatastoreSchema>;

export const cnpgCollector: Collector<'kubernetesPostgres', OperatorPostgresFacts, CnpgClusterDatastore> = {
  kind: 'kubernetesPostgres',
  async collect(ctx) {
    const { collectCnpgCluster } = await import('./collector');
    return collectCnpgCluster(ctx);
  },
};

export const cnpgClusterModule = defineDatastoreModule({
  type: 'cnpg-cluster',
  title: 'CloudNativePG cluster',
  docs: 'docs/kubernetes.md',
  schema: CnpgClusterDatastoreSchema,
  collectors: [cnpgCollector],
  discovery: [kubernetesDiscoveryCollector],
  offers: {
    postgres: (datastore) => (datastore.url ? { url: datastore.url, ...(datastore.tls ? { tls: datastore.tls } : {}), excludeSchemas: [] } : undefined),
  },
  describeRecovery(facts) {
    const collected = facts.kubernetesPostgres;
    return collected?.ok ? describeOperatorRecovery(collected.facts) : undefined;
  },
});
