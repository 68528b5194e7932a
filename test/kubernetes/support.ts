// What the Kubernetes collector, check and CLI tests share: the RBAC manifests
// of docs/kubernetes.md (so the documented grants are the ones tested), the
// fixture users holding them, and a collect context for a datastore.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ConfigSchema, type Config } from '../../src/config/schema';
import { resolvePolicy } from '../../src/config/policy';
import type { DatastoreConfig } from '../../src/datastores';
import { createScanCache } from '../../src/engine/scan';
import type { CollectContext, ScanCache } from '../../src/engine/types';
import { silentLogger } from '../../src/log';
import { packagePath } from '../../src/package-root';
import type { FixtureUser, RbacRole } from '../support/kubernetes-fixture-server';

/** The ClusterRole and Roles shown in docs/kubernetes.md, in order. */
export function documentedRoles(): RbacRole[] {
  const text = readFileSync(packagePath('docs', 'kubernetes.md'), 'utf8');
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((b) => parseAllDocuments(b).map((d) => d.toJSON() as { kind?: string }))
    .filter((d): d is RbacRole => d.kind === 'ClusterRole' || d.kind === 'Role');
}

const roles = documentedRoles();
export const CLUSTER_ROLE = roles.find((r) => r.kind === 'ClusterRole')!;
export const NAMESPACE_ROLES = roles.filter((r) => r.kind === 'Role');

export const SCANNER = 'scanner';
export const TEAM = 'team-scanner';
export const NOBODY = 'nobody';
export const NO_SCHEDULES = 'no-schedules';

export const FIXTURE_USERS: FixtureUser[] = [
  { name: SCANNER, token: 'scanner-token', bindings: [{ role: CLUSTER_ROLE }] },
  // The namespaced Roles of the docs (payments and velero), over mutual TLS.
  { name: TEAM, clientCertificate: true, bindings: NAMESPACE_ROLES.map((role) => ({ role })) },
  { name: NOBODY, token: 'nobody-token', bindings: [] },
  {
    name: NO_SCHEDULES,
    token: 'no-schedules-token',
    bindings: [
      {
        role: {
          ...CLUSTER_ROLE,
          metadata: { name: 'continuity-without-scheduledbackups' },
          rules: CLUSTER_ROLE.rules.map((r) => ({ ...r, resources: (r.resources ?? []).filter((x) => x !== 'scheduledbackups') })),
        },
      },
    ],
  },
];

/** A config with these datastores in one production service and this kubernetes section. */
export function kubernetesConfig(datastores: Record<string, unknown>[], kubernetes: Record<string, unknown>): Config {
  return ConfigSchema.parse({ kubernetes, services: [{ name: 'inventory', environment: 'production', datastores }] });
}

/** The collect context of the config's datastore `name`; pass `shared` to read several datastores in one scan. */
export function collectContext<D extends DatastoreConfig>(config: Config, name: string, shared: ScanCache = createScanCache()): CollectContext<D> {
  const service = config.services[0]!;
  const datastore = service.datastores.find((d) => d.name === name)!;
  return {
    config,
    service,
    datastore: datastore as D,
    policy: resolvePolicy(config, service.environment),
    signal: new AbortController().signal,
    log: silentLogger,
    shared,
  };
}
