// Lists every CloudNativePG Cluster, PGO PostgresCluster and
// PersistentVolumeClaim in the configured contexts and namespaces, with the
// same once-per-scan listings the datastores read. PVCs that belong to an
// operator's cluster are parts of it and are left out.
import { observed, type EstateCollectContext, type Observed } from '../../engine/types';
import { errorMessage } from '../../secrets';
import { KubernetesAccessError, kubernetesApi, listOnce, scopesOf, type ListedObject, type Listing } from './access';
import type { DiscoveredObject, KubernetesDiscoveryFacts } from './facts';
import { array, record, text } from './objects';
import { KUBERNETES_RESOURCES as R, type ResourceKind } from './resources';
import { contextLabel, CURRENT_CONTEXT, discoveryContexts } from './settings';

const OPERATOR_OWNERS = new Set(['Cluster', 'PostgresCluster']);
const OPERATOR_LABELS = ['cnpg.io/cluster', 'postgres-operator.crunchydata.com/cluster'];

/** Whether a PVC is an operator's instance or repository volume. */
function ownedByOperator(pvc: ListedObject): boolean {
  if ((pvc.metadata.ownerReferences ?? []).some((o) => OPERATOR_OWNERS.has(o.kind))) return true;
  return OPERATOR_LABELS.some((l) => pvc.metadata.labels?.[l] !== undefined);
}

const KINDS: { kind: DiscoveredObject['kind']; resource: ResourceKind; read(o: ListedObject): { size: string | null; storageClass: string | null } | null }[] = [
  {
    kind: 'cnpg-cluster',
    resource: R.cnpgClusters,
    read: (o) => ({ size: text(record(o.spec?.storage).size), storageClass: text(record(o.spec?.storage).storageClass) }),
  },
  {
    kind: 'crunchy-postgrescluster',
    resource: R.pgoPostgresClusters,
    read: (o) => {
      const volume = record(array(o.spec?.instances).map(record)[0]?.dataVolumeClaimSpec);
      return { size: text(record(record(volume.resources).requests).storage), storageClass: text(volume.storageClassName) };
    },
  },
  {
    kind: 'k8s-pvc',
    resource: R.persistentVolumeClaims,
    read: (o) =>
      ownedByOperator(o)
        ? null
        : { size: text(record(o.status?.capacity).storage) ?? text(record(record(o.spec?.resources).requests).storage), storageClass: text(o.spec?.storageClassName) },
  },
];

/** Discovery in every context, or in the one named. */
export async function discoverKubernetes(ctx: EstateCollectContext, context?: string): Promise<KubernetesDiscoveryFacts> {
  const contexts = discoveryContexts(ctx.config).filter((c) => context === undefined || c === context);
  if (context !== undefined && contexts.length === 0) throw new Error(`context ${context} is not listed under kubernetes.contexts`);
  const facts: KubernetesDiscoveryFacts = { listings: [], failures: [] };
  for (const name of contexts) {
    const requested = name === CURRENT_CONTEXT ? undefined : name;
    let api;
    try {
      api = await kubernetesApi(ctx.config, ctx.shared, requested);
    } catch (error) {
      facts.failures.push({ context: contextLabel(name), reason: errorMessage(error) });
      continue;
    }
    kinds: for (const { kind, resource, read } of KINDS) {
      for (const scope of scopesOf(ctx.config, api.context)) {
        let objects: Observed<Listing>;
        try {
          objects = await listOnce(ctx.shared, api, resource, scope);
        } catch (error) {
          if (!(error instanceof KubernetesAccessError)) throw error;
          facts.failures.push({ context: api.context, reason: error.message });
          break kinds;
        }
        if (!objects.ok) {
          facts.listings.push({ context: api.context, kind, scope, objects });
          continue;
        }
        const items: DiscoveredObject[] = [];
        if (objects.value.installed) {
          for (const o of objects.value.items) {
            const details = read(o);
            if (details) items.push({ kind, context: api.context, namespace: o.metadata.namespace ?? '', name: o.metadata.name, ...details });
          }
        }
        facts.listings.push({ context: api.context, kind, scope, objects: observed(objects.source, { installed: objects.value.installed, items }) });
      }
    }
  }
  return facts;
}
