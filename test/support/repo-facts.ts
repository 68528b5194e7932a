// Repository facts for check tests, read from the fixture repositories.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RepoFacts } from '../../src/collectors/repo/facts';
import { resolvePolicy } from '../../src/config/policy';
import { ServiceSchema } from '../../src/config/schema';
import type { ServiceCheck, ServiceCheckInput } from '../../src/engine/types';
import { analyseRepository } from '../../src/migrations/detect';

export const FIXTURE_REPOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/repos');

export async function fixtureFacts(name: string): Promise<RepoFacts> {
  const analysis = await analyseRepository(path.join(FIXTURE_REPOS, name));
  return { root: name, sets: analysis.sets, lint: analysis.lint, ci: analysis.ci, pgTapTests: analysis.pgTapTests };
}

export function evaluateWith(check: ServiceCheck, facts: RepoFacts, policy = resolvePolicy({ policy: {} }, 'production')) {
  const input: ServiceCheckInput = {
    service: ServiceSchema.parse({ name: 'svc', repo: facts.root }),
    facts: { repo: { ok: true, facts } },
    datastores: [],
    policy,
    now: new Date('2025-01-01T00:00:00Z'),
  };
  return check.evaluate(input);
}
