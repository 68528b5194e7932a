// Datastore type `cnpg-cluster`: a PostgreSQL cluster run by CloudNativePG on
// Kubernetes, read from its Cluster, the Barman Cloud plugin's ObjectStore,
// ScheduledBackups and Backups; and, with a url, its database through the
// PostgreSQL checks.
import type { z } from 'zod';
import { operatorClusterModule, operatorClusterSchema } from '../kubernetes/operator-module';

export const CnpgClusterDatastoreSchema = operatorClusterSchema('cnpg-cluster', 'postgresql.cnpg.io/v1 Cluster', 'rw');
export type CnpgClusterDatastore = z.infer<typeof CnpgClusterDatastoreSchema>;

const cnpg = operatorClusterModule({
  type: 'cnpg-cluster',
  title: 'CloudNativePG cluster',
  schema: CnpgClusterDatastoreSchema,
  async collect(ctx) {
    const { collectCnpgCluster } = await import('./collector');
    return collectCnpgCluster(ctx);
  },
});
export const cnpgCollector = cnpg.collector;
export const cnpgClusterModule = cnpg.module;
