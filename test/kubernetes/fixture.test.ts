// The Kubernetes fixture driven by the real @kubernetes/client-node, so that
// the later collectors and their tests stand on a server that answers as a
// real apiserver does: paging, RBAC denials, uninstalled CRDs, both ways of
// authenticating, and the tripwire for requests the scanner must never make.
import { existsSync, statSync } from 'node:fs';
import { ApiException, ApisApi, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { certificateContext, tokenContext, writeKubeconfig, type WrittenKubeconfig } from '../support/kubeconfig';
import { startKubernetesFixture, type KubernetesFixture, type KubernetesObject, type PolicyRule, type RbacRole } from '../support/kubernetes-fixture-server';
import {
  cnpgClusterCase,
  persistentVolumeClaim,
  pgoClusterCase,
  pvcCase,
  veleroScheduleCase,
} from '../support/kubernetes-objects';

const NOW = new Date('2025-03-10T12:00:00Z');

const READ_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list'] },
  { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters', 'backups', 'scheduledbackups'], verbs: ['get', 'list'] },
  { apiGroups: ['barmancloud.cnpg.io'], resources: ['objectstores'], verbs: ['get', 'list'] },
  { apiGroups: ['postgres-operator.crunchydata.com'], resources: ['postgresclusters'], verbs: ['get', 'list'] },
  { apiGroups: ['velero.io'], resources: ['schedules', 'backups'], verbs: ['get', 'list'] },
  { apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots'], verbs: ['get', 'list'] },
];
const scannerClusterRole: RbacRole = { kind: 'ClusterRole', metadata: { name: 'continuity-scanner' }, rules: READ_RULES };
const paymentsRole: RbacRole = { kind: 'Role', metadata: { name: 'continuity-scanner', namespace: 'payments' }, rules: READ_RULES };
const pvcReader: RbacRole = { kind: 'ClusterRole', metadata: { name: 'pvc-reader' }, rules: [READ_RULES[0]!] };
const everything: RbacRole = { kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };

const USERS = [
  { name: 'scanner', token: 'scanner-token', bindings: [{ role: scannerClusterRole }] },
  // A Role in payments, and a ClusterRole bound by a RoleBinding in inventory only.
  { name: 'team-db', groups: ['continuity'], clientCertificate: true, bindings: [{ role: paymentsRole }, { role: pvcReader, namespace: 'inventory' }] },
  { name: 'nobody', token: 'nobody-token', bindings: [] },
  { name: 'admin', token: 'admin-token', bindings: [{ role: everything }] },
];

const CNPG = { group: 'postgresql.cnpg.io', version: 'v1' };

function estate(): KubernetesObject[] {
  return [
    ...cnpgClusterCase({ namespace: 'payments', name: 'ledger', now: NOW }),
    ...cnpgClusterCase({ namespace: 'payments', name: 'ledger-short', now: NOW, retentionDays: 7 }),
    ...cnpgClusterCase({ namespace: 'payments', name: 'ledger-archive-failing', now: NOW, archivingFailing: true }),
    ...cnpgClusterCase({ namespace: 'payments', name: 'ledger-suspended', now: NOW, scheduleSuspended: true, store: 'in-tree' }),
    ...cnpgClusterCase({ namespace: 'inventory', name: 'stock', now: NOW, lastBackupFailed: true }),
    ...cnpgClusterCase({ namespace: 'inventory', name: 'stock-snapshots', now: NOW, store: 'volume-snapshot-only' }),
    ...cnpgClusterCase({ namespace: 'inventory', name: 'unregistered', now: NOW }),
    ...pgoClusterCase({ namespace: 'payments', name: 'hippo', now: NOW, repos: 'volume-only' }),
    ...pvcCase({ namespace: 'inventory', name: 'inventory-data', now: NOW, storage: '50Gi', snapshotAgesHours: [30, 6] }),
    ...veleroScheduleCase({ name: 'nightly', now: NOW, includedNamespaces: ['inventory'], paused: true }),
  ];
}

type CustomList = { kind: string; apiVersion: string; metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: KubernetesObject[] };
type StatusBody = { kind: string; status: string; reason: string; code: number; message: string; details?: Record<string, string> };

let fixture: KubernetesFixture;
let kubeconfig: WrittenKubeconfig;

function clientsFor(context: string, path = kubeconfig.path) {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  kc.setCurrentContext(context);
  return { custom: kc.makeApiClient(CustomObjectsApi), core: kc.makeApiClient(CoreV1Api), apis: kc.makeApiClient(ApisApi) };
}

/** The client's error for a call that must fail. */
async function failure(call: Promise<unknown>): Promise<ApiException<unknown>> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ApiException);
  return outcome as ApiException<unknown>;
}

const statusOf = (error: ApiException<unknown>) => JSON.parse(String(error.body)) as StatusBody;

beforeAll(async () => {
  fixture = await startKubernetesFixture({ users: USERS, objects: estate() });
  kubeconfig = await writeKubeconfig(fixture);
});

afterEach(() => {
  fixture.assertNoViolations();
});

afterAll(async () => {
  await fixture?.close();
  await kubeconfig?.remove();
});

describe('lists', () => {
  it('pages a cluster-wide custom resource list with limit and continue, in namespace/name order, on one resourceVersion', async () => {
    const { custom } = clientsFor(tokenContext('scanner'));
    fixture.resetRequests();
    const pages: CustomList[] = [];
    let token: string | undefined;
    do {
      const page = (await custom.listClusterCustomObject({ ...CNPG, plural: 'clusters', limit: 3, _continue: token })) as CustomList;
      pages.push(page);
      token = page.metadata.continue;
    } while (token);

    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.metadata.remainingItemCount)).toEqual([4, 1, undefined]);
    expect(new Set(pages.map((p) => p.metadata.resourceVersion)).size).toBe(1);
    expect(pages[0]!.kind).toBe('ClusterList');
    expect(pages[0]!.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(pages.flatMap((p) => p.items.map((c) => `${c.metadata.namespace}/${c.metadata.name}`))).toEqual([
      'inventory/stock',
      'inventory/stock-snapshots',
      'inventory/unregistered',
      'payments/ledger',
      'payments/ledger-archive-failing',
      'payments/ledger-short',
      'payments/ledger-suspended',
    ]);
    // Custom resources keep their TypeMeta inside a list.
    expect(pages[0]!.items[0]!.kind).toBe('Cluster');
    expect(fixture.requests.map((r) => [r.verb, r.resource, r.user, r.query.limit])).toEqual([
      ['list', 'clusters.postgresql.cnpg.io', 'scanner', '3'],
      ['list', 'clusters.postgresql.cnpg.io', 'scanner', '3'],
      ['list', 'clusters.postgresql.cnpg.io', 'scanner', '3'],
    ]);
    expect(fixture.countRequests().get('list clusters.postgresql.cnpg.io')).toBe(3);
  });

  it('pages one namespace', async () => {
    const { custom } = clientsFor(tokenContext('scanner'));
    const first = (await custom.listNamespacedCustomObject({ ...CNPG, namespace: 'inventory', plural: 'clusters', limit: 2 })) as CustomList;
    const second = (await custom.listNamespacedCustomObject({ ...CNPG, namespace: 'inventory', plural: 'clusters', limit: 2, _continue: first.metadata.continue })) as CustomList;
    expect(first.items.map((c) => c.metadata.name)).toEqual(['stock', 'stock-snapshots']);
    expect(first.metadata.remainingItemCount).toBe(1);
    expect(second.items.map((c) => c.metadata.name)).toEqual(['unregistered']);
    expect(second.metadata.continue).toBeUndefined();
  });

  it('lists an empty collection for a namespace that does not exist', async () => {
    const { custom } = clientsFor(tokenContext('scanner'));
    const list = (await custom.listNamespacedCustomObject({ ...CNPG, namespace: 'nowhere', plural: 'clusters' })) as CustomList;
    expect(list.items).toEqual([]);
  });

  it('serves core PVCs to CoreV1Api as typed objects, without TypeMeta on items', async () => {
    const { core } = clientsFor(tokenContext('scanner'));
    const all = await core.listPersistentVolumeClaimForAllNamespaces({ limit: 500 });
    const names = all.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    expect(names).toContain('inventory/inventory-data');
    expect(names).toContain('payments/ledger-1');
    expect(all.metadata?._continue).toBeUndefined();
    const data = all.items.find((p) => p.metadata?.name === 'inventory-data')!;
    expect(data.kind).toBeUndefined();
    expect(data.spec?.resources?.requests?.storage).toBe('50Gi');
    expect(data.status?.phase).toBe('Bound');
    const cnpgData = all.items.find((p) => p.metadata?.name === 'ledger-1')!;
    expect(cnpgData.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Cluster', name: 'ledger', controller: true });

    const one = await core.readNamespacedPersistentVolumeClaim({ namespace: 'inventory', name: 'inventory-data' });
    expect(one.kind).toBe('PersistentVolumeClaim');
  });

  it('filters by equality label selectors without remainingItemCount, and refuses set-based ones', async () => {
    const { custom } = clientsFor(tokenContext('scanner'));
    const page = (await custom.listClusterCustomObject({ ...CNPG, plural: 'backups', labelSelector: 'cnpg.io/cluster=stock', limit: 2 })) as CustomList;
    expect(page.items).toHaveLength(2);
    expect(page.items.every((b) => b.metadata.labels?.['cnpg.io/cluster'] === 'stock')).toBe(true);
    expect(page.metadata.continue).toBeDefined();
    expect(page.metadata.remainingItemCount).toBeUndefined();
    const rest = (await custom.listClusterCustomObject({ ...CNPG, plural: 'backups', labelSelector: 'cnpg.io/cluster=stock', limit: 2, _continue: page.metadata.continue })) as CustomList;
    expect(rest.items.map((b) => b.metadata.labels?.['cnpg.io/cluster'])).toEqual(['stock']);

    const error = await failure(custom.listClusterCustomObject({ ...CNPG, plural: 'backups', labelSelector: 'cnpg.io/cluster in (stock)' }));
    expect(error.code).toBe(400);
    expect(statusOf(error).reason).toBe('BadRequest');
  });

  it('answers scripted responses first, as priority and fairness throttling does, then the real list', async () => {
    const { custom } = clientsFor(tokenContext('scanner'));
    fixture.script('/apis/velero.io/v1/schedules', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: 1 }, code: 429 },
    });
    const throttled = await failure(custom.listClusterCustomObject({ group: 'velero.io', version: 'v1', plural: 'schedules' }));
    expect(throttled.code).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(statusOf(throttled).reason).toBe('TooManyRequests');
    const list = (await custom.listClusterCustomObject({ group: 'velero.io', version: 'v1', plural: 'schedules' })) as CustomList;
    expect(list.items.map((i) => i.metadata.name)).toEqual(['nightly']);
  });

  it('lists what was put and stops listing what was removed, on a newer resourceVersion', async () => {
    const { custom } = clientsFor(tokenContext('scanner'));
    const names = async () => {
      const list = (await custom.listNamespacedCustomObject({ ...CNPG, namespace: 'scratch', plural: 'clusters' })) as CustomList;
      return { names: list.items.map((c) => c.metadata.name), version: Number(list.metadata.resourceVersion) };
    };
    fixture.put(...cnpgClusterCase({ namespace: 'scratch', name: 'temporary', now: NOW, pvcs: false }));
    const before = await names();
    expect(before.names).toEqual(['temporary']);
    expect(fixture.remove('postgresql.cnpg.io/v1', 'Cluster', 'scratch', 'temporary')).toBe(true);
    const after = await names();
    expect(after.names).toEqual([]);
    expect(after.version).toBeGreaterThan(before.version);
    expect(fixture.remove('postgresql.cnpg.io/v1', 'Cluster', 'scratch', 'temporary')).toBe(false);
  });

  it('answers a continue token from before a compaction with 410 Expired', async () => {
    const { custom } = clientsFor(tokenContext('scanner'));
    const first = (await custom.listClusterCustomObject({ ...CNPG, plural: 'clusters', limit: 2 })) as CustomList;
    fixture.expireContinueTokens();
    const error = await failure(custom.listClusterCustomObject({ ...CNPG, plural: 'clusters', limit: 2, _continue: first.metadata.continue }));
    expect(error.code).toBe(410);
    expect(statusOf(error)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
  });
});

describe('gets', () => {
  it('gets an object by name and answers a missing one with a NotFound Status', async () => {
    const { custom } = clientsFor(tokenContext('scanner'));
    const store = (await custom.getNamespacedCustomObject({ group: 'barmancloud.cnpg.io', version: 'v1', namespace: 'payments', plural: 'objectstores', name: 'ledger-short-store' })) as KubernetesObject;
    expect(store).toMatchObject({ apiVersion: 'barmancloud.cnpg.io/v1', kind: 'ObjectStore', spec: { retentionPolicy: '7d' } });

    const error = await failure(custom.getNamespacedCustomObject({ ...CNPG, namespace: 'payments', plural: 'clusters', name: 'gone' }));
    expect(error.code).toBe(404);
    expect(statusOf(error)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'clusters.postgresql.cnpg.io "gone" not found',
      reason: 'NotFound',
      details: { name: 'gone', group: 'postgresql.cnpg.io', kind: 'clusters' },
      code: 404,
    });
  });
});

describe('authentication and RBAC', () => {
  it('authenticates a client certificate over mutual TLS as its CN and applies its namespaced Role', async () => {
    const { custom, core } = clientsFor(certificateContext('team-db'));
    fixture.resetRequests();
    const payments = (await custom.listNamespacedCustomObject({ ...CNPG, namespace: 'payments', plural: 'clusters' })) as CustomList;
    expect(payments.items).toHaveLength(4);
    expect(fixture.requests[0]!.user).toBe('team-db');

    const clusterWide = await failure(custom.listClusterCustomObject({ ...CNPG, plural: 'clusters' }));
    expect(clusterWide.code).toBe(403);
    expect(statusOf(clusterWide)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'clusters.postgresql.cnpg.io is forbidden: User "team-db" cannot list resource "clusters" in API group "postgresql.cnpg.io" at the cluster scope',
      reason: 'Forbidden',
      details: { group: 'postgresql.cnpg.io', kind: 'clusters' },
      code: 403,
    });

    // The ClusterRole bound by a RoleBinding in inventory grants PVCs there, and nothing else.
    const pvcs = await core.listNamespacedPersistentVolumeClaim({ namespace: 'inventory' });
    expect(pvcs.items.length).toBeGreaterThan(0);
    const inventoryClusters = await failure(custom.listNamespacedCustomObject({ ...CNPG, namespace: 'inventory', plural: 'clusters' }));
    expect(statusOf(inventoryClusters).message).toBe(
      'clusters.postgresql.cnpg.io is forbidden: User "team-db" cannot list resource "clusters" in API group "postgresql.cnpg.io" in the namespace "inventory"',
    );
    const named = await failure(custom.getNamespacedCustomObject({ ...CNPG, namespace: 'inventory', plural: 'clusters', name: 'stock' }));
    expect(statusOf(named).message).toBe(
      'clusters.postgresql.cnpg.io "stock" is forbidden: User "team-db" cannot get resource "clusters" in API group "postgresql.cnpg.io" in the namespace "inventory"',
    );
  });

  it('forbids a user without bindings, while discovery stays open to every authenticated user', async () => {
    const { custom, apis } = clientsFor(tokenContext('nobody'));
    const groups = await apis.getAPIVersions();
    expect(groups.groups.map((g) => g.name)).toContain('postgresql.cnpg.io');
    const error = await failure(custom.listClusterCustomObject({ group: 'velero.io', version: 'v1', plural: 'schedules' }));
    expect(error.code).toBe(403);
    expect(statusOf(error).message).toBe(
      'schedules.velero.io is forbidden: User "nobody" cannot list resource "schedules" in API group "velero.io" at the cluster scope',
    );
  });

  it('answers an unknown bearer token with 401 Unauthorized', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig.path);
    const cluster = kc.getCurrentCluster()!;
    const stranger = new KubeConfig();
    stranger.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'stranger', token: 'not-a-token' }],
      contexts: [{ name: 'stranger', cluster: cluster.name, user: 'stranger' }],
      currentContext: 'stranger',
    });
    const error = await failure(stranger.makeApiClient(CustomObjectsApi).listClusterCustomObject({ ...CNPG, plural: 'clusters' }));
    expect(error.code).toBe(401);
    expect(fixture.requests.at(-1)!.user).toBeUndefined();
  });

  it('follows RBAC changes between requests', async () => {
    const { custom } = clientsFor(tokenContext('nobody'));
    fixture.setBindings('nobody', [{ role: scannerClusterRole }]);
    try {
      const list = (await custom.listClusterCustomObject({ group: 'velero.io', version: 'v1', plural: 'schedules' })) as CustomList;
      expect(list.items.map((s) => s.metadata.name)).toEqual(['nightly']);
    } finally {
      fixture.setBindings('nobody', []);
    }
    expect((await failure(custom.listClusterCustomObject({ group: 'velero.io', version: 'v1', plural: 'schedules' }))).code).toBe(403);
  });
});

describe('tripwire', () => {
  it('refuses and records Secrets, ConfigMaps, pods/exec and writes, even for cluster-admin', async () => {
    const { custom, core } = clientsFor(tokenContext('admin'));
    const answers = await Promise.all([
      failure(core.listNamespacedSecret({ namespace: 'payments' })),
      failure(core.readNamespacedConfigMap({ namespace: 'payments', name: 'ledger-config' })),
      failure(core.connectPostNamespacedPodExec({ namespace: 'payments', name: 'ledger-1', command: 'sh' })),
      failure(custom.deleteNamespacedCustomObject({ ...CNPG, namespace: 'payments', plural: 'clusters', name: 'ledger' })),
    ]);
    expect(answers.map((a) => a.code)).toEqual([403, 403, 403, 403]);
    expect(statusOf(answers[0]!).message).toBe('secrets is forbidden: User "admin" cannot list resource "secrets" in API group "" in the namespace "payments"');

    expect(() => fixture.assertNoViolations()).toThrow(/4 forbidden request\(s\)[\s\S]*GET \/api\/v1\/namespaces\/payments\/secrets by admin: Secrets hold credentials/);
    const violations = fixture.takeViolations();
    expect(violations.map((v) => `${v.request.verb} ${v.request.resource}${v.request.subresource ? `/${v.request.subresource}` : ''}`).sort()).toEqual([
      'create pods/exec',
      'delete clusters.postgresql.cnpg.io',
      'get configmaps',
      'list secrets',
    ]);
    // The cluster survives the refused delete.
    const still = (await custom.getNamespacedCustomObject({ ...CNPG, namespace: 'payments', plural: 'clusters', name: 'ledger' })) as KubernetesObject;
    expect(still.metadata.name).toBe('ledger');
  });

  it('records a Secret request that fails authentication too', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig.path);
    const cluster = kc.getCurrentCluster()!;
    const anonymous = new KubeConfig();
    anonymous.loadFromOptions({ clusters: [cluster], users: [{ name: 'anon' }], contexts: [{ name: 'anon', cluster: cluster.name, user: 'anon' }], currentContext: 'anon' });
    expect((await failure(anonymous.makeApiClient(CoreV1Api).listSecretForAllNamespaces())).code).toBe(401);
    expect(fixture.takeViolations().map((v) => v.request.resource)).toEqual(['secrets']);
  });
});

describe('discovery and uninstalled CRDs', () => {
  let partial: KubernetesFixture;
  let partialConfig: WrittenKubeconfig;

  beforeAll(async () => {
    partial = await startKubernetesFixture({
      users: USERS,
      objects: [...pgoClusterCase({ namespace: 'payments', name: 'hippo', now: NOW }), ...cnpgClusterCase({ namespace: 'payments', name: 'ledger', now: NOW })],
      notInstalled: ['postgres-operator.crunchydata.com', 'barmancloud.cnpg.io'],
    });
    partialConfig = await writeKubeconfig(partial);
  });

  afterAll(async () => {
    await partial?.close();
    await partialConfig?.remove();
  });

  it('leaves an uninstalled group out of /apis and answers its paths with the plain 404 page', async () => {
    const { custom, apis } = clientsFor(tokenContext('scanner'), partialConfig.path);
    const groups = (await apis.getAPIVersions()).groups.map((g) => g.name);
    expect(groups).toContain('postgresql.cnpg.io');
    expect(groups).not.toContain('postgres-operator.crunchydata.com');
    expect(groups).not.toContain('barmancloud.cnpg.io');

    const error = await failure(custom.listClusterCustomObject({ group: 'postgres-operator.crunchydata.com', version: 'v1beta1', plural: 'postgresclusters' }));
    expect(error.code).toBe(404);
    expect(error.body).toBe('404 page not found\n');
    expect((await failure(custom.getAPIResources({ group: 'barmancloud.cnpg.io', version: 'v1' }))).code).toBe(404);

    const resources = await custom.getAPIResources({ ...CNPG });
    expect(resources.resources.find((r) => r.name === 'clusters')).toMatchObject({ kind: 'Cluster', namespaced: true, singularName: 'cluster' });
    expect(resources.resources.map((r) => r.name)).toContain('clusters/status');
    partial.assertNoViolations();
  });

  it('checks RBAC before routing: an unauthorised user gets 403, not 404, for an uninstalled group', async () => {
    const { custom } = clientsFor(tokenContext('nobody'), partialConfig.path);
    const error = await failure(custom.listClusterCustomObject({ group: 'postgres-operator.crunchydata.com', version: 'v1beta1', plural: 'postgresclusters' }));
    expect(error.code).toBe(403);
  });
});

describe('scale', () => {
  it('serves 2,000 clusters and 5,000 PVCs over 50 namespaces once each, one request per page', async () => {
    const namespaces = Array.from({ length: 50 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
    const big = await startKubernetesFixture({
      users: USERS,
      objects: [
        ...Array.from({ length: 2000 }, (_, i) => cnpgClusterCase({ namespace: namespaces[i % 50]!, name: `pg-${i}`, now: NOW, pvcs: false })).flat(),
        ...Array.from({ length: 5000 }, (_, i) => persistentVolumeClaim({ namespace: namespaces[i % 50]!, name: `data-${i}` })),
      ],
    });
    const config = await writeKubeconfig(big);
    try {
      const { custom, core } = clientsFor(tokenContext('scanner'), config.path);
      const clusterNames = new Set<string>();
      let token: string | undefined;
      do {
        const page = (await custom.listClusterCustomObject({ ...CNPG, plural: 'clusters', limit: 500, _continue: token })) as CustomList;
        for (const c of page.items) clusterNames.add(`${c.metadata.namespace}/${c.metadata.name}`);
        token = page.metadata.continue;
      } while (token);
      const pvcNames = new Set<string>();
      do {
        const page = await core.listPersistentVolumeClaimForAllNamespaces({ limit: 500, _continue: token });
        for (const p of page.items) pvcNames.add(`${p.metadata?.namespace}/${p.metadata?.name}`);
        token = page.metadata?._continue;
      } while (token);

      expect(clusterNames.size).toBe(2000);
      expect(pvcNames.size).toBe(5000);
      expect(Object.fromEntries(big.countRequests())).toEqual({ 'list clusters.postgresql.cnpg.io': 4, 'list persistentvolumeclaims': 10 });
      big.assertNoViolations();
    } finally {
      await big.close();
      await config.remove();
    }
  });
});

describe('case builders', () => {
  it('put each case in the fields the operators write', async () => {
    const { custom } = clientsFor(tokenContext('scanner'));
    const get = async (group: string, version: string, plural: string, namespace: string, name: string) =>
      (await custom.getNamespacedCustomObject({ group, version, plural, namespace, name })) as KubernetesObject & { spec: any; status: any };
    const conditions = (o: { status: any }) => Object.fromEntries((o.status.conditions as { type: string; status: string; reason: string }[]).map((c) => [c.type, `${c.status}/${c.reason}`]));

    const healthy = await get('postgresql.cnpg.io', 'v1', 'clusters', 'payments', 'ledger');
    expect(healthy.spec.plugins).toEqual([{ name: 'barman-cloud.cloudnative-pg.io', enabled: true, isWALArchiver: true, parameters: { barmanObjectName: 'ledger-store' } }]);
    expect(conditions(healthy)).toMatchObject({ ContinuousArchiving: 'True/ContinuousArchivingSuccess', LastBackupSucceeded: 'True/LastBackupSucceeded' });
    expect(healthy.status.firstRecoverabilityPoint).toBeUndefined();
    const store = await get('barmancloud.cnpg.io', 'v1', 'objectstores', 'payments', 'ledger-store');
    expect(store.spec.retentionPolicy).toBe('30d');
    expect(store.status.serverRecoveryWindow.ledger).toEqual({ firstRecoverabilityPoint: '2025-02-08T12:00:00Z', lastSuccessfulBackupTime: '2025-03-09T16:00:00Z' });

    const failing = await get('postgresql.cnpg.io', 'v1', 'clusters', 'payments', 'ledger-archive-failing');
    expect(conditions(failing).ContinuousArchiving).toBe('False/ContinuousArchivingFailing');

    const suspended = await get('postgresql.cnpg.io', 'v1', 'scheduledbackups', 'payments', 'ledger-suspended-daily');
    expect(suspended.spec).toMatchObject({ suspend: true, method: 'barmanObjectStore', cluster: { name: 'ledger-suspended' } });
    const inTree = await get('postgresql.cnpg.io', 'v1', 'clusters', 'payments', 'ledger-suspended');
    expect(inTree.spec.backup).toMatchObject({ retentionPolicy: '30d', barmanObjectStore: { destinationPath: 's3://backups/payments/' } });
    expect(inTree.status).toMatchObject({ firstRecoverabilityPoint: '2025-02-08T12:00:00Z', lastSuccessfulBackup: '2025-03-09T16:00:00Z' });

    const failed = await get('postgresql.cnpg.io', 'v1', 'clusters', 'inventory', 'stock');
    expect(conditions(failed).LastBackupSucceeded).toBe('False/LastBackupFailed');
    const inTreeFailed = cnpgClusterCase({ namespace: 'x', name: 'y', now: NOW, store: 'in-tree', lastBackupFailed: true }).find((c) => c.kind === 'Cluster') as unknown as { status: any };
    expect(inTreeFailed.status).toMatchObject({ lastSuccessfulBackup: '2025-03-09T16:00:00Z', lastFailedBackup: '2025-03-10T10:00:00Z' });
    expect(conditions(inTreeFailed).LastBackupSucceeded).toBe('False/LastBackupFailed');
    const stockStore = await get('barmancloud.cnpg.io', 'v1', 'objectstores', 'inventory', 'stock-store');
    expect(stockStore.status.serverRecoveryWindow.stock.lastFailedBackupTime).toBe('2025-03-10T10:00:00Z');

    const snapshotsOnly = await get('postgresql.cnpg.io', 'v1', 'clusters', 'inventory', 'stock-snapshots');
    expect(snapshotsOnly.spec.plugins).toBeUndefined();
    expect(Object.keys(snapshotsOnly.spec.backup).sort()).toEqual(['target', 'volumeSnapshot']);
    expect(conditions(snapshotsOnly).ContinuousArchiving).toBeUndefined();
    // Its first recoverability point is the end of its oldest snapshot backup, and each backup's snapshot bears its name.
    expect(snapshotsOnly.status.firstRecoverabilityPointByMethod).toEqual({ volumeSnapshot: '2025-03-08T16:12:00Z' });
    const snapshots = (await custom.listNamespacedCustomObject({ group: 'snapshot.storage.k8s.io', version: 'v1', namespace: 'inventory', plural: 'volumesnapshots', labelSelector: 'cnpg.io/cluster=stock-snapshots' })) as CustomList;
    const snapshotBackups = (await custom.listNamespacedCustomObject({ ...CNPG, namespace: 'inventory', plural: 'backups', labelSelector: 'cnpg.io/cluster=stock-snapshots' })) as CustomList;
    expect(snapshots.items.map((v) => v.metadata.name)).toEqual(snapshotBackups.items.map((b) => b.metadata.name));
    expect(snapshots.items.map((v) => (v as any).spec.source.persistentVolumeClaimName)).toEqual(['stock-snapshots-1', 'stock-snapshots-1']);

    const hippo = await get('postgres-operator.crunchydata.com', 'v1beta1', 'postgresclusters', 'payments', 'hippo');
    expect(hippo.spec.backups.pgbackrest.repos).toEqual([
      { name: 'repo1', schedules: { full: '0 1 * * 0', differential: '0 1 * * 1-6' }, volume: { volumeClaimSpec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } } },
    ]);
    expect(hippo.spec.backups.pgbackrest.global).toEqual({ 'repo1-retention-full': '30', 'repo1-retention-full-type': 'time' });
    expect(hippo.status.pgbackrest.scheduledBackups[0]).toMatchObject({ cronJobName: 'hippo-repo1-full', repo: 'repo1', type: 'full', succeeded: 1 });

    const nightly = await get('velero.io', 'v1', 'schedules', 'velero', 'nightly');
    expect(nightly.spec).toMatchObject({ paused: true, template: { includedNamespaces: ['inventory'], ttl: '720h0m0s' } });
    const veleroBackups = (await custom.listNamespacedCustomObject({ group: 'velero.io', version: 'v1', namespace: 'velero', plural: 'backups' })) as CustomList;
    expect(veleroBackups.items.map((b) => b.metadata.name)).toEqual(['nightly-20250308120000', 'nightly-20250309140000']);
  });
});

describe('kubeconfig', () => {
  it('is written with mode 0600 in its own temporary directory and removed without a trace', async () => {
    const written = await writeKubeconfig(fixture, { currentContext: certificateContext('team-db'), namespace: 'payments' });
    expect(statSync(written.path).mode & 0o777).toBe(0o600);
    expect(written.contexts).toEqual(['scanner-token', 'nobody-token', 'admin-token', 'team-db-cert']);
    const kc = new KubeConfig();
    kc.loadFromFile(written.path);
    expect(kc.getCurrentContext()).toBe('team-db-cert');
    expect(kc.getContextObject('team-db-cert')?.namespace).toBe('payments');
    await written.remove();
    expect(existsSync(written.dir)).toBe(false);
  });

  it('refuses a current context the fixture has no credential for', async () => {
    await expect(writeKubeconfig(fixture, { currentContext: 'nobody-cert' })).rejects.toThrow(/no context nobody-cert/);
  });
});
