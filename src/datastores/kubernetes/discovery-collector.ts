// The estate collector that lists CloudNativePG clusters, PGO PostgresClusters
// and PersistentVolumeClaims in the configured contexts and namespaces
// (config kubernetes.discovery). Shared by the three Kubernetes types.
import type { EstateCollector } from '../../engine/types';
import type { KubernetesDiscoveryFacts } from './facts';
import { contextLabel, discoveryContexts } from './settings';

export const kubernetesDiscoveryCollector: EstateCollector<'kubernetesDiscovery', KubernetesDiscoveryFacts> = {
  kind: 'kubernetesDiscovery',
  appliesTo: (config) => config.kubernetes?.discovery === true,
  async collect(ctx) {
    const { discoverKubernetes } = await import('./discovery');
    return discoverKubernetes(ctx);
  },
  scoped: {
    scopes: (config) => discoveryContexts(config),
    async collect(ctx, context) {
      const { discoverKubernetes } = await import('./discovery');
      return discoverKubernetes(ctx, context);
    },
    merge: (parts) => ({ listings: parts.flatMap((p) => p.listings), failures: parts.flatMap((p) => p.failures) }),
    failed: (_config, context, reason) => ({ listings: [], failures: [{ context: contextLabel(context), reason: `its discovery failed: ${reason}` }] }),
  },
};
