// Kubernetes benchmark: 2,000 CloudNativePG clusters and 5,000 PVCs across 50
// namespaces on the fixture API server, every one registered, discovery on.
// Prints the list requests made against the minimum (one paged list per
// resource kind, cluster-wide or per configured namespace; goal 1.00) and
// the wall time, read cluster-wide and per namespace.
import { ALL_CHECKS } from '../checks';
import { ConfigSchema } from '../src/config/schema';
import { DATASTORE_COLLECTORS, DISCOVERY_COLLECTORS } from '../src/datastores';
import { KUBERNETES_RESOURCES, groupResource } from '../src/datastores/kubernetes/resources';
import { runScan } from '../src/engine/scan';
import { silentLogger } from '../src/log';
import { tokenContext, writeKubeconfig } from '../test/support/kubeconfig';
import { RESOURCE_TYPES, startKubernetesFixture, type KubernetesObject } from '../test/support/kubernetes-fixture-server';
import { cnpgClusterCase, persistentVolumeClaim, veleroScheduleCase } from '../test/support/kubernetes-objects';

const CLUSTERS = 2000;
const PVCS = 5000;
const PAGE_SIZE = 500;
const NAMESPACES = Array.from({ length: 50 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
const VELERO_NAMESPACE = 'velero';
const READ_ALL: { apiGroups: string[]; resources: string[]; verbs: string[] }[] = Object.values(KUBERNETES_RESOURCES).map((r) => ({ apiGroups: [r.group], resources: [r.plural], verbs: ['list'] }));

/** The fewest list requests that read every kind the scan reads: per scope, ceil(objects / page size), at least one. */
function minimumRequests(objects: KubernetesObject[], scopes: string[]): number {
  const types = Object.values(RESOURCE_TYPES);
  const counts = new Map<string, number>();
  for (const o of objects) {
    const type = types.find((t) => (t.group === '' ? t.version : `${t.group}/${t.version}`) === o.apiVersion && t.kind === o.kind)!;
    const key = `${groupResource(type)} ${o.metadata.namespace ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let minimum = 0;
  for (const r of Object.values(KUBERNETES_RESOURCES)) {
    const velero = r.group === 'velero.io';
    for (const scope of velero ? [VELERO_NAMESPACE] : scopes) {
      const n = [...counts.entries()].filter(([k]) => k.startsWith(`${groupResource(r)} `) && (scope === '' || k.endsWith(` ${scope}`))).reduce((a, [, c]) => a + c, 0);
      minimum += Math.max(1, Math.ceil(n / PAGE_SIZE));
    }
  }
  return minimum;
}

export async function run(): Promise<void> {
  const now = new Date();
  const objects: KubernetesObject[] = [
    ...Array.from({ length: CLUSTERS }, (_, i) => cnpgClusterCase({ namespace: NAMESPACES[i % NAMESPACES.length]!, name: `pg-${i}`, now, pvcs: false })).flat(),
    ...Array.from({ length: PVCS }, (_, i) => persistentVolumeClaim({ namespace: NAMESPACES[i % NAMESPACES.length]!, name: `data-${i}` })),
    ...veleroScheduleCase({ name: 'nightly', now }),
  ];
  const fixture = await startKubernetesFixture({
    users: [{ name: 'scanner', token: 'scanner-token', bindings: [{ role: { kind: 'ClusterRole', metadata: { name: 'continuity-scanner' }, rules: READ_ALL } }] }],
    objects,
  });
  const kubeconfig = await writeKubeconfig(fixture);
  try {
    const datastores = [
      ...Array.from({ length: CLUSTERS }, (_, i) => ({ name: `pg-${i}`, type: 'cnpg-cluster', namespace: NAMESPACES[i % NAMESPACES.length], cluster: `pg-${i}`, backupPolicy: 'https://wiki.acme.dev/backups' })),
      ...Array.from({ length: PVCS }, (_, i) => ({ name: `data-${i}`, type: 'k8s-pvc', namespace: NAMESPACES[i % NAMESPACES.length], claim: `data-${i}`, backupPolicy: 'https://wiki.acme.dev/backups' })),
    ];
    for (const [label, scopes] of [
      ['cluster-wide', ['']],
      ['per namespace', NAMESPACES],
    ] as const) {
      const config = ConfigSchema.parse({
        scan: { concurrency: 32, datastoreTimeoutSeconds: 600 },
        kubernetes: { kubeconfig: kubeconfig.path, discovery: true, pageSize: PAGE_SIZE, ...(label === 'per namespace' ? { namespaces: NAMESPACES } : {}) },
        services: [{ name: 'bench', datastores: datastores.map((d) => ({ ...d, context: tokenContext('scanner') })) }],
      });
      fixture.resetRequests();
      const started = performance.now();
      const scan = await runScan({
        config,
        configPath: null,
        collectors: DATASTORE_COLLECTORS.filter((c) => c.kind === 'kubernetesPostgres' || c.kind === 'kubernetesVolume'),
        serviceCollectors: [],
        estateCollectors: DISCOVERY_COLLECTORS.filter((c) => c.kind === 'kubernetesDiscovery'),
        checks: ALL_CHECKS.filter((c) => c.id.startsWith('kubernetes.')),
        log: silentLogger,
      });
      const ms = performance.now() - started;
      const made = fixture.requests.length;
      const minimum = minimumRequests(objects, [...scopes]);
      const errors = scan.services[0]!.findings.filter((f) => f.status === 'error').length;
      console.log(
        `${label}: ${CLUSTERS} clusters + ${PVCS} PVCs in ${NAMESPACES.length} namespaces: ${made} list requests / minimum ${minimum} = ${(made / minimum).toFixed(2)}; ` +
          `${(ms / 1000).toFixed(1)} s wall, ${scan.services[0]!.findings.length} findings (${errors} errors), ${scan.estate.findings.length} estate findings`,
      );
    }
    fixture.assertNoViolations();
  } finally {
    await fixture.close();
    await kubeconfig.remove();
  }
}
