// The repository collector: migration tools, their migrations, the lint of
// their SQL, and what CI runs. Reads files only; never runs repository code.
import path from 'node:path';
import type { ServiceCollector } from '../../engine/types';
import type { RepoFacts } from './facts';
import { filesChangedSince } from './git';

/** The repository path as shown in reports: relative stays relative, with forward slashes. */
export function displayRoot(repo: string): string {
  const normal = path.normalize(repo).split(path.sep).join('/');
  return normal === '' ? '.' : normal.replace(/\/$/, '');
}

export function createRepoCollector(options: { since?: string } = {}): ServiceCollector<'repo', RepoFacts> {
  return {
    kind: 'repo',
    appliesTo: (service) => service.repo !== undefined,
    async collect({ service, log, shared }): Promise<RepoFacts> {
      const root = path.resolve(service.repo!);
      // Services that share a repository (--repo with several --service) share one analysis.
      const { analysis, since } = await shared.once(`repo:${root}\u0000${options.since ?? ''}`, async () => {
        // The SQL parser (WebAssembly) loads only when a repository is analysed.
        const { analyseRepository } = await import('../../migrations/detect');
        return {
          analysis: await analyseRepository(root),
          since: options.since ? { ref: options.since, ...(await filesChangedSince(root, options.since)) } : undefined,
        };
      });
      log.debug({ sets: analysis.sets.length, files: analysis.lint.length }, 'repository analysed');
      return {
        root: displayRoot(service.repo!),
        sets: analysis.sets,
        lint: analysis.lint,
        ci: analysis.ci,
        pgTapTests: analysis.pgTapTests,
        ...(since ? { since } : {}),
      };
    },
  };
}

export const repoCollector = createRepoCollector();
