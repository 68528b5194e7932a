// `--repo PATH` and `--since REF`: scan a repository as a service of its own,
// or set the repository of the configured service(s).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigSchema, type Config } from '../config/schema';
import { createRepoCollector } from '../collectors/repo';
import type { ServiceCollector } from '../engine/types';

export class RepoOptionError extends Error {}

export async function assertDirectory(repo: string): Promise<void> {
  const info = await stat(repo).catch(() => undefined);
  if (!info?.isDirectory()) throw new RepoOptionError(`--repo ${repo}: not a directory`);
}

/** A config with just the repository as a service, named after its directory. */
export function repoOnlyConfig(repo: string): Config {
  const name = path.basename(path.resolve(repo)).replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'repository';
  return ConfigSchema.parse({ services: [{ name, repo }] });
}

/** Set the repository of the selected services, or of the only service. */
export function withRepo(config: Config, repo: string, services: string[] | undefined): Config {
  const targets = services && services.length > 0 ? services : config.services.length === 1 ? [config.services[0]!.name] : undefined;
  if (!targets) throw new RepoOptionError('--repo with a config of several services needs --service to say which one it belongs to');
  return { ...config, services: config.services.map((s) => (targets.includes(s.name) ? { ...s, repo } : s)) };
}

/** The service collectors, with the repository collector limited to files added since `since`. */
export function serviceCollectorsFor(collectors: ServiceCollector[], since: string | undefined): ServiceCollector[] {
  if (!since) return collectors;
  return collectors.map((c) => (c.kind === 'repo' ? (createRepoCollector({ since }) as ServiceCollector) : c));
}
