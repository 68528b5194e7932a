// The contract of a datastore type. A type is one folder under src/datastores/
// whose index.ts exports one module, registered by one line in
// src/datastores/index.ts. Module files load no I/O library: collectors import
// their clients (pg, the AWS SDK) only when a scan collects from that type.
import { z } from 'zod';
import { ResourceName } from '../config/fields';
import type { Collected, CollectContext, Collector, EstateCollector, Observed } from '../engine/types';
import type { Policy } from '../config/policy';
import type { DatastorePart } from '../model';

/** The config fields every datastore type has. */
export const DATASTORE_COMMON_FIELDS = {
  name: ResourceName.describe('Unique within the service.'),
  environment: z.string().optional().describe("Overrides the service's environment for this datastore."),
  backupPolicy: z.string().optional().describe('Link to how backups and restores of this datastore are handled.'),
  sensitivity: z
    .enum(['none', 'internal', 'confidential', 'restricted'])
    .optional()
    .describe('Declared data sensitivity; compared with what the scan finds.'),
};

/** A datastore type's config schema: the common fields, a `type` literal, and its own keys. */
export type DatastoreSchemaShape<T extends string> = z.ZodObject<
  typeof DATASTORE_COMMON_FIELDS & { type: z.ZodLiteral<T> } & z.ZodRawShape,
  z.core.$strict
>;

/**
 * A PostgreSQL database that a datastore exposes: every PostgreSQL check runs on
 * it, whatever the type (a plain server, RDS, Supabase, a Kubernetes cluster).
 */
export interface PostgresTarget {
  url: string;
  tls?: { caFile?: string; verify?: boolean };
  /** Schemas left out of table and index checks (e.g. those a platform manages). */
  excludeSchemas: string[];
  /** Roles through which an HTTP Data API reads tables (Supabase's PostgREST): which tables they reach is read too. */
  dataApiRoles?: readonly string[];
  /** The schemas that Data API exposes (from config, or read from the platform during the scan). */
  dataApiSchemas?(ctx: Pick<CollectContext<unknown>, 'config' | 'signal' | 'shared'>): Promise<Observed<string[]>>;
}

/** What a datastore type offers to checks shared between types. */
export interface DatastoreCapabilities<D> {
  postgres?(datastore: D): PostgresTarget | undefined;
}

/** The facts a module's own collectors produce, by kind, as the engine hands them over (collected or failed). */
export type FactsOfCollectors<C extends readonly Collector[]> = {
  [K in C[number] as K['kind']]?: Collected<K extends Collector<string, infer F> ? F : never>;
};

export interface DatastoreModule<
  T extends string = string,
  S extends DatastoreSchemaShape<T> = DatastoreSchemaShape<T>,
  C extends readonly Collector[] = readonly Collector[],
  E extends readonly EstateCollector[] = readonly EstateCollector[],
> {
  type: T;
  /** How people name it, e.g. "Amazon RDS DB instance". */
  title: string;
  /** Where its config, permissions and checks are documented. */
  docs: string;
  schema: S;
  /** Collectors of the facts only this type has (each runs for every datastore of the type). */
  collectors: C;
  /** Estate-wide collectors that list datastores of this type (discovery); shared between types by kind. */
  discovery?: E;
  offers?: DatastoreCapabilities<z.infer<S>>;
  /** One line for the report's datastore table: the recovery window its facts show (marked where below the policy), or why none was read. */
  describeRecovery?(facts: FactsOfCollectors<C>, datastore: z.infer<S>, policy?: Policy): string | undefined;
  /** Parts of the datastore that its recovery window does not cover, each a row of the datastore table with its own recovery line. */
  describeParts?(facts: FactsOfCollectors<C>, datastore: z.infer<S>): DatastorePart[] | undefined;
}

export function defineDatastoreModule<
  const T extends string,
  S extends DatastoreSchemaShape<T>,
  const C extends readonly Collector[],
  const E extends readonly EstateCollector[] = readonly [],
>(module: DatastoreModule<T, S, C, E>): DatastoreModule<T, S, C, E> {
  return module;
}
