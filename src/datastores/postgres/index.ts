// Datastore type `postgres`: any PostgreSQL server reached by URL.
import { z } from 'zod';
import type { Collector } from '../../engine/types';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';
import { DEFAULT_POLICY } from '../../config/policy';
import { archivingState, describeArchiving } from './archiving';
import type { PostgresFacts } from './facts';

export const PostgresTlsSchema = z
  .strictObject({
    caFile: z.string().optional().describe('CA bundle used to verify the server certificate.'),
    verify: z.boolean().optional().describe('Verify the server certificate (default true when caFile is set).'),
  })
  .optional();

export const PostgresDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('postgres'),
  url: z
    .string()
    .describe('postgres:// connection URL; put the password in an environment variable: ${PGPASSWORD_ORDERS}.'),
  tls: PostgresTlsSchema,
  schemas: z
    .strictObject({
      exclude: z.array(z.string()).optional().describe('Schemas left out of table and index checks.'),
    })
    .optional(),
});

/**
 * The catalog of a PostgreSQL database, read in one read-only transaction. It
 * runs on every datastore whose type offers a PostgreSQL endpoint.
 */
export const postgresCollector: Collector<'postgres', PostgresFacts> = {
  kind: 'postgres',
  capability: 'postgres',
  async collect(ctx) {
    if (!ctx.postgres) throw new Error('no PostgreSQL endpoint was resolved for this datastore');
    const { collectDatastorePostgres } = await import('./collector');
    const [facts, dataApiSchemas] = await Promise.all([collectDatastorePostgres(ctx), ctx.postgres.dataApiSchemas?.(ctx)]);
    return dataApiSchemas ? { ...facts, dataApiSchemas } : facts;
  },
};

export const postgresModule = defineDatastoreModule({
  type: 'postgres',
  title: 'PostgreSQL',
  docs: 'README.md#postgresql',
  schema: PostgresDatastoreSchema,
  collectors: [postgresCollector],
  offers: {
    postgres: (datastore) => ({
      url: datastore.url,
      ...(datastore.tls ? { tls: datastore.tls } : {}),
      excludeSchemas: datastore.schemas?.exclude ?? [],
    }),
  },
  // A self-hosted server's point-in-time recovery is its WAL archiving (postgres.wal-archiving judges it against the environment's policy).
  describeRecovery(facts) {
    if (!facts.postgres?.ok) return undefined;
    return describeArchiving(archivingState(facts.postgres.facts, DEFAULT_POLICY.pitrMaxRestoreLagMinutes));
  },
});
