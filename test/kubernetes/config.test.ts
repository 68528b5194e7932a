// The config of the Kubernetes types and the kubernetes section: defaults, and
// bad input named with its key path and line.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load';
import { problemsOf } from '../support/config-problems';

const config = (datastore: string, kubernetes = '') => `${kubernetes}
services:
  - name: inventory
    datastores:
${datastore}`;

describe('Kubernetes config', () => {
  it('accepts the three types and fills the kubernetes defaults', () => {
    const parsed = parseConfig(
      config(
        `      - { name: ledger, type: cnpg-cluster, namespace: payments, cluster: ledger, context: prod }
      - { name: hippo, type: crunchy-postgrescluster, namespace: payments, cluster: hippo }
      - { name: data, type: k8s-pvc, namespace: inventory, claim: inventory-data }
`,
        'kubernetes:\n  discovery: true\n',
      ),
      'continuity.yaml',
      {},
    );
    expect(parsed.services[0]!.datastores.map((d) => d.type)).toEqual(['cnpg-cluster', 'crunchy-postgrescluster', 'k8s-pvc']);
    expect(parsed.kubernetes).toEqual({ inCluster: false, contexts: [], veleroNamespace: 'velero', discovery: true, pageSize: 500 });
  });

  it('names a Kubernetes name that is not one, with its path and line', () => {
    const [problem] = problemsOf(config('      - name: ledger\n        type: cnpg-cluster\n        namespace: Payments\n        cluster: ledger\n'));
    expect(problem).toMatchObject({ path: 'services[0].datastores[0].namespace', line: 7 });
    expect(problem?.message).toContain('a Kubernetes name');
  });

  it('names a missing cluster and an unknown key', () => {
    const problems = problemsOf(config('      - name: ledger\n        type: cnpg-cluster\n        namespace: payments\n        claim: ledger\n'));
    expect(problems.map((p) => p.path).sort()).toEqual(['services[0].datastores[0].claim', 'services[0].datastores[0].cluster'].sort());
  });
});
