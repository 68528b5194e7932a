// A local Kubernetes API server for the tests, speaking the wire format the
// real @kubernetes/client-node expects. Where each detail comes from:
// - Paths, list kinds `<Kind>List`, `metadata.{resourceVersion, continue,
//   remainingItemCount}`, `limit`/`continue` chunking and 410 Gone for an
//   expired token: "Kubernetes API Concepts",
//   https://kubernetes.io/docs/reference/using-api/api-concepts/
//   (kubernetes/website content/en/docs/reference/using-api/api-concepts.md);
//   ListMeta field rules (remainingItemCount left out under a selector or on
//   the last page): https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/list-meta/
// - Status bodies (`kind: Status`, `status: Failure`, reason, details, code):
//   API conventions, https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#response-status-kind,
//   and apimachinery pkg/api/errors (NewForbidden, NewNotFound, NewUnauthorized,
//   NewResourceExpired) for the exact messages.
// - The RBAC denial text `User %q cannot %s resource %q in API group %q in the
//   namespace %q` / `at the cluster scope` / `cannot %s path %q`: apiserver
//   pkg/endpoints/handlers/responsewriters/errors.go (forbiddenMessage).
// - Rule matching (verbs, apiGroups, resources with `*`, `res/*`, `*/sub`,
//   resourceNames, nonResourceURLs; Role only in its namespace; a ClusterRole
//   bound by a RoleBinding grants in that namespace only; system:discovery for
//   every authenticated user): https://kubernetes.io/docs/reference/access-authn-authz/rbac/
//   and kubernetes pkg/apis/rbac/v1/evaluation_helpers.go.
// - Request verbs (get/list/watch/create/update/patch/delete/deletecollection)
//   and subresources: https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb
// - Authentication: bearer tokens and X.509 client certificates (CN = user,
//   O = groups), 401 Unauthorized otherwise:
//   https://kubernetes.io/docs/reference/access-authn-authz/authentication/
// - Discovery (/api APIVersions, /apis APIGroupList, /apis/<g> APIGroup,
//   /apis/<g>/<v> and /api/v1 APIResourceList):
//   https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api
// - A path no installed API serves (a CRD group that is not installed) gets the
//   apiserver's final handler: 404 with the plain text "404 page not found"
//   (apiserver pkg/util/notfoundhandler, which ends in http.NotFound).
// - Order of filters: authentication, then priority and fairness (scripted
//   429s), then authorization, then routing (apiserver DefaultBuildHandlerChain).
// - Built-in list items carry no kind/apiVersion; custom resources do
//   (typed lists versus unstructured lists, as a real server serialises them).
// The CRD names (group, version, kind, plural, scope) are those of each
// operator's CRD manifests; see test/support/kubernetes-objects.ts.
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import selfsigned from 'selfsigned';
import { namespace as namespaceObject, rfc3339 } from './kubernetes-objects';

// ---------------------------------------------------------------- resources

export interface ResourceType {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly subresources: readonly string[];
}

const CRUD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Every resource type the fixture knows; the last three exist only to be refused. */
export const RESOURCE_TYPES = {
  namespaces: { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], subresources: ['finalize', 'status'] },
  persistentVolumeClaims: { group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', namespaced: true, shortNames: ['pvc'], subresources: ['status'] },
  cnpgClusters: { group: 'postgresql.cnpg.io', version: 'v1', kind: 'Cluster', plural: 'clusters', singular: 'cluster', namespaced: true, subresources: ['scale', 'status'] },
  cnpgBackups: { group: 'postgresql.cnpg.io', version: 'v1', kind: 'Backup', plural: 'backups', singular: 'backup', namespaced: true, subresources: ['status'] },
  cnpgScheduledBackups: { group: 'postgresql.cnpg.io', version: 'v1', kind: 'ScheduledBackup', plural: 'scheduledbackups', singular: 'scheduledbackup', namespaced: true, subresources: ['status'] },
  barmanObjectStores: { group: 'barmancloud.cnpg.io', version: 'v1', kind: 'ObjectStore', plural: 'objectstores', singular: 'objectstore', namespaced: true, subresources: ['status'] },
  pgoPostgresClusters: { group: 'postgres-operator.crunchydata.com', version: 'v1beta1', kind: 'PostgresCluster', plural: 'postgresclusters', singular: 'postgrescluster', namespaced: true, subresources: ['status'] },
  veleroSchedules: { group: 'velero.io', version: 'v1', kind: 'Schedule', plural: 'schedules', singular: 'schedule', namespaced: true, subresources: ['status'] },
  veleroBackups: { group: 'velero.io', version: 'v1', kind: 'Backup', plural: 'backups', singular: 'backup', namespaced: true, subresources: ['status'] },
  volumeSnapshots: { group: 'snapshot.storage.k8s.io', version: 'v1', kind: 'VolumeSnapshot', plural: 'volumesnapshots', singular: 'volumesnapshot', namespaced: true, shortNames: ['vs'], subresources: ['status'] },
  secrets: { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, subresources: [] },
  configMaps: { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'], subresources: [] },
  pods: { group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], subresources: ['attach', 'exec', 'log', 'portforward', 'status'] },
} as const satisfies Record<string, ResourceType>;

export type ResourceKey = keyof typeof RESOURCE_TYPES;

/** The API groups served by CRDs, each installable on its own. */
export const CRD_GROUPS = ['postgresql.cnpg.io', 'barmancloud.cnpg.io', 'postgres-operator.crunchydata.com', 'velero.io', 'snapshot.storage.k8s.io'] as const;
export type CrdGroup = (typeof CRD_GROUPS)[number];

const apiVersionOf = (t: ResourceType) => (t.group === '' ? t.version : `${t.group}/${t.version}`);
/** `clusters.postgresql.cnpg.io`, or `persistentvolumeclaims` for the core group (GroupResource.String()). */
export const groupResource = (t: Pick<ResourceType, 'group' | 'plural'>) => (t.group === '' ? t.plural : `${t.plural}.${t.group}`);

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

// --------------------------------------------------------------------- RBAC

/** One rule of a ClusterRole or Role (rbac.authorization.k8s.io/v1 PolicyRule). */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A ClusterRole or Role as written in a manifest. */
export interface RbacRole {
  apiVersion?: string;
  kind: 'ClusterRole' | 'Role';
  metadata: { name: string; namespace?: string };
  rules: PolicyRule[];
}

/**
 * How a role reaches a user: a ClusterRole without `namespace` is bound by a
 * ClusterRoleBinding; with `namespace` by a RoleBinding there. A Role is bound
 * in its own namespace.
 */
export interface RoleBinding {
  role: RbacRole;
  namespace?: string;
}

export interface FixtureUser {
  /** The Kubernetes user name (a token's user; a certificate's CN). */
  name: string;
  /** Certificate O fields. */
  groups?: string[];
  /** Authenticates with `Authorization: Bearer <token>`. */
  token?: string;
  /** Issue a client certificate signed by the fixture's CA. */
  clientCertificate?: boolean;
  bindings: RoleBinding[];
}

// system:discovery and system:public-info-viewer, bound to system:authenticated by default.
const DISCOVERY_URLS = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'];

interface RequestAttributes {
  user: string;
  verb: string;
  resourceRequest: boolean;
  path: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (subresource !== '' && (r === `${resource}/*` || r === `*/${subresource}`)),
  );
}

function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  const verbOk = rule.verbs.includes('*') || rule.verbs.includes(a.verb);
  if (!verbOk) return false;
  if (!a.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
  }
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(a.group)) return false;
  if (!resourceMatches(rule, a.resource, a.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== '' && names.includes(a.name));
}

function validateBinding(user: string, binding: RoleBinding): void {
  const { role } = binding;
  if (role.kind === 'Role') {
    if (!role.metadata.namespace) throw new Error(`user ${user}: Role ${role.metadata.name} has no metadata.namespace`);
    if (binding.namespace !== undefined && binding.namespace !== role.metadata.namespace) {
      throw new Error(`user ${user}: Role ${role.metadata.namespace}/${role.metadata.name} cannot be bound in namespace ${binding.namespace}`);
    }
  }
}

/** The namespace a binding grants in, or '' for everywhere (a ClusterRoleBinding). */
const bindingScope = (b: RoleBinding) => (b.role.kind === 'Role' ? b.role.metadata.namespace! : (b.namespace ?? ''));

function authorize(bindings: RoleBinding[], a: RequestAttributes): boolean {
  if (!a.resourceRequest && a.verb === 'get' && ruleAllows({ verbs: ['get'], nonResourceURLs: DISCOVERY_URLS }, a)) return true;
  return bindings.some((b) => {
    const scope = bindingScope(b);
    // nonResourceURLs and cluster-scoped requests are granted only cluster-wide.
    if (scope !== '' && (!a.resourceRequest || a.namespace !== scope)) return false;
    return b.role.rules.some((rule) => ruleAllows(rule, a));
  });
}

function forbiddenMessage(a: RequestAttributes): string {
  if (!a.resourceRequest) return `forbidden: User "${a.user}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const reason = `User "${a.user}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${where}`;
  const gr = groupResource({ group: a.group, plural: a.resource });
  return a.name ? `${gr} "${a.name}" is forbidden: ${reason}` : `${gr} is forbidden: ${reason}`;
}

// -------------------------------------------------------------- recordings

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The authenticated user, absent when authentication failed. */
  user?: string;
  /** Authorization verb: get, list, watch, create, ... */
  verb: string;
  /** `clusters.postgresql.cnpg.io`, `persistentvolumeclaims`, or the path of a non-resource request. */
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  status: number;
}

/** A request the scanner must never make; each one fails the test that asserts none. */
export interface Violation {
  reason: string;
  request: RecordedRequest;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

// -------------------------------------------------------------------- store

interface Entry {
  /** `<namespace>/<name>`, or `/<name>` for cluster-scoped objects: the apiserver's storage key order. */
  key: string;
  namespace: string;
  object: KubernetesObject;
  labels: Record<string, string>;
  /** The object as a list item, serialised once. */
  itemJson: string;
}

/** One resource type's objects, kept sorted (by index() after changes) so list pages are slices. */
class ResourceStore {
  private readonly byKey = new Map<string, Entry>();
  private sorted: Entry[] | null = null;
  private byNamespace: Map<string, Entry[]> | null = null;

  put(entry: Entry): void {
    this.byKey.set(entry.key, entry);
    this.sorted = null;
    this.byNamespace = null;
  }

  delete(key: string): boolean {
    const removed = this.byKey.delete(key);
    if (removed) {
      this.sorted = null;
      this.byNamespace = null;
    }
    return removed;
  }

  get(key: string): Entry | undefined {
    return this.byKey.get(key);
  }

  /** Sort and bucket by namespace now, so no list pays for it. */
  index(): void {
    if (this.sorted === null) {
      this.sorted = [...this.byKey.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
      this.byNamespace = new Map();
      for (const e of this.sorted) {
        const bucket = this.byNamespace.get(e.namespace);
        if (bucket) bucket.push(e);
        else this.byNamespace.set(e.namespace, [e]);
      }
    }
  }

  /** Entries in key order, all of them or one namespace's. */
  list(namespace: string): Entry[] {
    this.index();
    return namespace === '' ? this.sorted! : (this.byNamespace!.get(namespace) ?? []);
  }
}

/** First index whose key is greater than or equal to `key` (entries are sorted). */
function lowerBound(entries: Entry[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ----------------------------------------------------------- label selectors

type Requirement = (labels: Record<string, string>) => boolean;

/** Equality-based selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`); set-based ones are refused, not ignored. */
function parseLabelSelector(selector: string): Requirement[] | string {
  const requirements: Requirement[] = [];
  for (const raw of selector.split(',')) {
    const term = raw.trim();
    if (term === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/.exec(term))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      requirements.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
    } else if ((m = /^!([A-Za-z0-9._/-]+)$/.exec(term))) {
      const key = m[1]!;
      requirements.push((l) => !(key in l));
    } else if ((m = /^([A-Za-z0-9._/-]+)$/.exec(term))) {
      const key = m[1]!;
      requirements.push((l) => key in l);
    } else {
      return `unable to parse requirement: ${JSON.stringify(term)} (the fixture supports equality-based selectors only)`;
    }
  }
  return requirements;
}

// ---------------------------------------------------------------------- PKI

export interface CertificatePair {
  cert: string;
  key: string;
}

interface FixturePki {
  ca: CertificatePair;
  server: CertificatePair;
  clients: Map<string, CertificatePair>;
}

async function generatePki(users: FixtureUser[]): Promise<FixturePki> {
  const base = { keyType: 'ec' as const, algorithm: 'sha256', notBeforeDate: new Date(Date.now() - 3600_000) };
  const caPems = await selfsigned.generate([{ name: 'commonName', value: 'continuity-fixture-ca' }], {
    ...base,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const ca = { cert: caPems.cert, key: caPems.private };
  const serverPems = await selfsigned.generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    ...base,
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const clients = new Map<string, CertificatePair>();
  for (const user of users.filter((u) => u.clientCertificate)) {
    const pems = await selfsigned.generate(
      [{ name: 'commonName', value: user.name }, ...(user.groups ?? []).map((g) => ({ name: 'organizationName', value: g }))],
      {
        ...base,
        ca,
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true },
          { name: 'extKeyUsage', clientAuth: true },
        ],
      },
    );
    clients.set(user.name, { cert: pems.cert, key: pems.private });
  }
  return { ca, server: { cert: serverPems.cert, key: serverPems.private }, clients };
}

// ------------------------------------------------------------------- server

export interface KubernetesFixtureOptions {
  users: FixtureUser[];
  objects?: Iterable<KubernetesObject>;
  /** CRD groups whose CRDs are not installed: absent from discovery, 404 on their paths. */
  notInstalled?: CrdGroup[];
  /** Reported by /version. */
  gitVersion?: string;
}

const NEVER_REQUESTED: Record<string, string> = {
  secrets: 'Secrets hold credentials; the scanner never reads them',
  configmaps: 'ConfigMaps may hold credentials; the scanner never reads them',
};
const POD_SHELL_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);
const READ_VERBS = new Set(['get', 'list']);

const BUILT_IN_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export class KubernetesFixture {
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  private readonly stores = new Map<ResourceType, ResourceStore>();
  private readonly typesByApiVersionKind = new Map<string, ResourceType>();
  private readonly typesByPath = new Map<string, ResourceType>();
  private readonly users: Map<string, FixtureUser>;
  private readonly usersByToken = new Map<string, FixtureUser>();
  private readonly scripted = new Map<string, ScriptedAnswer[]>();
  private readonly notInstalled: Set<string>;
  private resourceVersion = 1000;
  /** Continue tokens minted before this resourceVersion answer 410 Expired. */
  private oldestContinuableVersion = 0;
  private server: https.Server | undefined;
  private port = 0;

  constructor(
    private readonly options: KubernetesFixtureOptions,
    private readonly pki: FixturePki,
  ) {
    for (const type of Object.values(RESOURCE_TYPES) as ResourceType[]) {
      this.stores.set(type, new ResourceStore());
      this.typesByApiVersionKind.set(`${apiVersionOf(type)}/${type.kind}`, type);
      this.typesByPath.set(`${apiVersionOf(type)}/${type.plural}`, type);
    }
    this.notInstalled = new Set(options.notInstalled ?? []);
    this.users = new Map();
    for (const user of options.users) this.addUser(user);
    this.putAll(BUILT_IN_NAMESPACES.map((name) => namespaceObject(name)));
    if (options.objects) this.putAll(options.objects);
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** PEM of the CA that signed the server and client certificates. */
  get caCertificate(): string {
    return this.pki.ca.cert;
  }

  /** The user's client certificate and key, issued when the user asked for one. */
  clientCertificate(user: string): CertificatePair {
    const pair = this.pki.clients.get(user);
    if (!pair) throw new Error(`user ${user} has no client certificate (set clientCertificate: true)`);
    return pair;
  }

  get fixtureUsers(): FixtureUser[] {
    return [...this.users.values()];
  }

  private addUser(user: FixtureUser): void {
    for (const b of user.bindings) validateBinding(user.name, b);
    const copy = { ...user };
    this.users.set(user.name, copy);
    if (user.token) this.usersByToken.set(user.token, copy);
  }

  /** Replace a user's role bindings (RBAC changes between scans). */
  setBindings(userName: string, bindings: RoleBinding[]): void {
    const user = this.users.get(userName);
    if (!user) throw new Error(`unknown fixture user ${userName}`);
    for (const b of bindings) validateBinding(userName, b);
    user.bindings = bindings;
  }

  /** Create or replace objects; a namespaced object's Namespace is created when missing. */
  put(...objects: KubernetesObject[]): void {
    this.putAll(objects);
  }

  /** put() for an estate too large to spread into arguments. */
  putAll(objects: Iterable<KubernetesObject>): void {
    const touched = new Set<ResourceStore>();
    for (const object of objects) {
      const type = this.typesByApiVersionKind.get(`${object.apiVersion}/${object.kind}`);
      if (!type) throw new Error(`the fixture serves no ${object.apiVersion} ${object.kind} (object ${object.metadata?.name})`);
      const namespace = object.metadata.namespace ?? '';
      if (type.namespaced && namespace === '') throw new Error(`${object.kind} ${object.metadata.name} needs metadata.namespace`);
      if (!type.namespaced && namespace !== '') throw new Error(`${object.kind} ${object.metadata.name} is cluster-scoped: drop metadata.namespace`);
      if (type.namespaced && !this.stores.get(RESOURCE_TYPES.namespaces)!.get(`/${namespace}`)) this.putAll([namespaceObject(namespace)]);
      this.resourceVersion += 1;
      const stored: KubernetesObject = {
        ...object,
        metadata: {
          uid: randomUUID(),
          creationTimestamp: rfc3339(new Date()),
          ...object.metadata,
          resourceVersion: String(this.resourceVersion),
        },
      };
      // Typed (built-in) lists carry no TypeMeta on their items; unstructured (CRD) lists do.
      const { apiVersion: _apiVersion, kind: _kind, ...withoutTypeMeta } = stored;
      const store = this.stores.get(type)!;
      touched.add(store);
      store.put({
        key: `${namespace}/${object.metadata.name}`,
        namespace,
        object: stored,
        labels: stored.metadata.labels ?? {},
        itemJson: JSON.stringify(type.group === '' ? withoutTypeMeta : stored),
      });
    }
    for (const store of touched) store.index();
  }

  /** Delete an object; returns whether it existed. */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean {
    const type = this.typesByApiVersionKind.get(`${apiVersion}/${kind}`);
    if (!type) throw new Error(`the fixture serves no ${apiVersion} ${kind}`);
    const removed = this.stores.get(type)!.delete(`${namespace ?? ''}/${name}`);
    if (removed) this.resourceVersion += 1;
    return removed;
  }

  /** Answers given, in order, to the next requests for this path (after authentication, before authorization). */
  script(path: string, ...answers: ScriptedAnswer[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...answers]);
  }

  /** Every continue token handed out so far now answers 410 Expired, as after an etcd compaction. */
  expireContinueTokens(): void {
    this.oldestContinuableVersion = this.resourceVersion + 1;
    this.resourceVersion += 1;
  }

  /** Requests per resource (`<verb> <group resource>` or `<verb> <path>`), pages counted one by one. */
  countRequests(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.requests) {
      const key = `${r.verb} ${r.subresource ? `${r.resource}/${r.subresource}` : r.resource}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  resetRequests(): void {
    this.requests.length = 0;
  }

  /** Returns the violations recorded so far and forgets them (for tests that provoke them on purpose). */
  takeViolations(): Violation[] {
    return this.violations.splice(0);
  }

  /** Throws, naming every forbidden request, when the scanner asked for anything it must never ask for. */
  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    const lines = this.violations.map(
      (v) => `- ${v.request.method} ${v.request.path}${queryString(v.request.query)} by ${v.request.user ?? '(unauthenticated)'}: ${v.reason}`,
    );
    throw new Error(`the Kubernetes fixture received ${this.violations.length} forbidden request(s):\n${lines.join('\n')}`);
  }

  async start(): Promise<void> {
    this.server = https.createServer(
      { cert: this.pki.server.cert, key: this.pki.server.key, ca: [this.pki.ca.cert], requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        req.resume();
        this.handle(req, res);
      },
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  }

  // ------------------------------------------------------------- handling

  private authenticate(req: IncomingMessage): { user?: FixtureUser; failed: boolean } {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    if (peer && peer.subject) {
      // A presented certificate the CA did not sign fails authentication outright.
      if (!socket.authorized) return { failed: true };
      const user = this.users.get(String(peer.subject.CN));
      return user?.clientCertificate ? { user, failed: false } : { failed: true };
    }
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const user = this.usersByToken.get(header.slice('Bearer '.length));
      return user ? { user, failed: false } : { failed: true };
    }
    return { failed: true };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://fixture');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const info = requestInfo(method, path, query);
    const recorded: RecordedRequest = {
      method,
      path,
      query,
      verb: info.verb,
      resource: info.resourceRequest ? groupResource({ group: info.group, plural: info.resource }) : path,
      ...(info.subresource ? { subresource: info.subresource } : {}),
      ...(info.namespace ? { namespace: info.namespace } : {}),
      ...(info.name ? { name: info.name } : {}),
      status: 0,
    };
    this.requests.push(recorded);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      recorded.status = status;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };

    // Recorded before authentication: asking is the fault, whatever the answer.
    const violation = tripwire(info);
    if (violation) this.violations.push({ reason: violation, request: recorded });

    const { user, failed } = this.authenticate(req);
    if (failed || !user) return answer(401, status(401, 'Unauthorized', 'Unauthorized'));
    recorded.user = user.name;
    const attributes: RequestAttributes = { ...info, user: user.name };

    if (violation) return answer(403, forbidden(attributes));

    const queued = this.scripted.get(path);
    if (queued && queued.length > 0) {
      const scripted = queued.shift()!;
      return answer(scripted.status, scripted.body ?? '', scripted.headers);
    }

    if (!authorize(user.bindings, attributes)) return answer(403, forbidden(attributes));

    const notFoundPage = () => {
      recorded.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end('404 page not found\n');
    };

    if (!info.resourceRequest) {
      const body = this.discovery(path);
      return body === undefined ? notFoundPage() : answer(200, body);
    }
    const type = this.typesByPath.get(`${info.group === '' ? '' : `${info.group}/`}${info.version}/${info.resource}`);
    if (!type || this.notInstalled.has(type.group)) return notFoundPage();
    if (info.subresource && !type.subresources.includes(info.subresource)) return notFoundPage();
    if (info.namespace && !type.namespaced && type !== RESOURCE_TYPES.namespaces) return notFoundPage();
    // A namespaced object has no cluster-scoped path of its own.
    if (type.namespaced && !info.namespace && info.name) return notFoundPage();

    if (info.verb === 'get') {
      const key = type.namespaced ? `${info.namespace}/${info.name}` : `/${info.name}`;
      const entry = this.stores.get(type)!.get(key);
      if (!entry) {
        return answer(404, {
          ...status(404, 'NotFound', `${groupResource(type)} "${info.name}" not found`),
          details: { name: info.name, ...(type.group ? { group: type.group } : {}), kind: type.plural },
        });
      }
      return answer(200, entry.object);
    }
    return this.list(type, info.namespace, query, answer);
  }

  private list(type: ResourceType, namespace: string, query: Record<string, string>, answer: (status: number, body: unknown) => void): void {
    const all = this.stores.get(type)!.list(namespace);
    let requirements: Requirement[] = [];
    if (query.labelSelector) {
      const parsed = parseLabelSelector(query.labelSelector);
      if (typeof parsed === 'string') return answer(400, status(400, 'BadRequest', parsed));
      requirements = parsed;
    }
    if (query.fieldSelector) {
      return answer(400, status(400, 'BadRequest', `field selectors are not supported by the fixture: ${query.fieldSelector}`));
    }

    let start = 0;
    let listVersion = this.resourceVersion;
    if (query.continue) {
      const token = decodeContinue(query.continue);
      if (!token) return answer(400, status(400, 'BadRequest', `continue key is not valid: ${query.continue}`));
      if (token.rv < this.oldestContinuableVersion) {
        return answer(410, {
          ...status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'),
        });
      }
      start = lowerBound(all, token.start);
      listVersion = token.rv;
    }
    const limit = query.limit ? Number.parseInt(query.limit, 10) : 0;
    const items: string[] = [];
    let next = start;
    for (; next < all.length && (limit <= 0 || items.length < limit); next += 1) {
      const entry = all[next]!;
      if (requirements.every((matches) => matches(entry.labels))) items.push(entry.itemJson);
    }
    const more = next < all.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(listVersion) };
    if (more) {
      metadata.continue = encodeContinue(listVersion, `${all[next - 1]!.key}\u0000`);
      if (requirements.length === 0) metadata.remainingItemCount = all.length - next;
    }
    const head = JSON.stringify({ kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata });
    answer(200, `${head.slice(0, -1)},"items":[${items.join(',')}]}`);
  }

  private discovery(path: string): unknown {
    const installed = (Object.values(RESOURCE_TYPES) as ResourceType[]).filter((t) => !this.notInstalled.has(t.group));
    const groups = [...new Set(installed.filter((t) => t.group !== '').map((t) => t.group))].map((name) => {
      const version = installed.find((t) => t.group === name)!.version;
      const gv = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [gv], preferredVersion: gv };
    });
    const resourceList = (groupVersion: string) => {
      const types = installed.filter((t) => apiVersionOf(t) === groupVersion);
      if (types.length === 0) return undefined;
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion,
        resources: types.flatMap((t) => [
          { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: CRUD_VERBS, ...(t.shortNames ? { shortNames: t.shortNames } : {}) },
          ...t.subresources.map((sub) => ({ name: `${t.plural}/${sub}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] })),
        ]),
      };
    };
    if (path === '/version') {
      const gitVersion = this.options.gitVersion ?? 'v1.33.1';
      const [, major, minor] = /^v(\d+)\.(\d+)/.exec(gitVersion) ?? [];
      return { major, minor, gitVersion, platform: 'linux/amd64' };
    }
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}` }] };
    if (path === '/api/v1') return resourceList('v1');
    if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups };
    const m = /^\/apis\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
    if (!m) return undefined;
    const group = groups.find((g) => g.name === m[1]);
    if (!group) return undefined;
    if (!m[2]) return { kind: 'APIGroup', apiVersion: 'v1', ...group };
    return resourceList(`${m[1]}/${m[2]}`);
  }
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function forbidden(a: RequestAttributes) {
  const details = a.resourceRequest ? { details: { ...(a.name ? { name: a.name } : {}), ...(a.group ? { group: a.group } : {}), kind: a.resource } } : {};
  return { ...status(403, 'Forbidden', forbiddenMessage(a)), ...details };
}

/** Why this request must never be made, or undefined. */
function tripwire(info: Omit<RequestAttributes, 'user'>): string | undefined {
  if (info.resourceRequest && info.group === '' && NEVER_REQUESTED[info.resource]) return NEVER_REQUESTED[info.resource];
  if (info.resourceRequest && info.group === '' && info.resource === 'pods' && POD_SHELL_SUBRESOURCES.has(info.subresource)) {
    return `pods/${info.subresource} runs commands in or connects to a workload; the scanner never does`;
  }
  if (!READ_VERBS.has(info.verb)) return `verb ${info.verb}: the scanner reads with get and list only`;
  return undefined;
}

/** The authorization attributes of a request, as the apiserver's RequestInfoFactory derives them. */
function requestInfo(method: string, path: string, query: Record<string, string>): Omit<RequestAttributes, 'user'> & { version: string } {
  const nonResource = { resourceRequest: false, path, group: '', version: '', resource: '', subresource: '', namespace: '', name: '', verb: method.toLowerCase() };
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    [group, version, rest] = ['', parts[1]!, parts.slice(2)];
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    [group, version, rest] = [parts[1]!, parts[2]!, parts.slice(3)];
  } else {
    return nonResource;
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1]!;
    // `namespaces/<name>` is the Namespace itself; longer paths are resources inside it.
    rest = rest.length === 2 ? ['namespaces', rest[1]!] : rest.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = rest;
  const watch = query.watch === 'true' || query.watch === '1';
  const verbs: Record<string, string> = {
    GET: watch ? 'watch' : name ? 'get' : 'list',
    HEAD: name ? 'get' : 'list',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: name ? 'delete' : 'deletecollection',
  };
  return { resourceRequest: true, path, group, version, resource, subresource, namespace, name, verb: verbs[method] ?? method.toLowerCase() };
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: string; rv?: unknown; start?: unknown };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') return undefined;
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    return undefined;
  }
}

function queryString(query: Record<string, string>): string {
  const s = new URLSearchParams(query).toString();
  return s ? `?${s}` : '';
}

/** Start a fixture on a free port with a CA, server and client certificates made now. */
export async function startKubernetesFixture(options: KubernetesFixtureOptions): Promise<KubernetesFixture> {
  const names = new Set<string>();
  for (const u of options.users) {
    if (names.has(u.name)) throw new Error(`fixture user ${u.name} is defined twice`);
    names.add(u.name);
    if (!u.token && !u.clientCertificate) throw new Error(`fixture user ${u.name} has neither a token nor a client certificate`);
  }
  const fixture = new KubernetesFixture(options, await generatePki(options.users));
  await fixture.start();
  return fixture;
}
