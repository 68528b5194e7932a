import type { CiFacts } from '../../migrations/ci';
import type { LintedFile, MigrationSet } from '../../migrations/types';
import type { FilesChanged } from './git';

/** What a service's repository says about its migrations (kind `repo`). */
export interface RepoFacts {
  /** The repository path as configured (relative paths stay relative, for SARIF and reports). */
  root: string;
  sets: MigrationSet[];
  lint: LintedFile[];
  ci: CiFacts;
  /** pgTAP test files found in the repository. */
  pgTapTests: string[];
  /**
   * With `scan --since REF`: the files added and modified after REF (relative
   * to root). Migrations of added files are in scope, and of modified ones for
   * tools that keep several migrations in one file (migrationsInScope).
   */
  since?: { ref: string } & FilesChanged;
}
