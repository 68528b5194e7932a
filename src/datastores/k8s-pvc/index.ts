// Datastore type `k8s-pvc`: data kept on a Kubernetes PersistentVolumeClaim
// (an application's database on a volume), protected by VolumeSnapshots and
// Velero backups: recovery points, not a window.
import { z } from 'zod';
import type { Collector } from '../../engine/types';
import { kubernetesDiscoveryCollector } from '../kubernetes/discovery-collector';
import { describeVolumeRecovery, type VolumeFacts } from '../kubernetes/facts';
import { KUBERNETES_PLACEMENT_FIELDS, KubernetesName } from '../kubernetes/settings';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';

export const K8sPvcDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('k8s-pvc'),
  ...KUBERNETES_PLACEMENT_FIELDS,
  claim: KubernetesName.describe('metadata.name of the PersistentVolumeClaim.'),
});
export type K8sPvcDatastore = z.infer<typeof K8sPvcDatastoreSchema>;

export const volumeCollector: Collector<'kubernetesVolume', VolumeFacts, K8sPvcDatastore> = {
  kind: 'kubernetesVolume',
  async collect(ctx) {
    const { collectK8sPvc } = await import('./collector');
    return collectK8sPvc(ctx);
  },
};

export const k8sPvcModule = defineDatastoreModule({
  type: 'k8s-pvc',
  title: 'Kubernetes PersistentVolumeClaim',
  docs: 'docs/kubernetes.md',
  schema: K8sPvcDatastoreSchema,
  collectors: [volumeCollector],
  discovery: [kubernetesDiscoveryCollector],
  describeRecovery(facts) {
    const collected = facts.kubernetesVolume;
    return collected?.ok ? describeVolumeRecovery(collected.facts) : undefined;
  },
});
