// `npm run bench -- migrations`: a generated repository of 10,000 migration
// files holding 20,000 statements, linted by continuity's whole `scan --repo`
// process and by squawk-cli's whole process in the same run (the ratio is the
// figure to watch: the goal is continuity at least as fast as Squawk), then
// continuity in-process: repository walking, detection, parse + lint
// throughput, and the start-up of the CLI alone (`continuity --help`, and
// `node -e 0` as the floor).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { detectMigrations, lintSets } from '../src/migrations/detect';
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

async function timed(command: string, args: string[], options: { cwd: string; okCodes?: number[] }): Promise<number> {
  const started = process.hrtime.bigint();
  await exec(command, args, { cwd: options.cwd, maxBuffer: 512 * 1024 * 1024 }).catch((error: { code?: number }) => {
    if (!(options.okCodes ?? []).includes(error.code ?? -1)) throw error;
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function medianOf(times: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < RUNS; i++) values.push(await times());
  return median(values);
}

export async function run(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'continuity-bench-'));
  try {
    const repo = path.join(work, 'repo');
    const dir = path.join(repo, 'db/migrations');
    await mkdir(dir, { recursive: true });
    for (let i = 1; i <= FILES; i++) await writeFile(path.join(dir, `${String(i).padStart(6, '0')}_m${i}.up.sql`), migration(i));

    // Whole processes, as a CI job runs them.
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
    const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;
    const lintSeconds = ms(detected, linted) / 1000;
    process.stdout.write(
      [
        `repository: ${FILES} migration files, ${statements} statements (continuity lint: ${hits} rule hits)`,
        `whole process, median of ${RUNS}: continuity scan --repo ${continuity.toFixed(0)} ms; squawk ${squawk.toFixed(0)} ms; continuity / squawk = ${(continuity / squawk).toFixed(2)} (goal <= 1.00)`,
        `  of which CLI start-up: continuity --help ${help.toFixed(0)} ms (${(help / node).toFixed(1)}x node -e 0 at ${node.toFixed(0)} ms); scan without start-up ${(continuity - help).toFixed(0)} ms = ${((continuity - help) / squawk).toFixed(2)}x squawk`,
        `in process: walk ${ms(started, walked).toFixed(0)} ms, detect + read ${ms(walked, detected).toFixed(0)} ms, parse + lint ${ms(detected, linted).toFixed(0)} ms`,
        `parse + lint throughput: ${Math.round(statements / lintSeconds)} statements/s; end to end in process: ${Math.round(statements / (ms(started, linted) / 1000))} statements/s`,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
