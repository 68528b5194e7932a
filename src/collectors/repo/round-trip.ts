// The round-trip collector behind `continuity verify-migrations`: it starts a
// throwaway embedded PostgreSQL, so it is not in the default scan.
import path from 'node:path';
import type { ServiceCollector } from '../../engine/types';
import { detectMigrations } from '../../migrations/detect';
import { listRepoFiles } from '../../migrations/repo-files';
import { verifyRoundTrips, type MigrationRoundTripFacts } from '../../migrations/verify';
import { repositoryName } from '.';

export const roundTripCollector: ServiceCollector<'migrationRoundTrip'> = {
  kind: 'migrationRoundTrip',
  appliesTo: (service) => service.repo !== undefined,
  async collect({ service, signal }): Promise<MigrationRoundTripFacts> {
    const repo = await listRepoFiles(path.resolve(service.repo!));
    const sets = await detectMigrations(repo);
    return verifyRoundTrips(repositoryName(service.repo!), sets, signal);
  },
};
