// Detect every migration tool in a repository, read its migrations, and lint their SQL.
import { readCi, findPgTapTests, type CiFacts } from './ci';
import { lintMigration } from './lint';
import { listRepoFiles, type RepoFiles } from './repo-files';
import { loadParser, parseStatementsBatch, type ParsedStatement, type SqlParseError } from './sql';
import { LINT_RULES } from './rules';
import { detectCodeTools } from './tools/code-tools';
import { detectLiquibase } from './tools/liquibase';
import { detectSqlTools } from './tools/sql-tools';
import type { LintedFile, MigrationSet, SqlSource } from './types';

const PARSE_BATCH = 100;

export interface RepoAnalysis {
  root: string;
  sets: MigrationSet[];
  /** Lint results per migration file (every migration of every set). */
  lint: LintedFile[];
  ci: CiFacts;
  pgTapTests: string[];
}

export async function detectMigrations(repo: RepoFiles): Promise<MigrationSet[]> {
  await loadParser(); // down-script emptiness is judged with the parser
  return [...(await detectSqlTools(repo)), ...(await detectLiquibase(repo)), ...(await detectCodeTools(repo))];
}

/** Lint every migration's SQL; one migration is one unit ("created earlier in the same migration"). */
export function lintSets(sets: MigrationSet[]): LintedFile[] {
  const migrations = sets.flatMap((s) => s.migrations);
  // Parse in batches of scripts: one parser call per batch instead of per file.
  const parsed = new Map<SqlSource, ParsedStatement[] | SqlParseError>();
  const sources = migrations.flatMap((m) => m.sql);
  for (let i = 0; i < sources.length; i += PARSE_BATCH) {
    const batch = sources.slice(i, i + PARSE_BATCH);
    parseStatementsBatch(batch.map((s) => s.sql)).forEach((result, j) => parsed.set(batch[j]!, result));
  }
  const byPath = new Map<string, LintedFile>();
  for (const migration of migrations) {
    for (const file of lintMigration(migration.sql, LINT_RULES, migration.sql.map((s) => parsed.get(s)!))) {
      const known = byPath.get(file.path);
      if (!known) byPath.set(file.path, file);
      else {
        known.statements += file.statements;
        known.hits.push(...file.hits);
        known.parseError ??= file.parseError;
      }
    }
  }
  return [...byPath.values()];
}

export async function analyseRepository(root: string): Promise<RepoAnalysis> {
  const repo = await listRepoFiles(root);
  const sets = await detectMigrations(repo);
  const [ci, pgTapTests] = await Promise.all([readCi(repo, [...new Set(sets.map((s) => s.tool))]), findPgTapTests(repo)]);
  return { root, sets, lint: lintSets(sets), ci, pgTapTests };
}
