import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema';
import { observed } from '../../src/engine/types';
import { runCheck } from '../../test/support/check-tester';
import { forbiddenList, NOW, policy } from '../../test/kubernetes/facts';
import type { DiscoveredObject, KubernetesDiscoveryFacts } from '../../src/datastores/kubernetes/facts';
import check from './unregistered';

const config = ConfigSchema.parse({
  kubernetes: { discovery: true },
  services: [
    {
      name: 'inventory',
      datastores: [
        { name: 'ledger', type: 'cnpg-cluster', namespace: 'payments', cluster: 'ledger' },
        { name: 'data', type: 'k8s-pvc', context: 'prod', namespace: 'inventory', claim: 'inventory-data' },
      ],
    },
  ],
});
const object = (kind: DiscoveredObject['kind'], namespace: string, name: string, context = 'prod'): DiscoveredObject => ({ kind, context, namespace, name, size: '40Gi', storageClass: 'fast' });
const listing = (kind: DiscoveredObject['kind'], items: DiscoveredObject[]) => ({ context: 'prod', kind, scope: '', objects: observed(`kubernetes prod: list ${kind}`, { installed: true, items }) });
const run = (facts: KubernetesDiscoveryFacts) => runCheck(check, { config, facts, policy: policy(), now: NOW });

describe('kubernetes.unregistered', () => {
  it('reports each cluster and volume no service registers, with namespace, size and storage class', () => {
    const findings = run({
      failures: [],
      listings: [
        listing('cnpg-cluster', [object('cnpg-cluster', 'payments', 'ledger'), object('cnpg-cluster', 'inventory', 'forgotten')]),
        listing('k8s-pvc', [object('k8s-pvc', 'inventory', 'inventory-data'), object('k8s-pvc', 'inventory', 'inventory-data', 'staging')]),
      ],
    });
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['cnpg-cluster:prod/inventory/forgotten', 'fail'],
      ['k8s-pvc:staging/inventory/inventory-data', 'fail'],
    ]);
    expect(findings[0]?.message).toBe('CloudNativePG cluster inventory/forgotten (40Gi, storage class fast) in context prod is not registered: no owner, no backup policy link');
  });

  it('passes when everything listed is registered', () => {
    const [f] = run({ failures: [], listings: [listing('cnpg-cluster', [object('cnpg-cluster', 'payments', 'ledger')])] });
    expect([f?.status, f?.message]).toEqual(['pass', 'all 1 discovered clusters and volumes are registered']);
  });

  it('is unknown for a denied listing or an unreachable context, never a pass', () => {
    const findings = run({
      failures: [{ context: 'staging', reason: 'cannot reach the Kubernetes API server of context staging' }],
      listings: [{ context: 'prod', kind: 'k8s-pvc', scope: '', objects: forbiddenList('kubernetes prod: list persistentvolumeclaims cluster-wide', 'persistentvolumeclaims') }],
    });
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['kubernetes:staging', 'unknown'],
      ['kubernetes:prod/k8s-pvc', 'unknown'],
    ]);
  });

  it('names each denied namespace on its own: one finding per listing', () => {
    const denied = (namespace: string) => ({ context: 'prod', kind: 'k8s-pvc' as const, scope: namespace, objects: forbiddenList<{ installed: boolean; items: DiscoveredObject[] }>(`kubernetes prod: list persistentvolumeclaims in ${namespace}`, 'persistentvolumeclaims') });
    const findings = run({ failures: [], listings: [denied('payments'), denied('inventory')] });
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['kubernetes:prod/k8s-pvc/payments', 'unknown'],
      ['kubernetes:prod/k8s-pvc/inventory', 'unknown'],
    ]);
  });
});
