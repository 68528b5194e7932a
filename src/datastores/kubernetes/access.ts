// Reads the Kubernetes API with @kubernetes/client-node: kubeconfig (a file
// from config, or the default chain) or the pod's service account, and paged
// `list` calls only (limit + continue), one per resource kind and scope per
// scan, shared through the scan cache. Never a get, watch or write; never
// Secrets, ConfigMaps or pods/exec.
//
// What an answer means: 403 is a fact that could not be read (with the RBAC
// rule that would allow it); 404 on a list is an API group that is not
// installed (no CRD); 401, 5xx, throttling or an unreachable server fail the
// whole collection, so that they are errors, never a pass.
import { ApiException, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { observed, unavailable, type Observed, type ScanCache } from '../../engine/types';
import type { Config } from '../../config/schema';
import { errorMessage } from '../../secrets';
import { groupResource, listingSource, rbacRule, type ListScope, type ResourceKind } from './resources';
import { DEFAULT_KUBERNETES_SETTINGS, type KubernetesSettings } from './settings';

/** An object as listed: the fields continuity reads, untyped below metadata. */
export interface ListedObject {
  metadata: {
    name: string;
    namespace?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** A listing: the objects, or the API group is not installed (a 404 on its path). */
export type Listing = { installed: true; items: ListedObject[] } | { installed: false; provider: string };

/** Attempts of a request the API server throttles (429), and the longest Retry-After honoured. */
const THROTTLED_ATTEMPTS = 4;
const MAX_RETRY_AFTER_MS = 10_000;

/** The label a context carries in sources and messages. */
export const IN_CLUSTER = 'in-cluster';

export class KubernetesAccessError extends Error {}

/** The kubernetes section, or its defaults when the config has none. */
export function settingsOf(config: Pick<Config, 'kubernetes'>): KubernetesSettings {
  return config.kubernetes ?? DEFAULT_KUBERNETES_SETTINGS;
}

/** Why a file could not be read, without its path (reports never show the scanning machine's paths). */
function fileProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES') return 'the file is not readable';
  return error instanceof SyntaxError || (error as { name?: string }).name === 'YAMLException' ? 'the file is not a valid kubeconfig' : 'the file could not be loaded';
}

/** The kubeconfig for a context: from kubernetes.kubeconfig, the pod's service account, or the default chain. */
export function loadKubeConfig(settings: KubernetesSettings, context: string | undefined): { kc: KubeConfig; label: string } {
  const kc = new KubeConfig();
  if (settings.inCluster) {
    if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
      throw new KubernetesAccessError('kubernetes.inCluster is set but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not: continuity is not running in a pod');
    }
    kc.loadFromCluster();
    return { kc, label: IN_CLUSTER };
  }
  try {
    if (settings.kubeconfig) kc.loadFromFile(settings.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    const where = settings.kubeconfig ? 'config kubernetes.kubeconfig' : process.env.KUBECONFIG ? '$KUBECONFIG' : '~/.kube/config';
    throw new KubernetesAccessError(`cannot load the kubeconfig (${where}): ${fileProblem(error)}`);
  }
  const current = kc.getCurrentCluster();
  // loadFromDefault ends in an unauthenticated http://localhost:8080 when it finds nothing at all.
  if (!settings.kubeconfig && current?.name === 'cluster' && current.server === 'http://localhost:8080') {
    throw new KubernetesAccessError('no kubeconfig found: set kubernetes.kubeconfig, $KUBECONFIG or ~/.kube/config, or kubernetes.inCluster in a pod');
  }
  // The default chain found the pod's service account: there are no contexts to choose from.
  if (current?.name === 'inCluster') return { kc, label: IN_CLUSTER };
  if (context !== undefined) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubernetesAccessError(`the kubeconfig has no context "${context}"${known.length ? `; it has ${known.join(', ')}` : ''}`);
    }
    kc.setCurrentContext(context);
  }
  const label = kc.getCurrentContext();
  if (!label || !kc.getCurrentCluster()) throw new KubernetesAccessError('the kubeconfig has no current context: set datastores[].context or kubernetes.contexts');
  return { kc, label };
}

function statusMessage(error: ApiException<unknown>): string {
  const body = error.body;
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown };
    if (typeof parsed?.message === 'string') return parsed.message;
  } catch {
    // not a Status object: fall through to the code
  }
  return `HTTP ${error.code}`;
}

interface Page {
  items: ListedObject[];
  continueToken: string | undefined;
}

/** One context's API: paged lists, each remembered for the scan. */
export class KubernetesApi {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  /** Requests made, for the benchmark's count. */
  requests = 0;

  constructor(
    kc: KubeConfig,
    readonly context: string,
    private readonly pageSize: number,
    private readonly server: string,
  ) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  private async page(r: ResourceKind, scope: ListScope, token: string | undefined): Promise<Page> {
    this.requests += 1;
    const paging = { limit: this.pageSize, ...(token ? { _continue: token } : {}) };
    if (r.group === '') {
      // The core group has typed calls; PersistentVolumeClaims are the only core resource read.
      const list = scope === ''
        ? await this.core.listPersistentVolumeClaimForAllNamespaces(paging)
        : await this.core.listNamespacedPersistentVolumeClaim({ namespace: scope, ...paging });
      const items = list.items.map((pvc): ListedObject => ({
        metadata: {
          name: pvc.metadata?.name ?? '',
          namespace: pvc.metadata?.namespace,
          creationTimestamp: pvc.metadata?.creationTimestamp ? new Date(pvc.metadata.creationTimestamp).toISOString() : undefined,
          labels: pvc.metadata?.labels,
          ownerReferences: pvc.metadata?.ownerReferences?.map((o) => ({ kind: o.kind, name: o.name, controller: o.controller })),
        },
        spec: pvc.spec as unknown as Record<string, unknown>,
        status: pvc.status as unknown as Record<string, unknown>,
      }));
      return { items, continueToken: list.metadata?._continue || undefined };
    }
    const target = { group: r.group, version: r.version, plural: r.plural, ...paging };
    const list = (scope === ''
      ? await this.custom.listClusterCustomObject(target)
      : await this.custom.listNamespacedCustomObject({ ...target, namespace: scope })) as { items?: ListedObject[]; metadata?: { continue?: string } };
    return { items: list.items ?? [], continueToken: list.metadata?.continue || undefined };
  }

  /** A request retried after 429 Too Many Requests (API priority and fairness), waiting its Retry-After, a few times. */
  private async throttled<T>(request: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof ApiException) || error.code !== 429 || attempt >= THROTTLED_ATTEMPTS) throw error;
        const seconds = Number((error.headers as Record<string, string> | undefined)?.['retry-after']);
        const waitMs = Math.min(MAX_RETRY_AFTER_MS, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  /** Every object of a kind in a scope, page by page; a 410 (token expired by compaction) restarts the list once. */
  async list(r: ResourceKind, scope: ListScope): Promise<Observed<Listing>> {
    const source = listingSource(this.context, r, scope);
    for (let attempt = 0; ; attempt++) {
      const items: ListedObject[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await this.throttled(() => this.page(r, scope, token));
          items.push(...page.items);
          token = page.continueToken;
        } while (token);
        return observed(source, { installed: true, items });
      } catch (error) {
        if (!(error instanceof ApiException)) {
          throw new KubernetesAccessError(`cannot reach the Kubernetes API server of context ${this.context} (${this.server}): ${errorMessage(error)}`);
        }
        if (error.code === 403) return unavailable(source, `forbidden: ${statusMessage(error)}`, rbacRule(r, scope));
        if (error.code === 404) return observed(source, { installed: false, provider: r.provider });
        if (error.code === 410 && attempt === 0) continue;
        if (error.code === 401) {
          throw new KubernetesAccessError(`the Kubernetes API server of context ${this.context} refused the credentials (401 Unauthorized)`);
        }
        throw new KubernetesAccessError(`list ${groupResource(r)} in context ${this.context} failed: ${error.code} ${statusMessage(error)}`);
      }
    }
  }
}

/** The API of a context (undefined: the kubeconfig's current one), made once per scan. */
export function kubernetesApi(config: Pick<Config, 'kubernetes'>, shared: ScanCache, context: string | undefined): Promise<KubernetesApi> {
  const settings = settingsOf(config);
  return shared.once(`kubernetes:api:${settings.inCluster ? IN_CLUSTER : (context ?? '')}`, async () => {
    const { kc, label } = loadKubeConfig(settings, settings.inCluster ? undefined : context);
    return new KubernetesApi(kc, label, settings.pageSize, kc.getCurrentCluster()!.server);
  });
}

/** The namespaces a context is read in, or [''] for the whole cluster. */
export function scopesOf(config: Pick<Config, 'kubernetes'>, context: string): ListScope[] {
  const settings = settingsOf(config);
  const own = settings.contexts.find((c) => c.name === context)?.namespaces;
  return own ?? settings.namespaces ?? [''];
}

/**
 * One kind's objects in a namespace. Where the context is read cluster-wide,
 * the one cluster-wide listing is shared by every namespace; otherwise the
 * namespace is listed on its own. Either way each listing is made once per scan.
 */
export async function listInNamespace(
  config: Pick<Config, 'kubernetes'>,
  shared: ScanCache,
  api: KubernetesApi,
  r: ResourceKind,
  namespace: string,
): Promise<Observed<Listing>> {
  const clusterWide = scopesOf(config, api.context).includes('');
  if (!clusterWide) return listOnce(shared, api, r, namespace);
  // The cluster-wide listing, split by namespace once for every datastore that reads it.
  const byNamespace = await shared.once(`kubernetes:by-namespace:${api.context}:${groupResource(r)}`, async () => {
    const listing = await listOnce(shared, api, r, '');
    if (!listing.ok || !listing.value.installed) return { listing, split: new Map<string, ListedObject[]>() };
    const split = new Map<string, ListedObject[]>();
    for (const o of listing.value.items) {
      const ns = o.metadata.namespace ?? '';
      const bucket = split.get(ns);
      if (bucket) bucket.push(o);
      else split.set(ns, [o]);
    }
    return { listing, split };
  });
  const { listing, split } = byNamespace;
  if (!listing.ok || !listing.value.installed) return listing;
  return observed(listing.source, { installed: true, items: split.get(namespace) ?? [] });
}

/** A listing made once per scan. */
export function listOnce(shared: ScanCache, api: KubernetesApi, r: ResourceKind, scope: ListScope): Promise<Observed<Listing>> {
  return shared.once(`kubernetes:list:${api.context}:${groupResource(r)}:${scope}`, () => api.list(r, scope));
}

