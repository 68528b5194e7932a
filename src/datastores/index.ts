// Every datastore type, one line each. The config union, its JSON Schema, the
// collector registry and the fact-kind map are all built from this list.
import { z } from 'zod';
import type { Collector, EstateCollector } from '../engine/types';
import { backupPolicyLinkCollector } from './backup-policy-link';
import { cnpgClusterModule } from './cnpg-cluster';
import { crunchyPostgresClusterModule } from './crunchy-postgrescluster';
import { k8sPvcModule } from './k8s-pvc';
import { clickhouseModule } from './clickhouse';
import type { DatastoreModule, PostgresTarget } from './module';
import { postgresModule } from './postgres';
import { rdsClusterModule } from './rds-cluster';
import { rdsInstanceModule } from './rds-instance';
import { s3BucketModule } from './s3-bucket';
import { supabaseProjectModule } from './supabase-project';

export const DATASTORE_MODULES = [
  postgresModule,
  supabaseProjectModule,
  rdsInstanceModule,
  rdsClusterModule,
  s3BucketModule,
  cnpgClusterModule,
  crunchyPostgresClusterModule,
  k8sPvcModule,
  clickhouseModule,
] as const;

type Modules = (typeof DATASTORE_MODULES)[number];

/** Collectors that run for every datastore, whatever its type. */
const COMMON_COLLECTORS = [backupPolicyLinkCollector] as const;

type SchemasOf<M extends readonly unknown[]> = { [I in keyof M]: M[I] extends { schema: infer S } ? S : never };

/** Every datastore config, discriminated by `type`. */
export const DatastoreSchema = z.discriminatedUnion(
  'type',
  DATASTORE_MODULES.map((m) => m.schema) as unknown as SchemasOf<typeof DATASTORE_MODULES>,
);
export type DatastoreConfig = z.infer<typeof DatastoreSchema>;
export type DatastoreType = DatastoreConfig['type'];

type AnyCollector = Modules['collectors'][number] | (typeof COMMON_COLLECTORS)[number];
type FactsOf<C> = C extends Collector<string, infer F> ? F : never;
type EstateFactsOf<C> = C extends EstateCollector<string, infer F> ? F : never;

/** Facts gathered per datastore, by kind: what each collector of each type produces. */
export type DatastoreFactsByKind = { [C in AnyCollector as C['kind']]: FactsOf<C> };

type AnyDiscovery = Modules extends infer M ? (M extends { discovery?: readonly (infer C)[] } ? C : never) : never;
/** Facts gathered once per scan about the whole estate (discovery), by kind. */
export type DiscoveryFactsByKind = { [C in AnyDiscovery as C['kind']]: EstateFactsOf<C> };

const BY_TYPE = new Map<string, DatastoreModule>(DATASTORE_MODULES.map((m) => [m.type, m as unknown as DatastoreModule]));

/** The module of a datastore type; the config schema guarantees one exists. */
export function datastoreModule(type: string): DatastoreModule {
  const module = BY_TYPE.get(type);
  if (!module) throw new Error(`unknown datastore type "${type}"`);
  return module;
}

/** The PostgreSQL database a datastore exposes, if its type offers one and it is configured. */
export function postgresTargetOf(datastore: DatastoreConfig): PostgresTarget | undefined {
  return datastoreModule(datastore.type).offers?.postgres?.(datastore);
}

/** A collector as the engine runs it: which datastores it applies to, resolved from the modules. */
export interface DatastoreCollector {
  kind: string;
  appliesTo(datastore: DatastoreConfig): boolean;
  collect: Collector['collect'];
}

/**
 * The registry: each type's own collectors for its datastores, a capability's
 * collector for every type that offers the capability, the common ones for all.
 */
export const DATASTORE_COLLECTORS: DatastoreCollector[] = [
  ...DATASTORE_MODULES.flatMap((m) =>
    (m.collectors as readonly Collector[]).map((c): DatastoreCollector => ({
      kind: c.kind,
      appliesTo: (datastore) =>
        c.capability === 'postgres' ? postgresTargetOf(datastore) !== undefined : datastore.type === m.type,
      collect: c.collect,
    })),
  ),
  ...COMMON_COLLECTORS.map((c): DatastoreCollector => ({ kind: c.kind, appliesTo: () => true, collect: c.collect })),
];

/** Discovery collectors, once each although several types share one (AWS discovery lists RDS and S3). */
export const DISCOVERY_COLLECTORS: EstateCollector[] = [
  ...new Set(DATASTORE_MODULES.flatMap((m): readonly EstateCollector[] => m.discovery ?? [])),
];

/**
 * The datastore types whose datastores a check of this fact kind runs on: the
 * type owning the collector, every type offering its capability, or all types
 * for the common collectors.
 */
export function datastoreTypesOfFactKind(kind: string): string[] {
  if (COMMON_COLLECTORS.some((c) => c.kind === kind)) return DATASTORE_MODULES.map((m) => m.type);
  return DATASTORE_MODULES.filter((owner) =>
    DATASTORE_MODULES.some((m) =>
      (m.collectors as readonly Collector[]).some(
        (c) => c.kind === kind && (c.capability === 'postgres' ? (owner as DatastoreModule).offers?.postgres !== undefined : owner.type === m.type),
      ),
    ),
  ).map((m) => m.type);
}
