// The collectors a scan runs: datastore collectors and discovery from the
// datastore modules (src/datastores/index.ts), repository collectors here.
import { repoCollector } from '../collectors/repo';
import { roundTripCollector } from '../collectors/repo/round-trip';
import type { ServiceCollector } from './types';

export { DATASTORE_COLLECTORS, DISCOVERY_COLLECTORS as ESTATE_COLLECTORS } from '../datastores';

/** Every service-level collector; the round trip runs only in `continuity verify-migrations`. */
export const SERVICE_FACT_COLLECTORS = [repoCollector, roundTripCollector] as const;

/** The service collectors of a default scan. */
export const SERVICE_COLLECTORS: ServiceCollector[] = [repoCollector];
