// Which migrations a scan judges: with --since, those in files added after the
// ref (for tools that keep several migrations in one file, also files changed
// since); otherwise the newest N of each migration set (the policy's compatibility window).
import type { RepoFacts } from '../collectors/repo/facts';
import type { Migration, MigrationSet, MigrationTool } from './types';

export interface ScopedMigration {
  set: MigrationSet;
  migration: Migration;
}

/**
 * Tools whose files hold several migrations: a new Liquibase changeset is
 * usually appended to an existing changelog, so a changed file is in scope too.
 */
const SEVERAL_PER_FILE: ReadonlySet<MigrationTool> = new Set(['liquibase']);

export function migrationsInScope(facts: RepoFacts, window: number): ScopedMigration[] {
  const { since } = facts;
  // A set that holds another set's migrations for another database is counted there.
  return facts.sets.filter((set) => !set.variantOf && !set.autoMigration).flatMap((set) => {
    let chosen: Migration[];
    if (since) {
      const files = new Set(SEVERAL_PER_FILE.has(set.tool) ? [...since.added, ...since.modified] : since.added);
      chosen = set.migrations.filter((m) => files.has(m.up));
    } else chosen = set.migrations.slice(-window);
    return chosen.map((migration) => ({ set, migration }));
  });
}

/** Whether --since also counts changed files for some migration set of the repository. */
export function countsChangedFiles(facts: RepoFacts): boolean {
  return facts.sets.some((s) => SEVERAL_PER_FILE.has(s.tool));
}

/**
 * How the scope is described in answers: "all 12 migrations", "the newest 20
 * migrations", "the 540 newest migrations (up to 20 of each of 27 migration
 * sets)", or "the 3 migrations added since main".
 */
export function describeScope(facts: RepoFacts, inScope: ScopedMigration[], window: number): string {
  const count = inScope.length;
  if (facts.since) {
    const changed = countsChangedFiles(facts) ? ` (every changeset of a changelog added or changed since ${facts.since.ref} counts)` : '';
    return `the ${count} migration${count === 1 ? '' : 's'} added since ${facts.since.ref}${changed}`;
  }
  const sets = [...new Set(inScope.map((m) => m.set))];
  if (sets.every((set) => set.migrations.length <= window)) return `all ${count} migration${count === 1 ? '' : 's'}`;
  return sets.length === 1 ? `the newest ${window} migrations` : `the ${count} newest migrations (up to ${window} of each of ${sets.length} migration sets)`;
}

/** A directory as answers show it: relative to the repository root, `.` for the root itself. */
export function shownDirectory(directory: string): string {
  return directory === '' ? '.' : directory;
}

/** Whether a migration is linted: PostgreSQL sets only, and not a changeset written for other databases only (Liquibase `dbms`). */
export function linted(set: MigrationSet, migration: Migration): boolean {
  if (set.dialect !== 'postgresql') return false;
  const dialects = migration.dialects;
  if (!dialects || dialects.length === 0) return true;
  return dialects.some((d) => d === 'postgresql' || d === 'all') || (dialects.every((d) => d.startsWith('!')) && !dialects.includes('!postgresql'));
}
