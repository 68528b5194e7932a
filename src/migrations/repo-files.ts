// The files of a repository, listed once and read on demand. Monorepos are
// walked below the root; dependency and build folders are left out.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const SKIPPED_DIRECTORIES = new Set([
  '.git',
  'node_modules',
  'vendor',
  'dist',
  'build',
  'target',
  '.venv',
  'venv',
  '__pycache__',
  '.next',
  '.terraform',
  'coverage',
  '.cache',
  'bower_components',
]);

/** Walking stops with RepoTooLargeError past this many files; folders deeper than MAX_DEPTH are not entered. */
const MAX_FILES = 200_000;
const MAX_DEPTH = 12;

export interface RepoFiles {
  root: string;
  /** Every file, relative to root with forward slashes, sorted. */
  files: string[];
  /** Whether the file exists (a set lookup: tools probe for many companion files). */
  has(relative: string): boolean;
  read(relative: string): Promise<string>;
  /** Files whose base name matches. */
  named(pattern: RegExp): string[];
}

export class RepoTooLargeError extends Error {}

export async function listRepoFiles(root: string): Promise<RepoFiles> {
  const files: string[] = [];
  const queue: { dir: string; depth: number }[] = [{ dir: '', depth: 0 }];
  while (queue.length > 0) {
    const { dir, depth } = queue.shift()!;
    const entries = await readdir(path.join(root, dir), { withFileTypes: true });
    for (const entry of entries) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && depth < MAX_DEPTH) queue.push({ dir: relative, depth: depth + 1 });
      } else if (entry.isFile()) {
        files.push(relative);
        if (files.length > MAX_FILES) throw new RepoTooLargeError(`more than ${MAX_FILES} files in the repository ${path.basename(root)}`);
      }
    }
  }
  files.sort();
  const present = new Set(files);
  const cache = new Map<string, Promise<string>>();
  // Every tool detector asks for files by base name: take each file's once.
  let bases: string[] | undefined;
  return {
    root,
    files,
    has: (relative) => present.has(relative),
    read(relative) {
      let text = cache.get(relative);
      if (!text) {
        // Migration files are small and many: one synchronous read costs far less than a trip through the thread pool.
        try {
          text = Promise.resolve(readFileSync(path.join(root, relative), 'utf8'));
        } catch (error) {
          text = Promise.reject(error);
        }
        cache.set(relative, text);
      }
      return text;
    },
    named(pattern) {
      bases ??= files.map((f) => f.slice(f.lastIndexOf('/') + 1));
      return files.filter((_, i) => pattern.test(bases![i]!));
    },
  };
}

/** The directory part of a relative path ('' for the root). */
export function dirOf(relative: string): string {
  const dir = path.posix.dirname(relative);
  return dir === '.' ? '' : dir;
}

export function baseOf(relative: string): string {
  return path.posix.basename(relative);
}
