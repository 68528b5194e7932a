import { describe, expect, it } from 'vitest';
import { observed } from '../../src/engine/types';
import { runCheck } from '../../test/support/check-tester';
import { CLUSTERS, cnpgDatastore, cnpgFacts, NOW, pgoFacts, policy, service } from '../../test/kubernetes/facts';
import type { OperatorPostgresFacts } from '../../src/datastores/kubernetes/facts';
import check from './offsite-backup';

const run = (facts: OperatorPostgresFacts) => runCheck(check, { service, datastore: cnpgDatastore(), facts, policy: policy(), now: NOW });

describe('kubernetes.offsite-backup', () => {
  it('passes an object store outside the cluster', () => {
    const [f] = run(cnpgFacts());
    expect([f?.status, f?.message]).toEqual(['pass', 'CloudNativePG Cluster payments/ledger: backups are configured to leave the cluster through ObjectStore ledger-store (s3://backups/payments/) (whether they reach it: kubernetes.scheduled-backup, kubernetes.wal-archiving)']);
  });

  it('passes PGO with an s3 repository beside the volume one', () => {
    const [f] = run(pgoFacts());
    expect(f?.status).toBe('pass');
    expect(f?.message).toContain('repo2 (s3)');
  });

  it('fails backups that stay inside the cluster: volume snapshots only', () => {
    const [f] = run(cnpgFacts({ destinations: observed(CLUSTERS, [{ name: 'volume snapshots', offCluster: false, detail: 'VolumeSnapshotClass csi-hostpath-snapclass', source: CLUSTERS }]) }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe('CloudNativePG Cluster payments/ledger: backups stay inside the Kubernetes cluster (volume snapshots): losing the cluster loses them');
    expect(f?.evidence).toContainEqual(expect.objectContaining({ field: 'volume snapshots', value: 'VolumeSnapshotClass csi-hostpath-snapclass (inside the cluster)' }));
  });

  it('fails a cluster with no backup destination', () => {
    const [f] = run(cnpgFacts({ destinations: observed(CLUSTERS, []) }));
    expect([f?.status, f?.message]).toEqual(['fail', 'CloudNativePG Cluster payments/ledger has no backup destination configured']);
  });
});
