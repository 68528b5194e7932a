// Detect every migration tool in a repository, read its migrations, and lint their SQL.
import { readCi, findPgTapTests, type CiFacts } from './ci';
import { assignDialects } from './dialects';
import { listRepoFiles, type RepoFiles } from './repo-files';
import { loadParser } from './sql';
import { lintSetsInParallel, startLintHelper } from './parallel-lint';
import { findStartupApplies, type StartupApply } from './startup';
import { detectCodeTools } from './tools/code-tools';
import { detectLiquibase } from './tools/liquibase';
import { detectSqlTools } from './tools/sql-tools';
import type { LintedFile, MigrationSet } from './types';

export interface RepoAnalysis {
  sets: MigrationSet[];
  /** Lint results per migration file (every migration of every set). */
  lint: LintedFile[];
  ci: CiFacts;
  /** Migrations applied when the application starts or is released (startup.ts). */
  startup: StartupApply[];
  pgTapTests: string[];
}

export async function detectMigrations(repo: RepoFiles): Promise<MigrationSet[]> {
  await loadParser(); // down-script emptiness is judged with the parser
  return assignDialects(repo, [...(await detectSqlTools(repo)), ...(await detectLiquibase(repo)), ...(await detectCodeTools(repo))]);
}

export { lintSets } from './lint-units';

/** A repository with this many SQL files gets a second lint thread, started while its migrations are found. */
const SQL_FILES_FOR_A_HELPER = 1_000;

export async function analyseRepository(root: string): Promise<RepoAnalysis> {
  const repo = await listRepoFiles(root);
  const helper = repo.files.filter((f) => f.endsWith('.sql')).length >= SQL_FILES_FOR_A_HELPER ? startLintHelper() : undefined;
  try {
    const sets = await detectMigrations(repo);
    const [ci, startup, pgTapTests] = await Promise.all([readCi(repo, [...new Set(sets.map((s) => s.tool))]), findStartupApplies(repo), findPgTapTests(repo)]);
    return { sets, lint: await lintSetsInParallel(sets, helper), ci, startup, pgTapTests };
  } finally {
    await helper?.close();
  }
}
