// Which object-store endpoints keep backups inside the cluster: a wrong answer
// would pass kubernetes.offsite-backup for backups that die with the cluster.
import { describe, expect, it } from 'vitest';
import { inClusterEndpoint } from '../../src/datastores/kubernetes/objects';

describe('inClusterEndpoint', () => {
  it('takes a Service DNS name, full or short, as inside the cluster', () => {
    expect(inClusterEndpoint('http://minio.storage.svc.cluster.local:9000')).toBe(true);
    expect(inClusterEndpoint('http://minio.storage.svc:9000')).toBe(true);
    expect(inClusterEndpoint('http://minio:9000')).toBe(true);
    expect(inClusterEndpoint('minio:9000')).toBe(true);
  });

  it('takes a public name, or no endpoint (the provider default), as outside', () => {
    expect(inClusterEndpoint('https://s3.eu-west-1.amazonaws.com')).toBe(false);
    expect(inClusterEndpoint('storage.example.com')).toBe(false);
    expect(inClusterEndpoint(null)).toBe(false);
  });
});
