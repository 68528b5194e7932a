// The repository collector: one analysis per repository, however many services share it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepoCollector } from '../../src/collectors/repo';
import { resolvePolicy } from '../../src/config/policy';
import { ConfigSchema, ServiceSchema } from '../../src/config/schema';
import { createScanCache } from '../../src/engine/scan';
import type { ScanCache } from '../../src/engine/types';
import { silentLogger } from '../../src/log';
import { FIXTURE_REPOS } from '../support/repo-facts';

const REPO = path.join(FIXTURE_REPOS, 'dbmate');

function collect(name: string, shared: ScanCache) {
  const service = ServiceSchema.parse({ name, repo: REPO });
  return createRepoCollector().collect({
    config: ConfigSchema.parse({ services: [service] }),
    service,
    policy: resolvePolicy({ policy: {} }, 'production'),
    signal: new AbortController().signal,
    log: silentLogger,
    shared,
  });
}

describe('repo collector', () => {
  it('analyses a repository shared by several services once per scan', async () => {
    const shared = createScanCache();
    const api = await collect('api', shared);
    const worker = await collect('worker', shared);
    expect(worker.sets).toBe(api.sets);
    expect(worker.lint).toBe(api.lint);
    // Another scan analyses afresh.
    const next = await collect('api', createScanCache());
    expect(next.sets).not.toBe(api.sets);
    expect(next.sets).toEqual(api.sets);
  });
});
