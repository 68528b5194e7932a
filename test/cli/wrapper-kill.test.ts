// `tsx src/cli/main.ts serve` killed with SIGKILL (a cancelled CI job): the
// continuity process under the wrapper stops too, instead of living on as an
// orphan that races the next run on the same history.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { processAlive } from '../../src/history/file-lock';

const ROOT = path.resolve(import.meta.dirname, '../..');
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'continuity-wrapper-'));
  await mkdir(path.join(work, 'repo'), { recursive: true });
  await writeFile(path.join(work, 'continuity.yaml'), 'services:\n  - name: orders\n    repo: repo\nhistory:\n  dir: history\nserve:\n  port: 0\n  outDir: out\n');
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

it.skipIf(process.platform !== 'linux')('stops when the tsx wrapper it runs under is killed with SIGKILL', async () => {
  const wrapper = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/cli/main.ts'), 'serve', '--config', 'continuity.yaml'], {
    cwd: work,
    // tsx keeps its cache and relay socket in the temp dir: this test's own, removed with it.
    env: { ...process.env, TMPDIR: work },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let child: number | undefined;
  try {
    for await (const line of createInterface({ input: wrapper.stderr! })) {
      if (line.includes('"listening"')) break;
    }
    [child] = await childrenOf(wrapper.pid!);
    expect(child).toBeGreaterThan(0);
    expect(processAlive(child!)).toBe(true);
    wrapper.kill('SIGKILL');
    // Polled, not timed: the child notices its parent is gone within about a second.
    for (let i = 0; i < 100 && processAlive(child!); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processAlive(child!)).toBe(false);
  } finally {
    wrapper.kill('SIGKILL');
    if (child && processAlive(child)) process.kill(child, 'SIGKILL');
  }
}, 60_000);
