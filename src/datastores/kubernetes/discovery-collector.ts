// The estate collector that lists CloudNativePG clusters, PGO PostgresClusters
// and PersistentVolumeClaims in the configured contexts and namespaces
// (config kubernetes.discovery). Shared by the three Kubernetes types.
import type { EstateCollector } from '../../engine/types';
import type { KubernetesDiscoveryFacts } from './facts';

export const kubernetesDiscoveryCollector: EstateCollector<'kubernetesDiscovery', KubernetesDiscoveryFacts> = {
  kind: 'kubernetesDiscovery',
  appliesTo: (config) => config.kubernetes?.discovery === true,
  async collect(ctx) {
    const { discoverKubernetes } = await import('./discovery');
    return discoverKubernetes(ctx);
  },
};
