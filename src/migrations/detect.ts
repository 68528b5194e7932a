// Detect every migration tool in a repository, read its migrations, and lint their SQL.
import { readCi, findPgTapTests, type CiFacts } from './ci';
import { assignDialects } from './dialects';
import { lintMigration, newSetHistory } from './lint';
import { listRepoFiles, type RepoFiles } from './repo-files';
import { loadParser, parseStatementsBatch } from './sql';
import { LINT_RULES } from './rules';
import { findStartupApplies, type StartupApply } from './startup';
import { detectCodeTools } from './tools/code-tools';
import { detectLiquibase } from './tools/liquibase';
import { detectSqlTools, versionedSqlFiles } from './tools/sql-tools';
import { linted } from './scope';
import type { LintedFile, MigrationSet, SqlSource } from './types';

const PARSE_BATCH = 100;

export interface RepoAnalysis {
  sets: MigrationSet[];
  /** Lint results per migration file (every migration of every set). */
  lint: LintedFile[];
  ci: CiFacts;
  /** Migrations applied when the application starts or is released (startup.ts). */
  startup: StartupApply[];
  pgTapTests: string[];
}

/** Migrations of a build's test sources (`src/test/`, Go's `testdata/`) and of test stubs and fixtures never reach production. */
const TEST_SOURCES = /(^|\/)(src\/test|testdata|stubs?|fixtures?|__fixtures__)(\/|$)/;

export async function detectMigrations(repo: RepoFiles): Promise<MigrationSet[]> {
  await loadParser(); // down-script emptiness is judged with the parser
  const recognised = [...(await detectSqlTools(repo)), ...(await detectLiquibase(repo)), ...(await detectCodeTools(repo))];
  const sets = [...recognised, ...(await versionedSqlFiles(repo, recognised))].filter((s) => !TEST_SOURCES.test(s.directory));
  return assignDialects(repo, sets);
}

/**
 * Lint every PostgreSQL migration's SQL; one migration is one unit ("created
 * earlier in the same migration"); the migrations of a set run in order, so a
 * constraint validated or a routine created by an earlier one is known to later ones.
 */
export function lintSets(sets: MigrationSet[]): LintedFile[] {
  const units = sets.flatMap((set) => {
    const history = newSetHistory();
    return set.migrations.filter((m) => linted(set, m)).map((migration) => ({ migration, history }));
  });
  const byPath = new Map<string, LintedFile>();
  // Parse a batch of scripts with one parser call (a call has a fixed cost that dominates for small files), lint
  // it, and let its trees go before the next: holding every tree of a large repository at once costs more in
  // garbage collection than the parsing itself.
  for (let start = 0; start < units.length; ) {
    let end = start;
    let scripts = 0;
    while (end < units.length && (scripts === 0 || scripts + units[end]!.migration.sql.length <= PARSE_BATCH)) scripts += units[end++]!.migration.sql.length;
    const batch = units.slice(start, end);
    const sources: SqlSource[] = batch.flatMap((u) => u.migration.sql);
    const parsed = parseStatementsBatch(sources.map((source) => source.sql));
    let next = 0;
    for (const { migration, history } of batch) {
      const own = parsed.slice(next, (next += migration.sql.length));
      for (const file of lintMigration(migration.sql, LINT_RULES, own, history)) {
        const known = byPath.get(file.path);
        if (!known) byPath.set(file.path, file);
        else {
          known.statements += file.statements;
          known.hits.push(...file.hits);
          known.parseError ??= file.parseError;
          if (file.notAnalysed) (known.notAnalysed ??= []).push(...file.notAnalysed);
        }
      }
    }
    start = end;
  }
  return [...byPath.values()];
}

export async function analyseRepository(root: string): Promise<RepoAnalysis> {
  const repo = await listRepoFiles(root);
  const sets = await detectMigrations(repo);
  const [ci, startup, pgTapTests] = await Promise.all([readCi(repo, [...new Set(sets.map((s) => s.tool))]), findStartupApplies(repo), findPgTapTests(repo)]);
  return { sets, lint: lintSets(sets), ci, startup, pgTapTests };
}
