// Repository facts for check tests, read from the fixture repositories.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RepoFacts } from '../../src/collectors/repo/facts';
import { resolvePolicy } from '../../src/config/policy';
import { ServiceSchema } from '../../src/config/schema';
import type { ServiceCheck } from '../../src/engine/types';
import { CHECK_NOW, runCheck } from './check-tester';
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

/** Run a repository check on facts through the engine's pipeline. */
export function evaluateWith(check: ServiceCheck<'repo'>, facts: RepoFacts, policy = resolvePolicy({ policy: {} }, 'production')) {
  return runCheck(check, { service: ServiceSchema.parse({ name: 'svc', repo: facts.name }), facts, policy, now: CHECK_NOW });
}
