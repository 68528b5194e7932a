// Repository facts for check tests, read from the fixture repositories.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RepoFacts } from '../../src/collectors/repo/facts';
import { resolvePolicy } from '../../src/config/policy';
import { ServiceSchema } from '../../src/config/schema';
import type { ServiceCheck, ServiceCheckInput } from '../../src/engine/types';
import { analyseRepository, lintSets } from '../../src/migrations/detect';
import { loadParser } from '../../src/migrations/sql';
import type { Migration, MigrationSet } from '../../src/migrations/types';

export const FIXTURE_REPOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/repos');

export async function fixtureFacts(name: string): Promise<RepoFacts> {
  return { name, ...(await analyseRepository(path.join(FIXTURE_REPOS, name))) };
}

/** A golang-migrate set of the given up scripts (`db/N_name.up.sql`), without downs. */
export function upScripts(scripts: Record<string, string>): MigrationSet {
  const migrations = Object.entries(scripts).map(([name, sql]): Migration => {
    const up = `db/${name}.up.sql`;
    return { id: name, up, down: { status: 'missing' }, sql: [{ path: up, sql, line: 1, transaction: 'implicit' }] };
  });
  return { tool: 'golang-migrate', directory: 'db', marker: migrations[0]!.up, forwardOnly: false, autoMigration: false, migrations, notes: [], dialect: 'postgresql', dialectSource: 'test' };
}

/** Repository facts for migration sets built in the test, linted as the collector would. */
export async function factsOf(sets: MigrationSet[]): Promise<RepoFacts> {
  await loadParser();
  return { name: 'repo', sets, lint: lintSets(sets), ci: { files: [], applies: [], tests: [] }, startup: [], pgTapTests: [] };
}

export function evaluateWith(check: ServiceCheck, facts: RepoFacts, policy = resolvePolicy({ policy: {} }, 'production')) {
  const input: ServiceCheckInput = {
    service: ServiceSchema.parse({ name: 'svc', repo: facts.name }),
    facts: { repo: { ok: true, facts } },
    datastores: [],
    policy,
    now: new Date('2025-01-01T00:00:00Z'),
  };
  return check.evaluate(input);
}
