// The repository collector: migration tools, their migrations, the lint of
// their SQL, and what CI runs. Reads files only; never runs repository code.
import path from 'node:path';
import type { ServiceCollector } from '../../engine/types';
import type { RepoFacts } from './facts';
import { filesChangedSince } from './git';

/** The repository as answers name it: its directory's name, never a path of the machine that scans it. */
export function repositoryName(repo: string): string {
  return path.basename(path.resolve(repo)) || 'repository';
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
          since: options.since ? { ref: options.since, ...(await filesChangedSince(root, options.since, repositoryName(root))) } : undefined,
        };
      });
      log.debug({ sets: analysis.sets.length, files: analysis.lint.length }, 'repository analysed');
      return {
        name: repositoryName(root),
        sets: analysis.sets,
        lint: analysis.lint,
        ci: analysis.ci,
        startup: analysis.startup,
        pgTapTests: analysis.pgTapTests,
        ...(since ? { since } : {}),
      };
    },
  };
}

export const repoCollector = createRepoCollector();
