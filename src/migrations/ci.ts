// What the repository's CI runs: the commands that apply migrations, told
// apart by job purpose (a deploy job: push to the default branch, tags,
// releases, environments; a test job: pull requests, service containers,
// databases on localhost), and database tests, including a job that applies
// every up and then every down. GitHub Actions and GitLab CI are read as YAML
// jobs; other CI files line by line. `npm run X` / `make X` are followed one level.
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { dirOf, type RepoFiles } from './repo-files';
import type { MigrationTool } from './types';
import { lineAt, maskCode } from './tools/code-text';

const CI_FILE = /(^|\/)(\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.yml|\.circleci\/config\.yml|Jenkinsfile|azure-pipelines\.ya?ml|bitbucket-pipelines\.yml|\.buildkite\/[^/]+\.ya?ml|\.drone\.yml|cloudbuild\.ya?ml|\.travis\.yml)$/;

/** Commands that apply migrations with each tool. */
export const APPLY_COMMANDS: Record<MigrationTool, RegExp | null> = {
  sqitch: /\bsqitch\b[^\n]*\bdeploy\b/,
  supabase: /\bsupabase\s+(db\s+push|migration\s+up|db\s+reset)\b|supabase\/setup-cli[\s\S]*?supabase\s+(db\s+push|link)/,
  'golang-migrate': /\bmigrate\b[^\n]*\b(up|goto)\b|migrate\/migrate/,
  flyway: /\bflyway\b[^\n]*\bmigrate\b|flyway\/flyway|\bflywayMigrate\b|\bflyway:migrate\b/,
  liquibase: /\bliquibase\b[^\n]*\bupdate\b|liquibase-github-actions\/update/,
  dbmate: /\bdbmate\b[^\n]*\b(up|migrate)\b/,
  goose: /\bgoose\b[^\n]*\bup\b/,
  knex: /\bknex\b[^\n]*\bmigrate:(latest|up)\b/,
  typeorm: /\btypeorm\b[^\n]*\bmigration:run\b/,
  sequelize: /\bsequelize(-cli)?\b[^\n]*\bdb:migrate\b(?!:undo)/,
  'node-pg-migrate': /\bnode-pg-migrate\b[^\n]*\bup\b/,
  'db-migrate': /\bdb-migrate\b[^\n]*\bup\b/,
  'mikro-orm': /\bmikro-orm\b[^\n]*\bmigration:up\b/,
  kysely: /\bkysely\b[^\n]*\bmigrate[: ](latest|up)\b/,
  'js-migrations': /\bmigrat(e|ion)s?\b[^\n]*\b(up|latest|run)\b/,
  prisma: /\bprisma\s+migrate\s+(deploy|dev|reset)\b/,
  drizzle: /\bdrizzle-kit\s+migrate\b/,
  diesel: /\bdiesel\s+(migration\s+run|database\s+(setup|reset))\b/,
  sqlx: /\bsqlx\s+(migrate\s+run|database\s+(setup|reset))\b/,
  pop: /\b(soda|buffalo\s+pop)\s+migrate\b(?!\s+down)|\bmigrate\s+sql\b(?:\s+up)?(?!\s+(down|status))/,
  rails: /\b(rails|rake)\s+db:(migrate|prepare|setup)\b(?!:down|:redo)/,
  alembic: /\balembic\b[^\n]*\bupgrade\b/,
  django: /\bmanage\.py\s+migrate\b(?![^\n]*\bzero\b)/,
  laravel: /\bartisan\s+migrate(:fresh)?\b(?!:)/,
  'ef-core': /\bdotnet\s+ef\s+database\s+update\b|\befbundle\b/,
  ecto: /\bmix\s+ecto\.(migrate|setup|reset)\b/,
  'sql-files': null,
  'clickhouse-migrations': /\bclickhouse-migrations\s+migrate\b/,
  'gorm-automigrate': null,
  'sequelize-sync': null,
  'typeorm-synchronize': null,
  'hibernate-ddl-auto': null,
};

/** Commands that run every down (or the newest) with each tool; after the tool's apply in the same job they make a round-trip test. */
const REVERT_COMMANDS: Partial<Record<MigrationTool, RegExp>> = {
  sqitch: /\bsqitch\b[^\n]*\brevert\b/,
  'golang-migrate': /\bmigrate\b[^\n]*\bdown\b/,
  flyway: /\bflyway\b[^\n]*\bundo\b/,
  liquibase: /\bliquibase\b[^\n]*\brollback/,
  dbmate: /\bdbmate\b[^\n]*\b(rollback|down)\b/,
  goose: /\bgoose\b[^\n]*\b(down|reset|down-to)\b/,
  knex: /\bknex\b[^\n]*\bmigrate:(rollback|down)\b/,
  typeorm: /\btypeorm\b[^\n]*\bmigration:revert\b/,
  sequelize: /\bsequelize(-cli)?\b[^\n]*\bdb:migrate:undo/,
  'node-pg-migrate': /\bnode-pg-migrate\b[^\n]*\bdown\b/,
  'db-migrate': /\bdb-migrate\b[^\n]*\b(down|reset)\b/,
  'mikro-orm': /\bmikro-orm\b[^\n]*\bmigration:down\b/,
  kysely: /\bkysely\b[^\n]*\bmigrate[: ](rollback|down)\b/,
  'js-migrations': /\bmigrat(e|ion)s?\b[^\n]*\b(down|rollback|revert)\b/,
  diesel: /\bdiesel\s+migration\s+(revert|redo)\b/,
  sqlx: /\bsqlx\s+migrate\s+revert\b/,
  pop: /\b(soda|buffalo\s+pop)\s+migrate\s+down\b|\bmigrate\s+sql\s+down\b/,
  rails: /\b(rails|rake)\s+db:(rollback|migrate:down|migrate:redo)\b/,
  alembic: /\balembic\b[^\n]*\bdowngrade\b/,
  django: /\bmanage\.py\s+migrate\s+\w+\s+zero\b/,
  ecto: /\bmix\s+ecto\.rollback\b/,
  laravel: /\bartisan\s+migrate:(rollback|reset|refresh)\b/,
};

/** Apply commands made for development databases (`prisma migrate dev` resets a drifted one, `supabase db reset`, `artisan migrate:fresh` and `mix ecto.setup`/`ecto.reset` rebuild the local one). */
export const DEVELOPMENT_COMMANDS = /\bprisma\s+migrate\s+(dev|reset)\b|\bsupabase\s+db\s+reset\b|\bartisan\s+migrate:fresh\b|\bmix\s+ecto\.(setup|reset)\b/;

/** Commands that run database tests. */
const TEST_COMMANDS: { kind: string; pattern: RegExp }[] = [
  { kind: 'pgTAP (pg_prove)', pattern: /\bpg_prove\b/ },
  { kind: 'pgTAP (supabase test db)', pattern: /\bsupabase\s+test\s+db\b/ },
  { kind: 'sqitch verify', pattern: /\bsqitch\b[^\n]*\b(verify|deploy\b[^\n]*--verify)\b/ },
  { kind: 'continuity verify-migrations', pattern: /\bcontinuity\b[^\n]*\bverify-migrations\b/ },
];

/** deploy: the job applies to a real database (default branch, tags, releases, environments); test: pull requests, service containers, localhost. */
export type JobPurpose = 'deploy' | 'test' | 'unknown';

export interface CiCommand {
  file: string;
  line: number;
  command: string;
  /** The CI job, where the file has jobs (GitHub Actions, GitLab CI). */
  job?: string;
  purpose: JobPurpose;
  /** What told the purpose: `on: pull_request only`, `environment: production`, `service container postgres:16`. */
  why: string;
}

export interface CiFacts {
  files: string[];
  applies: (CiCommand & { tool: MigrationTool })[];
  tests: (CiCommand & { kind: string })[];
}

export async function npmScripts(repo: RepoFiles): Promise<Map<string, string>> {
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

/** A command line with what `npm run X` / `yarn X` / `make X` on it expand to, so a match is located at the line. */
export type Expander = (line: string) => string;

/** How deep scripts that run scripts are followed (`start` -> `npm-run-all check-db serve` -> `node scripts/check-db.js`). */
const EXPANSION_DEPTH = 4;

/** `sh ./clickhouse/scripts/up.sh`, `bash scripts/migrate.sh`: the shell script a command runs. */
const SHELL_SCRIPT = /\b(?:sh|bash)\s+(?:-\w+\s+)*(?:\.\/)?([\w./-]+\.sh)\b/g;

/** `node scripts/check-db.js` and the like: the script file a command runs. */
const NODE_SCRIPT = /\bnode\s+(?:-[\w-]+(?:=\S+)?\s+)*(?:\.\/)?([\w./-]+\.(?:c|m)?js)\b/g;

const STRING_LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;
/** `execSync('prisma migrate deploy')`, `spawn('prisma', ['migrate', 'deploy'])`: the command literal, then its argument list. */
const CHILD_PROCESS_CALL = new RegExp(
  String.raw`\b(?:execSync|execFileSync|spawnSync|exec|execFile|spawn|execa|execaSync|execaCommand)\s*\(\s*(${STRING_LITERAL.source})(?:\s*,\s*\[([^\]]*)\])?`,
  'gd',
);

/**
 * The commands a Node script runs through child_process or execa: the string
 * literals it passes to exec/execSync/spawn/execFile/execa (a command and its
 * argument list), not any other string of the file nor a call in a comment.
 */
function childProcessCommands(text: string): string[] {
  const commands: string[] = [];
  // Calls are found in the masked code (comments and string contents blanked, offsets kept), literals read from the text.
  for (const m of maskCode(text).matchAll(CHILD_PROCESS_CALL)) {
    const [commandStart, commandEnd] = m.indices![1]!;
    const list = m.indices![2];
    const args = list ? [...text.slice(list[0], list[1]).matchAll(STRING_LITERAL)].map((a) => a[0].slice(1, -1)) : [];
    commands.push([text.slice(commandStart + 1, commandEnd - 1), ...args].join(' '));
  }
  return commands;
}

export async function commandExpander(repo: RepoFiles): Promise<Expander> {
  const scripts = await npmScripts(repo);
  const targets = await makeTargets(repo);
  /** The repository's files a command names by a path relative to some folder (`./clickhouse/scripts/up.sh` after a cd). */
  const filesAt = (script: string) => repo.files.filter((f) => f === script || f.endsWith(`/${script}`));
  // The Node scripts npm scripts run, read once: what they run through child_process counts as run by the script.
  const nodeCommands = new Map<string, string>();
  for (const command of scripts.values()) {
    for (const m of command.matchAll(NODE_SCRIPT)) {
      const script = m[1]!;
      if (nodeCommands.has(script)) continue;
      const texts = await Promise.all(filesAt(script).map((f) => repo.read(f)));
      nodeCommands.set(script, texts.flatMap(childProcessCommands).join('\n'));
    }
  }
  // Shell scripts a command runs (`sh ./clickhouse/scripts/up.sh`): their lines, without comments and echoed text, count as run by it.
  const shellScripts = new Map<string, string>();
  for (const file of repo.files.filter((f) => f.endsWith('.sh'))) {
    const lines = (await repo.read(file)).split('\n').filter((line) => !/^\s*(#|echo\b|printf\b)/.test(line));
    shellScripts.set(file, lines.join('\n'));
  }
  const shellScript = (script: string) => filesAt(script).flatMap((file) => shellScripts.get(file) ?? []);
  const scriptNames = [...scripts.keys()];
  /** npm-run-all's names: `a`, or a glob such as `build:*` (`*` within one `:` segment, `**` across them). */
  const matchingScripts = (name: string) =>
    name.includes('*') ? scriptNames.filter((s) => new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^:]*').replace(/\u0000/g, '.*')}$`).test(s)) : [name];
  const expandOnce = (text: string): string[] => {
    const expanded: string[] = [];
    // A Dockerfile's exec form: CMD ["pnpm", "start-docker"] runs `pnpm start-docker`.
    for (const m of text.matchAll(/\[\s*"[^\]\n]*"\s*\]/g)) {
      try {
        const words = JSON.parse(m[0]) as unknown[];
        if (words.every((w) => typeof w === 'string')) expanded.push(words.join(' '));
      } catch {
        // not a JSON array of strings
      }
    }
    for (const m of text.matchAll(/\b(?:npm\s+run|yarn|pnpm(?:\s+run)?|bun\s+run)\s+([\w:.-]+)/g)) expanded.push(scripts.get(m[1]!) ?? '');
    for (const m of text.matchAll(/\b(?:npm-run-all|run-s|run-p)\b((?:[ \t]+[\w:.*@/"'-]+)+)/g)) {
      const names = m[1]!.trim().split(/\s+/).map((w) => w.replace(/^["']|["']$/g, '')).filter((w) => w !== '' && !w.startsWith('-'));
      for (const name of names) for (const script of matchingScripts(name)) expanded.push(scripts.get(script) ?? '');
    }
    for (const m of text.matchAll(/\bmake\s+((?:[\w.-]+\s*)+)/g)) for (const t of m[1]!.split(/\s+/)) expanded.push(targets.get(t) ?? '');
    for (const m of text.matchAll(NODE_SCRIPT)) expanded.push(nodeCommands.get(m[1]!) ?? '');
    for (const m of text.matchAll(SHELL_SCRIPT)) expanded.push(...shellScript(m[1]!));
    return expanded.filter((e) => e.trim() !== '');
  };
  return (line) => {
    const all = [line];
    let frontier = [line];
    const seen = new Set(frontier);
    for (let depth = 0; depth < EXPANSION_DEPTH && frontier.length > 0; depth++) {
      frontier = frontier.flatMap(expandOnce).filter((e) => !seen.has(e));
      for (const e of frontier) seen.add(e);
      all.push(...frontier);
    }
    return all.join('\n');
  };
}

/** One job of a CI file: its purpose and its command lines with their offsets. */
interface Job {
  name?: string;
  purpose: JobPurpose;
  why: string;
  commands: { text: string; offset: number }[];
}

const DATABASE_IMAGE = /\b(postgres|postgis|mysql|mariadb|clickhouse|timescale|supabase\/postgres|cockroachdb)\b/i;
const LOCAL_DATABASE = /(localhost|127\.0\.0\.1|@postgres[:/]|@db[:/])/;
const DEFAULT_BRANCHES = /^(main|master|release.*|production|prod|trunk)$/;
const DEPLOY_NAME = /\b(deploy|release|production|prod|rollout|promote)\b/i;
/** A job named for tests (`tests-web`, `e2e`, `integration-test`): without environment: it applies migrations to a throwaway database. */
const TEST_NAME = /(^|[\s_-])(tests?|e2e|integration|spec)([\s_-]|$)/i;

function plain(node: unknown): unknown {
  return node && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : node;
}

/** The script lines of a YAML node (a string, or a list of strings), with their offsets in the file. */
function scriptLines(text: string, node: unknown): { text: string; offset: number }[] {
  const nodes = isSeq(node) ? node.items : [node];
  return nodes.flatMap((item) => {
    if (!isScalar(item) || typeof item.value !== 'string') return [];
    const start = item.range?.[0] ?? 0;
    return item.value
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const at = text.indexOf(l.trim(), start);
        return { text: l, offset: at === -1 ? start : at };
      });
  });
}

function githubJobs(text: string, doc: Document): Job[] {
  const root = plain(doc.contents) as { on?: unknown; true?: unknown; name?: string } | null;
  // YAML 1.1 reads `on:` as true; the yaml package (1.2) keeps "on".
  const on = root?.on ?? root?.true;
  const triggers = typeof on === 'string' ? { [on]: null } : Array.isArray(on) ? Object.fromEntries(on.map((t) => [t, null])) : ((on ?? {}) as Record<string, unknown>);
  const names = Object.keys(triggers);
  const pullRequestOnly = names.length > 0 && names.every((t) => /^(pull_request|pull_request_target|merge_group)$/.test(t));
  // A workflow that also runs for pull requests runs their code: a job of it deploys only when it says so (environment:, an if: on the default branch).
  const runsForPullRequests = names.some((t) => /^(pull_request|pull_request_target|merge_group)$/.test(t));
  const push = triggers.push as { branches?: string[]; tags?: unknown } | null | undefined;
  const pushesDefault = push !== undefined && push !== null && (push.tags !== undefined || (push.branches ?? []).some((b) => DEFAULT_BRANCHES.test(b)));
  const deployTrigger = pushesDefault ? 'on: push to the default branch or tags' : names.find((t) => /^(release|workflow_dispatch|deployment|schedule|workflow_run)$/.test(t));
  const jobs = doc.get('jobs', true);
  if (!isMap(jobs)) return [];
  return jobs.items.map((pair) => {
    const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const job = pair.value;
    const body = (plain(job) ?? {}) as { environment?: unknown; services?: Record<string, { image?: string } | string>; if?: string; env?: Record<string, string>; name?: string };
    const steps = isMap(job) ? job.get('steps', true) : undefined;
    const commands = isSeq(steps) ? steps.items.flatMap((step) => (isMap(step) ? [...scriptLines(text, step.get('run', true)), ...scriptLines(text, step.get('uses', true))] : [])) : [];
    const environment = typeof body.environment === 'string' ? body.environment : (body.environment as { name?: string } | undefined)?.name;
    const service = Object.values(body.services ?? {}).map((s) => (typeof s === 'string' ? s : s.image ?? '')).find((image) => DATABASE_IMAGE.test(image));
    const stepEnv = JSON.stringify(plain(steps) ?? []);
    const localDatabase = Object.entries(body.env ?? {}).some(([k, v]) => /DATABASE|DB_|PG/.test(k) && LOCAL_DATABASE.test(String(v))) || /DATABASE_URL["']?\s*:\s*["']?[^"',}]*(localhost|127\.0\.0\.1)/.test(stepEnv);
    let purpose: JobPurpose = 'unknown';
    let why = `on: ${names.join(', ') || 'unknown trigger'}`;
    if (environment) [purpose, why] = ['deploy', `environment: ${environment}`];
    else if (service) [purpose, why] = ['test', `service container ${service}`];
    else if (localDatabase) [purpose, why] = ['test', 'database on localhost'];
    else if (body.if && /pull_request/.test(body.if)) [purpose, why] = ['test', `if: ${body.if}`];
    else if (TEST_NAME.test(`${name} ${body.name ?? ''}`)) [purpose, why] = ['test', `job ${name}`];
    else if (body.if && /refs\/(heads\/(main|master)|tags)|default_branch/.test(body.if)) [purpose, why] = ['deploy', `if: ${body.if}`];
    else if (pullRequestOnly) [purpose, why] = ['test', `on: ${names.join(', ')} only`];
    else if (runsForPullRequests) [purpose, why] = ['test', `on: ${names.join(', ')}: it runs for pull requests too`];
    else if (deployTrigger) [purpose, why] = ['deploy', deployTrigger.startsWith('on:') ? deployTrigger : `on: ${deployTrigger}`];
    else if (DEPLOY_NAME.test(`${name} ${body.name ?? ''} ${root?.name ?? ''}`)) [purpose, why] = ['deploy', `job ${name} of workflow ${root?.name ?? ''}`.trim()];
    return { name, purpose, why, commands };
  });
}

const GITLAB_RESERVED = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache', 'pages']);

function gitlabJobs(text: string, doc: Document): Job[] {
  if (!isMap(doc.contents)) return [];
  return doc.contents.items.flatMap((pair) => {
    const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if (name.startsWith('.') || GITLAB_RESERVED.has(name) || !isMap(pair.value)) return [];
    const job = pair.value;
    const body = (plain(job) ?? {}) as { environment?: unknown; services?: unknown[]; stage?: string; only?: unknown; rules?: unknown; variables?: Record<string, string> };
    const commands = ['before_script', 'script', 'after_script'].flatMap((key) => scriptLines(text, job.get(key, true)));
    const environment = typeof body.environment === 'string' ? body.environment : (body.environment as { name?: string } | undefined)?.name;
    const service = (body.services ?? []).map((s) => (typeof s === 'string' ? s : (s as { name?: string }).name ?? '')).find((image) => DATABASE_IMAGE.test(image));
    const when = JSON.stringify([body.only, body.rules]);
    let purpose: JobPurpose = 'unknown';
    let why = `stage ${body.stage ?? 'test'}`;
    if (environment) [purpose, why] = ['deploy', `environment: ${environment}`];
    else if (service) [purpose, why] = ['test', `service ${service}`];
    else if (Object.values(body.variables ?? {}).some((v) => LOCAL_DATABASE.test(String(v)))) [purpose, why] = ['test', 'database on localhost'];
    else if (/merge_request/.test(when)) [purpose, why] = ['test', 'runs for merge requests'];
    else if (/\b(main|master|tags)\b|CI_DEFAULT_BRANCH|CI_COMMIT_TAG/.test(when)) [purpose, why] = ['deploy', 'runs on the default branch or tags'];
    else if (DEPLOY_NAME.test(`${name} ${body.stage ?? ''}`)) [purpose, why] = ['deploy', `job ${name}, stage ${body.stage ?? ''}`.trim()];
    else if (/^test/.test(body.stage ?? 'test')) [purpose, why] = ['test', `stage ${body.stage ?? 'test'}`];
    return [{ name, purpose, why, commands }];
  });
}

/** Jobs of any other CI file: the whole file as one job whose purpose its name tells, if anything does. */
function lineJobs(file: string, text: string): Job[] {
  let offset = 0;
  const commands = text.split('\n').map((line) => {
    const command = { text: line, offset };
    offset += line.length + 1;
    return command;
  });
  return [{ purpose: DEPLOY_NAME.test(file) ? 'deploy' : 'unknown', why: DEPLOY_NAME.test(file) ? `file ${file}` : 'not a GitHub Actions or GitLab CI job', commands }];
}

function jobsOf(file: string, text: string): Job[] {
  if (/\.github\/workflows\/|\.gitlab-ci\.yml$/.test(file)) {
    try {
      const doc = parseDocument(text);
      if (doc.errors.length === 0) return file.includes('.github/') ? githubJobs(text, doc) : gitlabJobs(text, doc);
    } catch {
      // Unreadable YAML is read line by line below.
    }
  }
  return lineJobs(file, text);
}

export async function readCi(repo: RepoFiles, tools: MigrationTool[]): Promise<CiFacts> {
  const files = repo.files.filter((f) => CI_FILE.test(f));
  const expand = await commandExpander(repo);
  const facts: CiFacts = { files, applies: [], tests: [] };
  for (const file of files) {
    const text = await repo.read(file);
    for (const job of jobsOf(file, text)) {
      const where = (offset: number, command: string) => ({ file, line: lineAt(text, offset), command: command.trim().slice(0, 120), ...(job.name ? { job: job.name } : {}), purpose: job.purpose, why: job.why });
      const applied = new Set<MigrationTool>();
      for (const { text: line, offset } of job.commands) {
        const expanded = expand(line);
        for (const tool of tools) {
          const apply = APPLY_COMMANDS[tool]?.exec(expanded);
          const revert = REVERT_COMMANDS[tool]?.exec(expanded);
          if (apply && !facts.applies.some((a) => a.tool === tool && a.file === file && a.job === job.name)) {
            const development = DEVELOPMENT_COMMANDS.exec(apply[0]);
            // A command made for a development database applies nothing to production, whatever the job.
            facts.applies.push({ tool, ...where(offset, apply[0]), ...(development ? { purpose: 'test' as const, why: `\`${development[0]}\` applies to a development database` } : {}) });
          }
          if (apply) applied.add(tool);
          // Every up, then every down, in one job: the downs are exercised on a throwaway database.
          if (revert && applied.has(tool) && !facts.tests.some((t) => t.file === file && t.job === job.name && t.kind.startsWith('round trip'))) {
            facts.tests.push({ kind: `round trip (${tool} up, then down)`, ...where(offset, revert[0]) });
          }
        }
        for (const { kind, pattern } of TEST_COMMANDS) {
          const hit = pattern.exec(expanded);
          if (hit && !facts.tests.some((t) => t.kind === kind && t.file === file)) facts.tests.push({ kind, ...where(offset, hit[0]) });
        }
      }
    }
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
