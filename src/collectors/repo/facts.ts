import type { CiFacts } from '../../migrations/ci';
import type { StartupApply } from '../../migrations/startup';
import type { LintedFile, MigrationSet } from '../../migrations/types';
import type { FilesChanged } from './git';

/** What a service's repository says about its migrations (kind `repo`). */
export interface RepoFacts {
  /**
   * The repository's directory name, for answers ("in repository bbq-inventory").
   * Never a path: every path in facts is relative to the repository root.
   */
  name: string;
  sets: MigrationSet[];
  lint: LintedFile[];
  ci: CiFacts;
  /** Migrations applied at start-up or release, found in code, entrypoints and manifests. */
  startup: StartupApply[];
  /** pgTAP test files found in the repository. */
  pgTapTests: string[];
  /**
   * With `scan --since REF`: the files added and modified after REF (relative
   * to root). Migrations of added files are in scope, and of modified ones for
   * tools that keep several migrations in one file (migrationsInScope).
   */
  since?: { ref: string } & FilesChanged;
}
