// The fact kinds, by scope, each derived from the collectors that produce it.
import type { DatastoreFactsByKind, DiscoveryFactsByKind } from '../datastores';
import type { ServiceCollector } from './types';
import type { SERVICE_FACT_COLLECTORS } from './registry';

/** Facts gathered per datastore, by kind. */
export type FactsByKind = DatastoreFactsByKind;

type ServiceFactCollector = (typeof SERVICE_FACT_COLLECTORS)[number];
/** Facts gathered per service (e.g. from its repository), by kind. */
export type ServiceFactsByKind = {
  [C in ServiceFactCollector as C['kind']]: C extends ServiceCollector<string, infer F> ? F : never;
};

/** Facts gathered once per scan about the whole estate (e.g. cloud discovery), by kind. */
export type EstateFactsByKind = DiscoveryFactsByKind;
