import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class GitRefError extends Error {}

export interface FilesChanged {
  /** Added since the ref, committed or not, untracked included. */
  added: string[];
  /** Present at the ref and modified since. */
  modified: string[];
}

/** Files under `root` added or modified since `ref`, relative to root; errors name the repository by `name`, not by its path. */
export async function filesChangedSince(root: string, ref: string, name: string): Promise<FilesChanged> {
  if (ref.startsWith('-')) throw new GitRefError(`"${ref}" is not a git ref`);
  const git = (args: string[]) => run('git', ['-C', root, ...args], { maxBuffer: 64 * 1024 * 1024 });
  try {
    await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new GitRefError(`"${ref}" is not a commit in the git repository ${name}`);
  }
  const [diff, untracked] = await Promise.all([
    git(['diff', '-z', '--name-status', '--relative', '--diff-filter=AM', '--no-renames', ref, '--']),
    git(['ls-files', '-z', '--others', '--exclude-standard']),
  ]);
  // -z output: status and path alternate, NUL-separated (no quoting of unusual names).
  const fields = diff.stdout.split('\0');
  const added = new Set(untracked.stdout.split('\0').filter(Boolean));
  const modified = new Set<string>();
  for (let i = 0; i + 1 < fields.length; i += 2) (fields[i] === 'A' ? added : modified).add(fields[i + 1]!);
  return { added: [...added].sort(), modified: [...modified].sort() };
}
