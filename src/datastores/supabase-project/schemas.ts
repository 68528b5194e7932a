/** The Management API and the variable of its token, unless a datastore names others. */
export const DEFAULT_API_URL = 'https://api.supabase.com';
export const DEFAULT_ACCESS_TOKEN_ENV = 'SUPABASE_ACCESS_TOKEN';

// Schemas Supabase creates and manages in every project database: their
// tables are Supabase's, not the service's, so the PostgreSQL checks leave
// them out. Gathered from Supabase's docs and splinter's lint exclusions.
export const SUPABASE_MANAGED_SCHEMAS = [
  'auth',
  'storage',
  'realtime',
  '_realtime',
  'graphql',
  'graphql_public',
  'vault',
  'extensions',
  'pgsodium',
  'pgsodium_masks',
  'supabase_functions',
  'supabase_migrations',
  'net',
  'cron',
  'pgbouncer',
  '_analytics',
  'pgtle',
  'pgroonga',
  'repack',
  'tiger',
  'topology',
  '_timescaledb_cache',
  '_timescaledb_catalog',
  '_timescaledb_config',
  '_timescaledb_internal',
];

/** Managed schemas every project exposes by default (db_schema `public, graphql_public`) that hold no tables: only pg_graphql's entry function. */
export const EXPOSED_BY_DEFAULT_WITHOUT_TABLES = ['graphql_public'];

/** The roles PostgREST (the Data API) switches to for requests with the anon key or a user's JWT. */
export const API_ROLES = ['anon', 'authenticated'] as const;
