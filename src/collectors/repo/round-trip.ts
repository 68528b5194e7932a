// The round-trip collector behind `continuity verify-migrations`: it starts a
// throwaway embedded PostgreSQL, so it is not in the default scan.
import path from 'node:path';
import type { ServiceCollector } from '../../engine/types';
import type { MigrationRoundTripFacts } from '../../migrations/verify';
import { repositoryName } from '.';

export const roundTripCollector: ServiceCollector<'migrationRoundTrip', MigrationRoundTripFacts> = {
  kind: 'migrationRoundTrip',
  appliesTo: (service) => service.repo !== undefined,
  async collect({ service, signal }): Promise<MigrationRoundTripFacts> {
    const [{ detectMigrations }, { listRepoFiles }, { verifyRoundTrips }] = await Promise.all([
      import('../../migrations/detect'),
      import('../../migrations/repo-files'),
      import('../../migrations/verify'),
    ]);
    const repo = await listRepoFiles(path.resolve(service.repo!));
    const sets = await detectMigrations(repo);
    return verifyRoundTrips(repositoryName(service.repo!), sets, signal);
  },
};
