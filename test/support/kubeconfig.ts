// Writes a kubeconfig for a KubernetesFixture: one cluster (the fixture's URL
// and its CA as certificate-authority-data), and a context per credential of
// each fixture user: `<user>-token` (users[].user.token) and `<user>-cert`
// (client-certificate-data / client-key-data, mutual TLS). Format: the
// kubeconfig v1 reference, https://kubernetes.io/docs/reference/config-api/kubeconfig.v1/
// and "Organizing Cluster Access Using kubeconfig Files",
// https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
// The file lives in its own mkdtemp directory (mode 0600, as it holds keys);
// remove() deletes the directory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubernetesFixture } from './kubernetes-fixture-server';

export const FIXTURE_CLUSTER_NAME = 'continuity-fixture';

export interface WrittenKubeconfig {
  path: string;
  dir: string;
  /** Context names, token contexts first. */
  contexts: string[];
  remove(): Promise<void>;
}

export const tokenContext = (user: string) => `${user}-token`;
export const certificateContext = (user: string) => `${user}-cert`;

const base64 = (pem: string) => Buffer.from(pem).toString('base64');

export async function writeKubeconfig(
  fixture: KubernetesFixture,
  options: { currentContext?: string; namespace?: string } = {},
): Promise<WrittenKubeconfig> {
  const users: { name: string; user: Record<string, string> }[] = [];
  for (const u of fixture.fixtureUsers) {
    if (u.token) users.push({ name: tokenContext(u.name), user: { token: u.token } });
  }
  for (const u of fixture.fixtureUsers) {
    if (!u.clientCertificate) continue;
    const pair = fixture.clientCertificate(u.name);
    users.push({ name: certificateContext(u.name), user: { 'client-certificate-data': base64(pair.cert), 'client-key-data': base64(pair.key) } });
  }
  const contexts = users.map((u) => ({
    name: u.name,
    context: { cluster: FIXTURE_CLUSTER_NAME, user: u.name, ...(options.namespace ? { namespace: options.namespace } : {}) },
  }));
  const currentContext = options.currentContext ?? contexts[0]?.name;
  if (currentContext !== undefined && !contexts.some((c) => c.name === currentContext)) {
    throw new Error(`kubeconfig: no context ${currentContext}; the fixture's are ${contexts.map((c) => c.name).join(', ')}`);
  }
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: FIXTURE_CLUSTER_NAME, cluster: { server: fixture.url, 'certificate-authority-data': base64(fixture.caCertificate) } }],
    users,
    contexts,
    ...(currentContext ? { 'current-context': currentContext } : {}),
  };
  const dir = await mkdtemp(join(tmpdir(), 'continuity-kubeconfig-'));
  const path = join(dir, 'config');
  await writeFile(path, stringify(config), { mode: 0o600 });
  return { path, dir, contexts: contexts.map((c) => c.name), remove: () => rm(dir, { recursive: true, force: true }) };
}
