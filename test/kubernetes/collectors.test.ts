// The cnpg-cluster, crunchy-postgrescluster and k8s-pvc collectors and
// discovery, through the real @kubernetes/client-node, against the fixture
// API server holding the operators' objects; the grants are those of
// docs/kubernetes.md. After every test the fixture must have seen no request
// for a Secret, a ConfigMap, pods/exec or a write.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScanCache } from '../../src/engine/scan';
import { cnpgCollector, type CnpgClusterDatastore } from '../../src/datastores/cnpg-cluster';
import { crunchyCollector, type CrunchyPostgresClusterDatastore } from '../../src/datastores/crunchy-postgrescluster';
import { volumeCollector, type K8sPvcDatastore } from '../../src/datastores/k8s-pvc';
import { kubernetesDiscoveryCollector } from '../../src/datastores/kubernetes/discovery-collector';
import type { OperatorPostgres, OperatorPostgresFacts, VolumeFacts } from '../../src/datastores/kubernetes/facts';
import { certificateContext, tokenContext, writeKubeconfig, type WrittenKubeconfig } from '../support/kubeconfig';
import { startKubernetesFixture, type KubernetesFixture } from '../support/kubernetes-fixture-server';
import { cnpgClusterCase, pgoClusterCase, pvcCase, veleroScheduleCase } from '../support/kubernetes-objects';
import { collectContext, FIXTURE_USERS, kubernetesConfig, NO_SCHEDULES, NOBODY, SCANNER, TEAM } from './support';

const NOW = new Date();
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let fixture: KubernetesFixture;
let kubeconfig: WrittenKubeconfig;

beforeAll(async () => {
  fixture = await startKubernetesFixture({
    users: FIXTURE_USERS,
    objects: [
      ...cnpgClusterCase({ namespace: 'payments', name: 'ledger', now: NOW }),
      ...cnpgClusterCase({ namespace: 'payments', name: 'ledger-short', now: NOW, retentionDays: 7 }),
      ...cnpgClusterCase({ namespace: 'payments', name: 'ledger-failing', now: NOW, archivingFailing: true, lastBackupFailed: true }),
      ...cnpgClusterCase({ namespace: 'payments', name: 'ledger-intree', now: NOW, store: 'in-tree', scheduleSuspended: true }),
      ...cnpgClusterCase({ namespace: 'inventory', name: 'stock-snapshots', now: NOW, store: 'volume-snapshot-only' }),
      ...cnpgClusterCase({ namespace: 'inventory', name: 'forgotten', now: NOW, storage: '40Gi' }),
      ...pgoClusterCase({ namespace: 'payments', name: 'hippo', now: NOW, repos: 'volume-and-s3' }),
      ...pgoClusterCase({ namespace: 'payments', name: 'hippo-local', now: NOW, repos: 'volume-only', retentionDays: 7 }),
      ...pvcCase({ namespace: 'inventory', name: 'inventory-data', now: NOW, storage: '50Gi', snapshotAgesHours: [30, 6] }),
      ...pvcCase({ namespace: 'inventory', name: 'scratch', now: NOW, storage: '5Gi', storageClassName: 'fast' }),
      ...veleroScheduleCase({ name: 'nightly', now: NOW, includedNamespaces: ['inventory'], ttlHours: 24 * 30 }),
      ...veleroScheduleCase({ name: 'payments-only', now: NOW, includedNamespaces: ['payments'] }),
    ],
  });
  kubeconfig = await writeKubeconfig(fixture);
});

afterEach(() => fixture.assertNoViolations());

afterAll(async () => {
  await fixture?.close();
  await kubeconfig?.remove();
});

const DATASTORES = [
  { name: 'ledger', type: 'cnpg-cluster', namespace: 'payments', cluster: 'ledger' },
  { name: 'ledger-short', type: 'cnpg-cluster', namespace: 'payments', cluster: 'ledger-short' },
  { name: 'ledger-failing', type: 'cnpg-cluster', namespace: 'payments', cluster: 'ledger-failing' },
  { name: 'ledger-intree', type: 'cnpg-cluster', namespace: 'payments', cluster: 'ledger-intree' },
  { name: 'stock-snapshots', type: 'cnpg-cluster', namespace: 'inventory', cluster: 'stock-snapshots' },
  { name: 'missing', type: 'cnpg-cluster', namespace: 'payments', cluster: 'missing' },
  { name: 'hippo', type: 'crunchy-postgrescluster', namespace: 'payments', cluster: 'hippo' },
  { name: 'hippo-local', type: 'crunchy-postgrescluster', namespace: 'payments', cluster: 'hippo-local' },
  { name: 'inventory-data', type: 'k8s-pvc', namespace: 'inventory', claim: 'inventory-data' },
  { name: 'scratch', type: 'k8s-pvc', namespace: 'inventory', claim: 'scratch' },
];

const config = (kubernetes: Record<string, unknown> = {}, context = tokenContext(SCANNER)) =>
  kubernetesConfig(
    DATASTORES.map((d) => ({ ...d, context })),
    { kubeconfig: kubeconfig.path, ...kubernetes },
  );

const cnpg = (name: string, c = config(), shared = createScanCache()) => cnpgCollector.collect(collectContext<CnpgClusterDatastore>(c, name, shared));
const pgo = (name: string, c = config(), shared = createScanCache()) => crunchyCollector.collect(collectContext<CrunchyPostgresClusterDatastore>(c, name, shared));
const pvc = (name: string, c = config(), shared = createScanCache()) => volumeCollector.collect(collectContext<K8sPvcDatastore>(c, name, shared));

function clusterOf(facts: OperatorPostgresFacts): OperatorPostgres {
  if (!facts.cluster.ok) throw new Error(`cluster not read: ${facts.cluster.reason}`);
  return facts.cluster.value;
}
function value<T>(o: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!o.ok) throw new Error(`not read: ${o.reason}`);
  return o.value;
}
const daysAgo = (at: string | undefined) => Math.round((NOW.getTime() - Date.parse(at!)) / DAY);
const hoursAgo = (at: string | undefined) => Math.round((NOW.getTime() - Date.parse(at!)) / HOUR);

describe('cnpg-cluster', () => {
  it('reads a cluster backed up through the Barman Cloud plugin: ObjectStore retention and recovery window, archiving, schedule, newest backup', async () => {
    fixture.resetRequests();
    const c = clusterOf(await cnpg('ledger'));
    const window = value(c.window);
    expect(daysAgo(window.firstPoint?.at)).toBe(30);
    expect(window.firstPoint?.field).toBe('status.serverRecoveryWindow.ledger.firstRecoverabilityPoint');
    expect(window.retention).toMatchObject({ text: '30d', days: 30, field: 'spec.retentionPolicy' });
    expect(value(c.archiving)).toMatchObject({ configured: true, healthy: true, message: 'Continuous archiving is working' });
    expect(value(c.destinations)).toEqual([
      expect.objectContaining({ name: 'ObjectStore ledger-store', offCluster: true, detail: 's3://backups/payments/' }),
    ]);
    expect(value(c.schedules)).toEqual([expect.objectContaining({ name: 'ledger-daily', suspended: false, schedule: '0 0 0 * * *' })]);
    expect(hoursAgo(c.lastSuccess?.at)).toBe(20);
    expect(c.lastFailure).toBeNull();
    expect(c.storage).toEqual({ size: '10Gi', storageClass: null });
    // One paged list per kind, in the cluster's scope, list verbs only.
    expect([...fixture.countRequests().entries()].sort()).toEqual([
      ['list backups.postgresql.cnpg.io', 1],
      ['list clusters.postgresql.cnpg.io', 1],
      ['list objectstores.barmancloud.cnpg.io', 1],
      ['list scheduledbackups.postgresql.cnpg.io', 1],
    ]);
  });

  it('reads a 7-day retention as 7 days', async () => {
    const window = value(clusterOf(await cnpg('ledger-short')).window);
    expect(window.retention?.days).toBe(7);
    expect(daysAgo(window.firstPoint?.at)).toBe(7);
  });

  it('reads failing archiving and a last backup that failed after the last success', async () => {
    const c = clusterOf(await cnpg('ledger-failing'));
    expect(value(c.archiving)).toMatchObject({ healthy: false, message: 'unexpected failure invoking barman-cloud-wal-archive: exit status 4' });
    expect(hoursAgo(c.lastFailure?.at)).toBe(2);
    expect(Date.parse(c.lastFailure!.at)).toBeGreaterThan(Date.parse(c.lastSuccess!.at));
  });

  it('reads the in-tree barmanObjectStore, says it is deprecated, and sees the suspended schedule', async () => {
    const c = clusterOf(await cnpg('ledger-intree'));
    expect(c.notes).toContain('spec.backup.barmanObjectStore is deprecated since CloudNativePG 1.26: move to the Barman Cloud plugin');
    expect(value(c.window)).toMatchObject({ retention: { text: '30d', days: 30, field: 'spec.backup.retentionPolicy' }, firstPoint: { field: 'status.firstRecoverabilityPoint' } });
    expect(value(c.schedules)).toEqual([expect.objectContaining({ suspended: true })]);
    expect(value(c.destinations)).toEqual([expect.objectContaining({ name: 'spec.backup.barmanObjectStore', offCluster: true })]);
  });

  it('reads a cluster backed up by volume snapshots only: no WAL archive, nothing leaves the cluster', async () => {
    const c = clusterOf(await cnpg('stock-snapshots'));
    expect(value(c.archiving)).toMatchObject({ configured: false });
    expect(value(c.destinations)).toEqual([expect.objectContaining({ name: 'volume snapshots', offCluster: false })]);
    expect(value(c.window)).toMatchObject({ firstPoint: null, retention: null });
  });

  it('says which cluster does not exist', async () => {
    const facts = await cnpg('missing');
    expect(facts.cluster).toMatchObject({ ok: false, reason: `no Cluster payments/missing in context ${tokenContext(SCANNER)}` });
  });
});

describe('crunchy-postgrescluster', () => {
  it('estimates the window from time retention and the newest successful full backup, and sees the s3 repo leave the cluster', async () => {
    const c = clusterOf(await pgo('hippo'));
    const window = value(c.window);
    expect(window.estimatedDays).toBe(30);
    expect(window.basis).toMatch(/^estimate: repo1 keeps full backups 30 days \(repo1-retention-full-type time\), newest successful full backup /);
    expect(value(c.destinations).map((d) => [d.name, d.offCluster])).toEqual([
      ['repo1 (volume)', false],
      ['repo2 (s3)', true],
    ]);
    expect(value(c.archiving)).toMatchObject({ configured: true, healthy: null });
    expect(value(c.schedules).map((s) => s.name)).toEqual(['hippo-repo1-full (full)', 'hippo-repo1-diff (differential)', 'hippo-repo2-full (full)', 'hippo-repo2-diff (differential)']);
    // The newest success is the differential 6 hours ago.
    expect(hoursAgo(c.lastSuccess?.at)).toBe(6);
  });

  it('keeps a volume-only cluster inside', async () => {
    const c = clusterOf(await pgo('hippo-local'));
    expect(value(c.destinations).every((d) => !d.offCluster)).toBe(true);
    expect(value(c.window).estimatedDays).toBe(7);
  });
});

describe('k8s-pvc', () => {
  it('reads a claim, its ready snapshots and the Velero schedule covering its namespace with its backups', async () => {
    fixture.resetRequests();
    const facts: VolumeFacts = await pvc('inventory-data');
    expect(value(facts.claim)).toMatchObject({ object: 'inventory/inventory-data', size: '50Gi', storageClass: 'standard-rwo', phase: 'Bound' });
    const snapshots = value(facts.snapshots);
    expect(snapshots.points.map((p) => hoursAgo(p.at)).sort((a, b) => a - b)).toEqual([6, 30]);
    const velero = value(facts.velero);
    expect(velero.schedules).toEqual([expect.objectContaining({ name: 'velero/nightly', paused: false, ttlHours: 720 })]);
    expect(velero.points).toHaveLength(2);
    expect(velero.points.every((p) => p.expires !== null)).toBe(true);
    // Each backup names the schedule that made it (its velero.io/schedule-name label): only then does the schedule's ttl count.
    expect(velero.points.map((p) => p.schedule)).toEqual(['velero/nightly', 'velero/nightly']);
    expect(snapshots.points.map((p) => p.schedule)).toEqual([null, null]);
    expect([...fixture.countRequests().keys()].sort()).toEqual([
      'list backups.velero.io',
      'list persistentvolumeclaims',
      'list schedules.velero.io',
      'list volumesnapshots.snapshot.storage.k8s.io',
    ]);
  });

  it('counts the Velero backups of the namespace for a claim without snapshots, and not a schedule of another namespace', async () => {
    const facts = await pvc('scratch');
    expect(value(facts.snapshots).points).toEqual([]);
    expect(value(facts.velero).schedules.map((s) => s.name)).toEqual(['velero/nightly']);
    expect(value(facts.velero).points.map((p) => p.name.replace(/-\d+$/, ''))).toEqual(['Velero Backup velero/nightly', 'Velero Backup velero/nightly']);
  });
});

describe('one scan', () => {
  it('lists each kind once however many datastores read it', async () => {
    const shared = createScanCache();
    const c = config();
    fixture.resetRequests();
    await Promise.all([cnpg('ledger', c, shared), cnpg('ledger-short', c, shared), cnpg('stock-snapshots', c, shared), pgo('hippo', c, shared), pvc('inventory-data', c, shared), pvc('scratch', c, shared)]);
    expect([...fixture.countRequests().values()].every((n) => n === 1)).toBe(true);
    expect(fixture.countRequests().size).toBe(9);
  });
});

describe('access and authorisation', () => {
  it('works with the namespaced Roles of the docs over a client certificate when the namespaces are configured', async () => {
    const c = config({ namespaces: ['payments'] }, certificateContext(TEAM));
    const ledger = clusterOf(await cnpg('ledger', c));
    expect(value(ledger.window).retention?.days).toBe(30);
    expect(fixture.requests.at(-1)?.user).toBe(TEAM);
    expect(fixture.requests.at(-1)?.namespace).toBe('payments');
    // A volume in payments, with Velero read through the Role in Velero's namespace.
    const volume = await pvc('ledger-volume', kubernetesConfig([{ name: 'ledger-volume', type: 'k8s-pvc', namespace: 'payments', claim: 'ledger-1', context: certificateContext(TEAM) }], { kubeconfig: kubeconfig.path, namespaces: ['payments'] }));
    expect(value(volume.claim).size).toBe('10Gi');
    expect(value(volume.velero).schedules.map((s) => s.name)).toEqual(['velero/payments-only']);
    expect(value(volume.snapshots).installed).toBe(true);
  });

  it('turns a 403 into an unreadable cluster that names the RBAC rule to grant', async () => {
    const facts = await cnpg('ledger', config({}, tokenContext(NOBODY)));
    expect(facts.cluster).toMatchObject({
      ok: false,
      reason: `forbidden: clusters.postgresql.cnpg.io is forbidden: User "${NOBODY}" cannot list resource "clusters" in API group "postgresql.cnpg.io" at the cluster scope`,
      hint: 'a ClusterRole (bound by a ClusterRoleBinding) with the rule {apiGroups: ["postgresql.cnpg.io"], resources: ["scheduledbackups"], verbs: ["list"]}'.replace('scheduledbackups', 'clusters'),
    });
  });

  it('reads what it may and marks only the denied part unreadable', async () => {
    const c = clusterOf(await cnpg('ledger', config({}, tokenContext(NO_SCHEDULES))));
    expect(c.schedules).toMatchObject({ ok: false, hint: expect.stringContaining('resources: ["scheduledbackups"], verbs: ["list"]') });
    expect(value(c.window).retention?.days).toBe(30);
  });

  it('namespaced Roles cannot list cluster-wide: without configured namespaces the denial names the cluster scope', async () => {
    const facts = await cnpg('ledger', config({}, certificateContext(TEAM)));
    expect(facts.cluster).toMatchObject({ ok: false, reason: expect.stringContaining('at the cluster scope') });
  });

  it('reads the kubeconfig of $KUBECONFIG when config names none (the default chain)', async () => {
    const before = process.env.KUBECONFIG;
    process.env.KUBECONFIG = kubeconfig.path;
    try {
      const c = kubernetesConfig([{ ...DATASTORES[0]!, context: tokenContext(SCANNER) }], {});
      expect(value(clusterOf(await cnpg('ledger', c)).window).retention?.days).toBe(30);
    } finally {
      if (before === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = before;
    }
  });

  it('refuses a context the kubeconfig does not have, naming those it has', async () => {
    await expect(cnpg('ledger', config({}, 'prod-eu'))).rejects.toThrow(/^the kubeconfig has no context "prod-eu"; it has scanner-token, nobody-token, no-schedules-token, team-scanner-cert$/);
  });

  it('refuses a kubeconfig that does not exist without showing its path', async () => {
    const error = await cnpg('ledger', config({ kubeconfig: `${kubeconfig.dir}/absent` })).catch((e: Error) => e);
    expect((error as Error).message).toBe('cannot load the kubeconfig (config kubernetes.kubeconfig): the file does not exist');
  });

  it('waits out a 429 for its Retry-After and reads the list', async () => {
    fixture.script('/apis/postgresql.cnpg.io/v1/clusters', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: 1 }, code: 429 },
    });
    fixture.resetRequests();
    const c = clusterOf(await cnpg('ledger'));
    expect(value(c.window).retention?.days).toBe(30);
    expect(fixture.requests.filter((r) => r.resource === 'clusters.postgresql.cnpg.io').map((r) => r.status)).toEqual([429, 200]);
  });

  it('refuses inCluster outside a pod, saying why', async () => {
    const host = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      await expect(cnpg('ledger', config({ inCluster: true }))).rejects.toThrow(
        'kubernetes.inCluster is set but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not: continuity is not running in a pod',
      );
    } finally {
      if (host !== undefined) process.env.KUBERNETES_SERVICE_HOST = host;
    }
  });

  it('fails the collection when the API server cannot be reached: an error, never a pass', async () => {
    const closed = await startKubernetesFixture({ users: FIXTURE_USERS });
    const closedConfig = await writeKubeconfig(closed);
    await closed.close();
    try {
      const c = kubernetesConfig([{ ...DATASTORES[0]!, context: tokenContext(SCANNER) }], { kubeconfig: closedConfig.path });
      await expect(cnpg('ledger', c)).rejects.toThrow(/^cannot reach the Kubernetes API server of context scanner-token \(https:\/\/127\.0\.0\.1:\d+\): /);
    } finally {
      await closedConfig.remove();
    }
  });
});

describe('operators not installed', () => {
  let bare: KubernetesFixture;
  let bareConfig: WrittenKubeconfig;
  beforeAll(async () => {
    bare = await startKubernetesFixture({
      users: FIXTURE_USERS,
      objects: pvcCase({ namespace: 'inventory', name: 'inventory-data', now: NOW, storage: '50Gi' }),
      notInstalled: ['postgresql.cnpg.io', 'barmancloud.cnpg.io', 'postgres-operator.crunchydata.com', 'velero.io', 'snapshot.storage.k8s.io'],
    });
    bareConfig = await writeKubeconfig(bare);
  });
  afterAll(async () => {
    bare?.assertNoViolations();
    await bare?.close();
    await bareConfig?.remove();
  });

  it('reports a CRD that is not installed as not installed: the cluster unknown, the volume without points', async () => {
    const c = kubernetesConfig(
      DATASTORES.map((d) => ({ ...d, context: tokenContext(SCANNER) })),
      { kubeconfig: bareConfig.path },
    );
    const facts = await cnpg('ledger', c);
    expect(facts.cluster).toMatchObject({ ok: false, reason: `CloudNativePG is not installed in context ${tokenContext(SCANNER)} (its API is not served)` });
    const pgoFacts = await pgo('hippo', c);
    expect(pgoFacts.cluster).toMatchObject({ ok: false, reason: expect.stringMatching(/^Crunchy PGO is not installed/) });
    const volume = await pvc('inventory-data', c);
    expect(value(volume.snapshots)).toEqual({ installed: false, points: [], notReady: 0 });
    expect(value(volume.velero)).toMatchObject({ installed: false, points: [] });
  });
});

describe('discovery', () => {
  it('lists clusters and the PVCs that no operator owns, with namespace, size and storage class', async () => {
    const c = config({ discovery: true });
    const facts = await kubernetesDiscoveryCollector.collect({ config: c, signal: new AbortController().signal, log: collectContext(c, 'ledger').log, shared: createScanCache() });
    expect(facts.failures).toEqual([]);
    const items = facts.listings.flatMap((l) => (l.objects.ok ? l.objects.value.items : []));
    expect(items.filter((i) => i.kind === 'cnpg-cluster').map((i) => `${i.namespace}/${i.name}`)).toContain('inventory/forgotten');
    expect(items.find((i) => i.name === 'forgotten')).toMatchObject({ size: '40Gi', context: tokenContext(SCANNER) });
    expect(items.filter((i) => i.kind === 'k8s-pvc').map((i) => i.name).sort()).toEqual(['inventory-data', 'scratch']);
    expect(items.find((i) => i.name === 'scratch')).toMatchObject({ size: '5Gi', storageClass: 'fast' });
    expect(items.filter((i) => i.kind === 'crunchy-postgrescluster').map((i) => i.name).sort()).toEqual(['hippo', 'hippo-local']);
  });

  it('one context at a time (queue mode discovers each in a job of its own): merged, the same as all at once', async () => {
    const c = config({ discovery: true, contexts: [{ name: tokenContext(SCANNER) }, { name: tokenContext(NOBODY) }] });
    const ctx = () => ({ config: c, signal: new AbortController().signal, log: collectContext(c, 'ledger').log, shared: createScanCache() });
    const scoped = kubernetesDiscoveryCollector.scoped!;
    expect(scoped.scopes(c)).toEqual([tokenContext(SCANNER), tokenContext(NOBODY)]);
    const parts = await Promise.all(scoped.scopes(c).map((context) => scoped.collect(ctx(), context)));
    expect(parts.map((p) => [...new Set(p.listings.map((l) => l.context))])).toEqual([[tokenContext(SCANNER)], [tokenContext(NOBODY)]]);
    expect(scoped.merge(parts)).toEqual(await kubernetesDiscoveryCollector.collect(ctx()));
    // A context whose discovery job failed as a whole: that context not listed, the other's listings kept.
    expect(scoped.merge([parts[0]!, scoped.failed(c, tokenContext(NOBODY), 'timed out after 8s')])).toEqual({
      listings: parts[0]!.listings,
      failures: [...parts[0]!.failures, { context: tokenContext(NOBODY), reason: 'its discovery failed: timed out after 8s' }],
    });
    // Without contexts: the current one, as one scope.
    expect(scoped.scopes(config({ discovery: true }))).toEqual(['']);
    // Its failure names it, never an empty context (the finding's resource would be `kubernetes:`).
    expect(scoped.failed(config({ discovery: true }), '', 'timed out after 8s').failures).toEqual([{ context: 'current context', reason: 'its discovery failed: timed out after 8s' }]);
  });
});
