// Datastore type `crunchy-postgrescluster`: a PostgreSQL cluster run by Crunchy
// PGO v5 on Kubernetes, read from its PostgresCluster (pgBackRest repositories,
// retention, scheduled backup status); and, with a url, its database through
// the PostgreSQL checks.
import { z } from 'zod';
import type { Collector } from '../../engine/types';
import { kubernetesDiscoveryCollector } from '../kubernetes/discovery-collector';
import { describeOperatorRecovery, type OperatorPostgresFacts } from '../kubernetes/facts';
import { KUBERNETES_PLACEMENT_FIELDS, KubernetesName } from '../kubernetes/settings';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';
import { PostgresTlsSchema } from '../postgres';

export const CrunchyPostgresClusterDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('crunchy-postgrescluster'),
  ...KUBERNETES_PLACEMENT_FIELDS,
  cluster: KubernetesName.describe('metadata.name of the postgres-operator.crunchydata.com/v1beta1 PostgresCluster.'),
  url: z
    .string()
    .optional()
    .describe("postgres:// URL of the cluster's database (e.g. its <cluster>-primary Service DNS name); when set, every PostgreSQL check runs on it too."),
  tls: PostgresTlsSchema,
});
export type CrunchyPostgresClusterDatastore = z.infer<typeof CrunchyPostgresClusterDatastoreSchema>;

export const crunchyCollector: Collector<'kubernetesPostgres', OperatorPostgresFacts, CrunchyPostgresClusterDatastore> = {
  kind: 'kubernetesPostgres',
  async collect(ctx) {
    const { collectCrunchyPostgresCluster } = await import('./collector');
    return collectCrunchyPostgresCluster(ctx);
  },
};

export const crunchyPostgresClusterModule = defineDatastoreModule({
  type: 'crunchy-postgrescluster',
  title: 'Crunchy PGO PostgresCluster',
  docs: 'docs/kubernetes.md',
  schema: CrunchyPostgresClusterDatastoreSchema,
  collectors: [crunchyCollector],
  discovery: [kubernetesDiscoveryCollector],
  offers: {
    postgres: (datastore) => (datastore.url ? { url: datastore.url, ...(datastore.tls ? { tls: datastore.tls } : {}), excludeSchemas: [] } : undefined),
  },
  describeRecovery(facts) {
    const collected = facts.kubernetesPostgres;
    return collected?.ok ? describeOperatorRecovery(collected.facts) : undefined;
  },
});
