// What the repository's CI runs: the migration tool (so migrations are applied
// by the pipeline, not by hand) and database tests. Read from the CI files,
// following `npm run X` and `make X` one level into package.json and Makefile.
import { dirOf, type RepoFiles } from './repo-files';
import type { MigrationTool } from './types';

const CI_FILE = /(^|\/)(\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.yml|\.circleci\/config\.yml|Jenkinsfile|azure-pipelines\.ya?ml|bitbucket-pipelines\.yml|\.buildkite\/[^/]+\.ya?ml|\.drone\.yml|cloudbuild\.ya?ml|\.travis\.yml)$/;

/** Commands that apply migrations with each tool. */
export const APPLY_COMMANDS: Record<MigrationTool, RegExp | null> = {
  sqitch: /\bsqitch\b[^\n]*\bdeploy\b/,
  supabase: /\bsupabase\s+(db\s+push|migration\s+up|db\s+reset)\b|supabase\/setup-cli[\s\S]*?supabase\s+(db\s+push|link)/,
  'golang-migrate': /\bmigrate\b[^\n]*\b(up|goto)\b|migrate\/migrate/,
  flyway: /\bflyway\b[^\n]*\bmigrate\b|flyway\/flyway/,
  liquibase: /\bliquibase\b[^\n]*\bupdate\b|liquibase-github-actions\/update/,
  dbmate: /\bdbmate\b[^\n]*\b(up|migrate)\b/,
  knex: /\bknex\b[^\n]*\bmigrate:(latest|up)\b/,
  typeorm: /\btypeorm\b[^\n]*\bmigration:run\b/,
  sequelize: /\bsequelize(-cli)?\b[^\n]*\bdb:migrate\b/,
  'node-pg-migrate': /\bnode-pg-migrate\b[^\n]*\bup\b/,
  'js-migrations': /\bmigrat(e|ion)s?\b[^\n]*\b(up|latest|run)\b/,
  prisma: /\bprisma\s+migrate\s+(deploy|dev|reset)\b/,
  rails: /\b(rails|rake)\s+db:(migrate|prepare|setup)\b/,
  alembic: /\balembic\b[^\n]*\bupgrade\b/,
  django: /\bmanage\.py\s+migrate\b/,
  'gorm-automigrate': null,
  'sequelize-sync': null,
  'typeorm-synchronize': null,
  'hibernate-ddl-auto': null,
};

/** Commands that run database tests. */
const TEST_COMMANDS: { kind: string; pattern: RegExp }[] = [
  { kind: 'pgTAP (pg_prove)', pattern: /\bpg_prove\b/ },
  { kind: 'pgTAP (supabase test db)', pattern: /\bsupabase\s+test\s+db\b/ },
  { kind: 'sqitch verify', pattern: /\bsqitch\b[^\n]*\b(verify|deploy\b[^\n]*--verify)\b/ },
  { kind: 'continuity verify-migrations', pattern: /\bcontinuity\b[^\n]*\bverify-migrations\b/ },
];

export interface CiCommand {
  file: string;
  line: number;
  command: string;
}

export interface CiFacts {
  files: string[];
  applies: (CiCommand & { tool: MigrationTool })[];
  tests: (CiCommand & { kind: string })[];
}

async function npmScripts(repo: RepoFiles): Promise<Map<string, string>> {
  const scripts = new Map<string, string>();
  for (const file of repo.named(/^package\.json$/)) {
    try {
      const parsed = JSON.parse(await repo.read(file)) as { scripts?: Record<string, string> };
      for (const [name, command] of Object.entries(parsed.scripts ?? {})) scripts.set(name, `${scripts.get(name) ?? ''}\n${command}`);
    } catch {
      // An unparseable package.json gives no scripts.
    }
  }
  return scripts;
}

async function makeTargets(repo: RepoFiles): Promise<Map<string, string>> {
  const targets = new Map<string, string>();
  for (const file of repo.named(/^(GNUmakefile|Makefile|makefile)$/)) {
    const text = await repo.read(file);
    for (const m of text.matchAll(/^([A-Za-z0-9_.-]+)\s*:[^=\n]*\n((?:\t[^\n]*\n?)*)/gm)) targets.set(m[1]!, `${targets.get(m[1]!) ?? ''}\n${m[2]}`);
  }
  return targets;
}

function firstMatch(text: string, pattern: RegExp): { index: number; text: string } | undefined {
  const m = pattern.exec(text);
  return m ? { index: m.index, text: m[0] } : undefined;
}

export async function readCi(repo: RepoFiles, tools: MigrationTool[]): Promise<CiFacts> {
  const files = repo.files.filter((f) => CI_FILE.test(f));
  const scripts = await npmScripts(repo);
  const targets = await makeTargets(repo);
  const facts: CiFacts = { files, applies: [], tests: [] };
  for (const file of files) {
    const text = await repo.read(file);
    // Each line, with what `npm run X` / `make X` on it expands to, so a match is located at the CI line.
    const lines = text.split('\n').map((line) => {
      const expanded = [line];
      for (const m of line.matchAll(/\b(?:npm\s+run|yarn|pnpm(?:\s+run)?)\s+([\w:.-]+)/g)) expanded.push(scripts.get(m[1]!) ?? '');
      for (const m of line.matchAll(/\bmake\s+((?:[\w.-]+\s*)+)/g)) for (const t of m[1]!.split(/\s+/)) expanded.push(targets.get(t) ?? '');
      return expanded.join('\n');
    });
    lines.forEach((line, index) => {
      for (const tool of tools) {
        const pattern = APPLY_COMMANDS[tool];
        const hit = pattern && firstMatch(line, pattern);
        if (hit && !facts.applies.some((a) => a.tool === tool && a.file === file)) {
          facts.applies.push({ tool, file, line: index + 1, command: hit.text.trim().slice(0, 120) });
        }
      }
      for (const { kind, pattern } of TEST_COMMANDS) {
        const hit = firstMatch(line, pattern);
        if (hit && !facts.tests.some((t) => t.kind === kind && t.file === file)) {
          facts.tests.push({ kind, file, line: index + 1, command: hit.text.trim().slice(0, 120) });
        }
      }
    });
  }
  return facts;
}

/** pgTAP test files in the repository (SQL files that call plan()/no_plan() and finish()). */
export async function findPgTapTests(repo: RepoFiles): Promise<string[]> {
  const candidates = repo.files.filter((f) => /\.(sql|pg)$/.test(f) && /(^|\/)(t|test|tests|supabase\/tests)(\/|$)/.test(dirOf(f)));
  const found: string[] = [];
  for (const file of candidates) {
    const text = await repo.read(file);
    if (/\b(no_)?plan\s*\(/i.test(text) && /\bfinish\s*\(/i.test(text)) found.push(file);
  }
  return found;
}

