// How fast the CLI starts (`npm run bench -- startup`): the wall time of whole
// processes, each as a ratio to `node -e 0` on the same machine in the same run.
// Goal: `continuity --help` at most 4x `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ES module without type declarations
import { buildCli } from '../scripts/build.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 7;

/** Median wall time of a whole process, in ms (after one warm-up run for the file cache). */
function median(command: string[], cwd: string): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command[0]!, command.slice(1), { cwd, stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${command.join(' ')} exited ${result.status}`);
    if (i > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function run(): Promise<void> {
  await buildCli();
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'continuity-bench-startup-'));
  try {
    const cli = path.join(ROOT, 'bin/continuity.js');
    const repo = path.join(ROOT, 'test/fixtures/repos/golang-migrate');
    const cases: [string, string[]][] = [
      ['node -e 0', [process.execPath, '-e', '0']],
      ['continuity --help', [process.execPath, cli, '--help']],
      ['continuity scan --repo <small repo>', [process.execPath, cli, 'scan', '--repo', repo, '--no-history', '--format', 'json', '--out', path.join(cwd, 'out')]],
    ];
    const baseline = median(cases[0]![1], cwd);
    process.stdout.write(`median of ${RUNS} runs each, load average ${os.loadavg()[0]!.toFixed(1)}\n`);
    for (const [name, command] of cases) {
      const ms = name === 'node -e 0' ? baseline : median(command, cwd);
      process.stdout.write(`  ${name.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / baseline).toFixed(1).padStart(5)}x node -e 0\n`);
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}
