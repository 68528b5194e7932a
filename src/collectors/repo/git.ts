import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class GitRefError extends Error {}

/** Files added under `root` since `ref` (committed or not, untracked included), relative to root. */
export async function filesAddedSince(root: string, ref: string): Promise<string[]> {
  if (ref.startsWith('-')) throw new GitRefError(`"${ref}" is not a git ref`);
  const git = (args: string[]) => run('git', ['-C', root, ...args], { maxBuffer: 64 * 1024 * 1024 });
  try {
    await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new GitRefError(`"${ref}" is not a commit in the git repository at ${root}`);
  }
  const [added, untracked] = await Promise.all([
    git(['diff', '--name-only', '--relative', '--diff-filter=A', '--no-renames', ref, '--']),
    git(['ls-files', '--others', '--exclude-standard']),
  ]);
  return [...new Set([...added.stdout.split('\n'), ...untracked.stdout.split('\n')].filter(Boolean))].sort();
}
