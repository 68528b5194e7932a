// Datastore type `crunchy-postgrescluster`: a PostgreSQL cluster run by Crunchy
// PGO v5 on Kubernetes, read from its PostgresCluster (pgBackRest repositories,
// retention, scheduled backup status); and, with a url, its database through
// the PostgreSQL checks.
import type { z } from 'zod';
import { operatorClusterModule, operatorClusterSchema } from '../kubernetes/operator-module';

export const CrunchyPostgresClusterDatastoreSchema = operatorClusterSchema(
  'crunchy-postgrescluster',
  'postgres-operator.crunchydata.com/v1beta1 PostgresCluster',
  'primary',
);
export type CrunchyPostgresClusterDatastore = z.infer<typeof CrunchyPostgresClusterDatastoreSchema>;

const crunchy = operatorClusterModule({
  type: 'crunchy-postgrescluster',
  title: 'Crunchy PGO PostgresCluster',
  schema: CrunchyPostgresClusterDatastoreSchema,
  async collect(ctx) {
    const { collectCrunchyPostgresCluster } = await import('./collector');
    return collectCrunchyPostgresCluster(ctx);
  },
});
export const crunchyCollector = crunchy.collector;
export const crunchyPostgresClusterModule = crunchy.module;
