// kubernetes.inCluster: continuity in a pod reads the API server with the
// pod's service account (KUBERNETES_SERVICE_HOST/PORT, and the token, CA and
// namespace the kubelet mounts at /var/run/secrets/kubernetes.io/serviceaccount).
// The CLI runs in a mount namespace of its own (unshare, as root) where a tmpfs
// over /run holds that service account, so the machine's /run is never touched.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model';
import { startKubernetesFixture, type KubernetesFixture } from '../support/kubernetes-fixture-server';
import { cnpgClusterCase } from '../support/kubernetes-objects';
import { FIXTURE_USERS, SCANNER } from './support';

const ROOT = path.resolve(import.meta.dirname, '../..');
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', 'true']).status === 0;

let fixture: KubernetesFixture;
let dir: string;

beforeAll(async () => {
  if (!canUnshare) return;
  fixture = await startKubernetesFixture({ users: FIXTURE_USERS, objects: cnpgClusterCase({ namespace: 'inventory', name: 'ledger', now: new Date() }) });
  dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-in-cluster-'));
  const account = path.join(dir, 'serviceaccount');
  await mkdir(account);
  await writeFile(path.join(account, 'token'), FIXTURE_USERS.find((u) => u.name === SCANNER)!.token!);
  await writeFile(path.join(account, 'ca.crt'), fixture.caCertificate);
  await writeFile(path.join(account, 'namespace'), 'continuity');
  await writeFile(
    path.join(dir, 'continuity.yaml'),
    `kubernetes:
  inCluster: true
services:
  - name: inventory
    environment: production
    datastores:
      - name: ledger
        type: cnpg-cluster
        namespace: inventory
        cluster: ledger
        backupPolicy: https://wiki.acme.dev/continuity/ledger
`,
  );
}, 60_000);

afterAll(async () => {
  await fixture?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function scanInPod(): Promise<{ code: number | null; stderr: string }> {
  const script = 'mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io && cp -r "$ACCOUNT" /run/secrets/kubernetes.io/serviceaccount && exec "$NODE" "$BIN" scan --config "$CONFIG" --out "$OUT" --no-history';
  const child = spawn('unshare', ['--mount', 'sh', '-c', script], {
    cwd: dir,
    env: {
      ...process.env,
      ACCOUNT: path.join(dir, 'serviceaccount'),
      NODE: process.execPath,
      BIN: path.join(ROOT, 'bin/continuity.js'),
      CONFIG: path.join(dir, 'continuity.yaml'),
      OUT: path.join(dir, 'out'),
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: new URL(fixture.url).port,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe.skipIf(!canUnshare)('kubernetes.inCluster', () => {
  it("reads the cluster with the pod's service account token and CA", async () => {
    const result = await scanInPod();
    expect(result.stderr).not.toMatch(/not running in a pod|cannot reach/);
    expect(result.code).toBe(0);
    const scan = JSON.parse(await readFile(path.join(dir, 'out', 'scan.json'), 'utf8')) as ScanResult;
    const window = scan.services[0]!.findings.find((f) => f.checkId === 'kubernetes.recovery-window');
    // A pass only because the operator reports archiving working (ContinuousArchiving True); there is no url to contradict it.
    expect(window?.status).toBe('pass');
    expect(window?.message).toMatch(/^CloudNativePG Cluster inventory\/ledger has 30 days of point-in-time recovery \(since \S+\), retention 30d; policy requires 30$/);
    expect(fixture.requests.length).toBeGreaterThan(0);
    expect(new Set(fixture.requests.map((r) => r.user))).toEqual(new Set([SCANNER]));
    fixture.assertNoViolations();
  }, 120_000);
});
