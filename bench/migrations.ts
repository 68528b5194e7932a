// `npm run bench -- migrations`: a generated repository of 10,000 migration
// files holding 20,000 statements, linted by continuity's whole `scan --repo`
// process and by squawk-cli's whole process in the same run, side by side
// (the ratio is the figure to watch: the goal is continuity at least as fast
// as Squawk), in wall time and, on Linux, CPU time (on a loaded machine the
// CPU ratio is the steadier one); then continuity in-process: repository
// walking, detection, parse + lint throughput, the same 20,000 statements as
// one file (a pass over a file's statements that is quadratic shows there),
// and the start-up of the CLI alone (`continuity --help`, `node -e 0` as the floor).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { detectMigrations, lintSets } from '../src/migrations/detect';
import { lintMigration } from '../src/migrations/lint';
import { listRepoFiles } from '../src/migrations/repo-files';
import { loadParser } from '../src/migrations/sql';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const FILES = 10_000;
const RUNS = 3;

/** Two statements of the kinds real migrations hold, breaking or not. */
function migration(i: number): string {
  switch (i % 5) {
    case 0:
      return `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX t${i}_name_idx ON t${i} (name);\n`;
    case 1:
      return `SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN c${i} integer;\n`;
    case 2:
      return `ALTER TABLE orders ADD CONSTRAINT c${i}_positive CHECK (c${i - 1} > 0) NOT VALID;\nCOMMENT ON COLUMN orders.c${i - 1} IS 'generated column ${i}';\n`;
    case 3:
      return `CREATE INDEX orders_c${i}_idx ON orders (c${i - 2});\nCREATE FUNCTION f${i}() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN ${i}; END $$;\n`;
    default:
      return `ALTER TABLE orders RENAME COLUMN old${i} TO new${i};\nUPDATE orders SET status = 'new' WHERE status IS NULL;\n`;
  }
}

/** CPU time (user + system, ms) of this process's waited-for children, from /proc/self/stat; undefined off Linux. */
function childrenCpu(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // cutime and cstime, fields 16 and 17 of proc(5), in clock ticks (100 per second on Linux).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

interface Timing {
  wallMs: number;
  cpuMs?: number;
}

async function timed(command: string, args: string[], options: { cwd: string; okCodes?: number[] }): Promise<Timing> {
  const cpuBefore = childrenCpu();
  const started = process.hrtime.bigint();
  await exec(command, args, { cwd: options.cwd, maxBuffer: 512 * 1024 * 1024 }).catch((error: { code?: number }) => {
    if (!(options.okCodes ?? []).includes(error.code ?? -1)) throw error;
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuAfter = childrenCpu();
  return { wallMs, ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function medianOf(times: () => Promise<Timing>): Promise<Timing> {
  const values: Timing[] = [];
  for (let i = 0; i < RUNS; i++) values.push(await times());
  const cpu = values.map((v) => v.cpuMs).filter((v): v is number => v !== undefined);
  return { wallMs: median(values.map((v) => v.wallMs)), ...(cpu.length === values.length ? { cpuMs: median(cpu) } : {}) };
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

export async function run(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'continuity-bench-'));
  try {
    const repo = path.join(work, 'repo');
    const dir = path.join(repo, 'db/migrations');
    await mkdir(dir, { recursive: true });
    for (let i = 1; i <= FILES; i++) await writeFile(path.join(dir, `${String(i).padStart(6, '0')}_m${i}.up.sql`), migration(i));

    // Whole processes, as a CI job runs them; the CLI is built first, so it runs the source measured below.
    await exec(process.execPath, [path.join(ROOT, 'scripts/build.mjs')]);
    const cli = [path.join(ROOT, 'bin/continuity.js')];
    const continuity = await medianOf(() => timed(process.execPath, [...cli, 'scan', '--repo', repo, '--format', 'json', '--out', path.join(work, 'out'), '--no-history'], { cwd: work }));
    const squawkBin = path.join(ROOT, 'node_modules/.bin/squawk');
    // Squawk exits 1 when it reports something.
    const squawk = await medianOf(() => timed(squawkBin, ['--reporter', 'json', '--pg-version', '17.0', 'repo/db/migrations/*.sql'], { cwd: work, okCodes: [1] }));
    const help = await medianOf(() => timed(process.execPath, [...cli, '--help'], { cwd: work }));
    const node = await medianOf(() => timed(process.execPath, ['-e', '0'], { cwd: work }));

    // In-process stages of continuity's scan.
    await loadParser();
    const started = process.hrtime.bigint();
    const files = await listRepoFiles(repo);
    const walked = process.hrtime.bigint();
    const sets = await detectMigrations(files);
    const detected = process.hrtime.bigint();
    const lint = lintSets(sets);
    const linted = process.hrtime.bigint();
    const statements = lint.reduce((n, f) => n + f.statements, 0);
    const hits = lint.reduce((n, f) => n + f.hits.length, 0);
    const between = (from: bigint, to: bigint) => Number(to - from) / 1e6;

    // The same statements as one migration file.
    const whole = Array.from({ length: FILES }, (_, i) => migration(i + 1)).join('');
    const oneFileStarted = process.hrtime.bigint();
    const oneFile = lintMigration([{ path: 'all.up.sql', sql: whole, line: 1, transaction: 'implicit' }]);
    const oneFileMs = between(oneFileStarted, process.hrtime.bigint());
    const oneFileStatements = oneFile.reduce((n, f) => n + f.statements, 0);

    const perSecond = (count: number, millis: number) => `${Math.round(count / (millis / 1000))} statements/s`;
    const cpu = (t: Timing) => (t.cpuMs !== undefined ? ms(t.cpuMs) : 'n/a');
    const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? (a / b).toFixed(2) : 'n/a');
    const row = (name: string, t: Timing) => `  ${name.padEnd(26)} ${ms(t.wallMs).padStart(10)} ${cpu(t).padStart(10)}   ${perSecond(statements, t.wallMs)}`;
    process.stdout.write(
      [
        `repository: ${FILES} migration files, ${statements} statements (continuity lint: ${hits} rule hits)`,
        `whole process, median of ${RUNS}:           wall   CPU (user+sys)`,
        row('continuity scan --repo', continuity),
        row('squawk-cli', squawk),
        `  continuity / squawk:       wall ${ratio(continuity.wallMs, squawk.wallMs)}, CPU ${ratio(continuity.cpuMs, squawk.cpuMs)} (goal <= 1.00)`,
        `  of which CLI start-up: continuity --help ${ms(help.wallMs)} wall, ${cpu(help)} CPU (node -e 0: ${ms(node.wallMs)}, ${cpu(node)}); scan without start-up ${((continuity.wallMs - help.wallMs) / squawk.wallMs).toFixed(2)}x squawk's wall`,
        `in process: walk ${ms(between(started, walked))}, detect + read ${ms(between(walked, detected))}, parse + lint ${ms(between(detected, linted))}`,
        `parse + lint throughput: ${perSecond(statements, between(detected, linted))}; end to end in process: ${perSecond(statements, between(started, linted))}`,
        `the same statements as one file: parse + lint ${ms(oneFileMs)}, ${perSecond(oneFileStatements, oneFileMs)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
