import { defineEstateCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';

const TITLES = { 'cnpg-cluster': 'CloudNativePG cluster', 'crunchy-postgrescluster': 'Crunchy PGO PostgresCluster', 'k8s-pvc': 'PersistentVolumeClaim' } as const;

export default defineEstateCheck({
  scope: 'estate',
  requires: 'kubernetesDiscovery',
  id: 'kubernetes.unregistered',
  title: 'Every PostgreSQL cluster and volume on Kubernetes is registered',
  severity: 'medium',
  description:
    'With kubernetes.discovery on, every CloudNativePG Cluster, Crunchy PGO PostgresCluster and PersistentVolumeClaim (other than the volumes the operators create for their clusters) in the configured contexts and namespaces is registered as a cnpg-cluster, crunchy-postgrescluster or k8s-pvc datastore, so it has an owner and a backup policy link. A listing that was denied or a context that could not be reached is unknown, not a pass.',
  remediation: 'Register the object under the service that owns it (services[].datastores) with its backupPolicy link, or waive it with a reason.',
  evaluate({ config, facts }): FindingDraft[] {
    // type/namespace/name -> the contexts registered for it (undefined: the current context, which matches any).
    const registered = new Map<string, (string | undefined)[]>();
    for (const d of config.services.flatMap((s) => s.datastores)) {
      const name = d.type === 'cnpg-cluster' || d.type === 'crunchy-postgrescluster' ? d.cluster : d.type === 'k8s-pvc' ? d.claim : undefined;
      if (name === undefined || !('namespace' in d)) continue;
      const key = `${d.type}/${d.namespace}/${name}`;
      registered.set(key, [...(registered.get(key) ?? []), d.context]);
    }
    const findings: FindingDraft[] = [];
    let listed = 0;
    const sources: string[] = [];
    for (const failure of facts.failures) {
      findings.push({
        resource: `kubernetes:${failure.context}`,
        status: 'unknown',
        message: `context ${failure.context} was not listed: ${failure.reason}`,
        evidence: [{ source: `kubernetes ${failure.context}`, field: 'read', value: `failed: ${failure.reason}` }],
      });
    }
    for (const listing of facts.listings) {
      if (!listing.objects.ok) {
        // One finding per listing: with namespaces configured, each namespace is listed (and may be denied) on its own.
        findings.push(unreadable(`kubernetes:${listing.context}/${listing.kind}${listing.scope ? `/${listing.scope}` : ''}`, listing.objects));
        continue;
      }
      sources.push(listing.objects.source);
      for (const o of listing.objects.value.items) {
        listed += 1;
        const known = (registered.get(`${o.kind}/${o.namespace}/${o.name}`) ?? []).some((context) => context === undefined || context === o.context);
        if (known) continue;
        const details = [o.size ?? 'size not set', o.storageClass ? `storage class ${o.storageClass}` : 'default storage class'].join(', ');
        findings.push({
          resource: `${o.kind}:${o.context}/${o.namespace}/${o.name}`,
          status: 'fail',
          message: `${TITLES[o.kind]} ${o.namespace}/${o.name} (${details}) in context ${o.context} is not registered: no owner, no backup policy link`,
          evidence: [
            { source: listing.objects.source, field: 'metadata.name', value: o.name },
            { source: listing.objects.source, field: 'size', value: o.size },
            { source: listing.objects.source, field: 'storage class', value: o.storageClass },
          ],
        });
      }
    }
    if (findings.length > 0) return findings;
    return [{ resource: 'kubernetes', status: 'pass', message: `all ${listed} discovered clusters and volumes are registered`, evidence: [{ source: sources.join(', '), field: 'discovered', value: listed }] }];
  },
});
