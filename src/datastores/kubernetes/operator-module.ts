// What the datastore types of PostgreSQL operators on Kubernetes (CloudNativePG,
// Crunchy PGO) have in common: a cluster resource named in config, an optional
// URL of its database for the PostgreSQL checks, one collector of the
// operator's resources, and the recovery line those resources show.
import { z } from 'zod';
import type { CollectContext, Collector } from '../../engine/types';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';
import { PostgresTlsSchema } from '../postgres';
import { kubernetesDiscoveryCollector } from './discovery-collector';
import { describeOperatorRecovery, type OperatorPostgresFacts } from './facts';
import { KUBERNETES_PLACEMENT_FIELDS, KubernetesName } from './settings';

/** The config schema of an operator's cluster: `cluster` names its resource, `service` is the Service suffix of its primary. */
export function operatorClusterSchema<const T extends string>(type: T, resource: string, service: string) {
  return z.strictObject({
    ...DATASTORE_COMMON_FIELDS,
    type: z.literal(type),
    ...KUBERNETES_PLACEMENT_FIELDS,
    cluster: KubernetesName.describe(`metadata.name of the ${resource}.`),
    url: z
      .string()
      .optional()
      .describe(`postgres:// URL of the cluster's database (e.g. its <cluster>-${service} Service DNS name); when set, every PostgreSQL check runs on it too.`),
    tls: PostgresTlsSchema,
  });
}

type OperatorClusterDatastore<T extends string> = z.infer<ReturnType<typeof operatorClusterSchema<T>>>;

/** The collector (its module loaded only when a scan collects) and the module of an operator's datastore type. */
export function operatorClusterModule<const T extends string>(options: {
  type: T;
  title: string;
  schema: ReturnType<typeof operatorClusterSchema<T>>;
  collect(ctx: CollectContext<OperatorClusterDatastore<T>>): Promise<OperatorPostgresFacts>;
}) {
  const collector: Collector<'kubernetesPostgres', OperatorPostgresFacts, OperatorClusterDatastore<T>> = { kind: 'kubernetesPostgres', collect: options.collect };
  const module = defineDatastoreModule({
    type: options.type,
    title: options.title,
    docs: 'docs/kubernetes.md',
    schema: options.schema,
    collectors: [collector],
    discovery: [kubernetesDiscoveryCollector],
    offers: {
      postgres: (datastore) => (datastore.url ? { url: datastore.url, ...(datastore.tls ? { tls: datastore.tls } : {}), excludeSchemas: [] } : undefined),
    },
    describeRecovery(facts) {
      const collected = facts.kubernetesPostgres;
      return collected?.ok ? describeOperatorRecovery(collected.facts) : undefined;
    },
  });
  return { collector, module };
}
