// Which Velero backups count as recovery points of a claim: only those that
// surely hold its volume (a wrong recovery point would be a wrong pass).
import { describe, expect, it } from 'vitest';
import { selectsClaimVolume } from '../../src/datastores/k8s-pvc/collector';

describe('selectsClaimVolume', () => {
  it('takes a backup of the namespace with every resource and its volumes', () => {
    expect(selectsClaimVolume({ includedNamespaces: ['inventory'] }, 'inventory')).toBe(true);
    expect(selectsClaimVolume({}, 'inventory')).toBe(true);
    expect(selectsClaimVolume({ includedNamespaces: ['*'], includedResources: ['persistentvolumeclaims', 'persistentvolumes'] }, 'inventory')).toBe(true);
    expect(selectsClaimVolume({ snapshotVolumes: false, defaultVolumesToFsBackup: true }, 'inventory')).toBe(true);
  });

  it('leaves out backups of other namespaces, of other resources, without volumes, or chosen by labels it does not evaluate', () => {
    expect(selectsClaimVolume({ includedNamespaces: ['payments'] }, 'inventory')).toBe(false);
    expect(selectsClaimVolume({ excludedNamespaces: ['inventory'] }, 'inventory')).toBe(false);
    expect(selectsClaimVolume({ includedResources: ['deployments', 'configmaps'] }, 'inventory')).toBe(false);
    expect(selectsClaimVolume({ excludedResources: ['persistentvolumeclaims'] }, 'inventory')).toBe(false);
    expect(selectsClaimVolume({ snapshotVolumes: false }, 'inventory')).toBe(false);
    expect(selectsClaimVolume({ labelSelector: { matchLabels: { app: 'web' } } }, 'inventory')).toBe(false);
    expect(selectsClaimVolume({ orLabelSelectors: [{ matchLabels: { app: 'web' } }] }, 'inventory')).toBe(false);
  });
});
