// Small repositories written for one test: files from a map, removed by the caller's afterAll.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listRepoFiles, type RepoFiles } from '../../src/migrations/repo-files';

export interface TempRepos {
  /** Write the files into a fresh directory and list it. */
  create(files: Record<string, string>): Promise<RepoFiles & { dir: string }>;
  /** Remove every directory created. */
  cleanup(): Promise<void>;
}

export function tempRepos(): TempRepos {
  const dirs: string[] = [];
  return {
    async create(files) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-repo-'));
      dirs.push(dir);
      for (const [file, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), content);
      }
      return { ...(await listRepoFiles(dir)), dir };
    },
    async cleanup() {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    },
  };
}
