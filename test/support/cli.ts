import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the real CLI in a child process, as a user would. By default in a fresh
 * directory, removed when the command ends, so the history each scan keeps
 * (.continuity/) is neither shared between tests running in parallel nor left behind.
 */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const ownCwd = options.cwd ? undefined : mkdtempSync(path.join(os.tmpdir(), 'continuity-cli-cwd-'));
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/continuity.js'), ...args], {
      cwd: options.cwd ?? ownCwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  }).finally(() => {
    if (ownCwd) rmSync(ownCwd, { recursive: true, force: true });
  });
}
