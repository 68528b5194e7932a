import type { CiFacts } from '../../migrations/ci';
import type { LintedFile, MigrationSet } from '../../migrations/types';

/** What a service's repository says about its migrations (kind `repo`). */
export interface RepoFacts {
  /** The repository path as configured (relative paths stay relative, for SARIF and reports). */
  root: string;
  sets: MigrationSet[];
  lint: LintedFile[];
  ci: CiFacts;
  /** pgTAP test files found in the repository. */
  pgTapTests: string[];
  /** With `scan --since REF`: the files added after REF (relative to root); only their migrations are in scope. */
  since?: { ref: string; added: string[] };
}
