// Which migrations a scan judges: with --since, those added after the ref;
// otherwise the newest N of each migration set (the policy's compatibility window).
import path from 'node:path';
import type { RepoFacts } from '../collectors/repo/facts';
import type { Migration, MigrationSet } from './types';

export interface ScopedMigration {
  set: MigrationSet;
  migration: Migration;
}

export function migrationsInScope(facts: RepoFacts, window: number): ScopedMigration[] {
  const added = facts.since ? new Set(facts.since.added) : undefined;
  return facts.sets.flatMap((set) => {
    const chosen = added ? set.migrations.filter((m) => added.has(m.up)) : set.migrations.slice(-window);
    return chosen.map((migration) => ({ set, migration }));
  });
}

/** How the scope is described in answers: "the newest 20 migrations" or "the 3 migrations added since main". */
export function describeScope(facts: RepoFacts, count: number, window: number): string {
  if (facts.since) return `the ${count} migration${count === 1 ? '' : 's'} added since ${facts.since.ref}`;
  return count < window ? `all ${count} migration${count === 1 ? '' : 's'}` : `the newest ${window} migrations of each tool`;
}

/** A repository file as reports and SARIF show it: under the configured repository path. */
export function repoPath(facts: RepoFacts, file: string): string {
  return facts.root === '.' ? file : path.posix.join(facts.root, file);
}

export function toolLabel(set: MigrationSet): string {
  return `${set.tool} (${set.directory || '.'})`;
}
