// The PostgreSQL history store's own schema migrations. Each has its rollback:
// the product tells teams to ship reversible migrations, so it does too.
import type pg from 'pg';

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
}

export const HISTORY_SCHEMA = 'continuity';
const LEDGER = `${HISTORY_SCHEMA}.schema_migrations`;
/** Serialises migrations of concurrent starts (key: "continuity" in ASCII). */
const ADVISORY_LOCK_KEY = 0x636f6e74;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'scans',
    up: `
      create table ${HISTORY_SCHEMA}.scans (
        scan_id text primary key,
        started_at timestamptz not null,
        finished_at timestamptz not null,
        totals jsonb not null,
        result jsonb not null
      );
      create table ${HISTORY_SCHEMA}.scan_services (
        scan_id text not null references ${HISTORY_SCHEMA}.scans (scan_id) on delete cascade,
        service text not null,
        finished_at timestamptz not null,
        primary key (scan_id, service)
      );
      create index scan_services_service_finished_idx on ${HISTORY_SCHEMA}.scan_services (service, finished_at desc);`,
    down: `
      drop table ${HISTORY_SCHEMA}.scan_services;
      drop table ${HISTORY_SCHEMA}.scans;`,
  },
  {
    version: 2,
    name: 'alert outbox and digests',
    up: `
      create table ${HISTORY_SCHEMA}.outbox (
        id text primary key,
        sink text not null,
        message jsonb not null,
        created_at timestamptz not null,
        attempts integer not null default 0,
        last_error text,
        last_attempt_at timestamptz,
        delivered_at timestamptz
      );
      create index outbox_pending_idx on ${HISTORY_SCHEMA}.outbox (created_at) where delivered_at is null;
      create table ${HISTORY_SCHEMA}.digests (
        service text primary key,
        last_digest_at timestamptz not null
      );`,
    down: `
      drop table ${HISTORY_SCHEMA}.digests;
      drop table ${HISTORY_SCHEMA}.outbox;`,
  },
  {
    version: 3,
    name: 'queue mode: scans by job, outbox claims',
    // A retried job (its worker killed after the commit) must not record its scan twice;
    // several workers deliver the same outbox, each item taken by one at a time.
    up: `
      create table ${HISTORY_SCHEMA}.scan_jobs (
        job_id text primary key,
        scan_id text not null references ${HISTORY_SCHEMA}.scans (scan_id) on delete cascade deferrable initially deferred
      );
      alter table ${HISTORY_SCHEMA}.outbox add column claimed_until timestamptz;`,
    down: `
      alter table ${HISTORY_SCHEMA}.outbox drop column claimed_until;
      drop table ${HISTORY_SCHEMA}.scan_jobs;`,
  },
];

async function ensureLedger(client: pg.ClientBase): Promise<void> {
  await client.query(`create schema if not exists ${HISTORY_SCHEMA}`);
  await client.query(
    `create table if not exists ${LEDGER} (version integer primary key, name text not null, applied_at timestamptz not null default now())`,
  );
}

export async function appliedVersions(client: pg.ClientBase): Promise<number[]> {
  const { rows } = await client.query<{ version: number }>(`select version from ${LEDGER} order by version`);
  return rows.map((r) => r.version);
}

/** Apply every pending migration, each in its own transaction, under an advisory lock. */
export async function migrateUp(client: pg.ClientBase, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  return withLock(client, async () => {
    const applied = new Set(await appliedVersions(client));
    const newlyApplied: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await inTransaction(client, async () => {
        await client.query(migration.up);
        await client.query(`insert into ${LEDGER} (version, name) values ($1, $2)`, [migration.version, migration.name]);
      });
      newlyApplied.push(migration.version);
    }
    return newlyApplied;
  });
}

/** Roll back applied migrations newer than `target` (0: all), newest first. */
export async function migrateDown(client: pg.ClientBase, target: number, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  return withLock(client, async () => {
    const applied = new Set(await appliedVersions(client));
    const rolledBack: number[] = [];
    for (const migration of [...migrations].reverse()) {
      if (migration.version <= target || !applied.has(migration.version)) continue;
      await inTransaction(client, async () => {
        await client.query(migration.down);
        await client.query(`delete from ${LEDGER} where version = $1`, [migration.version]);
      });
      rolledBack.push(migration.version);
    }
    return rolledBack;
  });
}

async function withLock<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('select pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
  try {
    await ensureLedger(client);
    return await work();
  } finally {
    await client.query('select pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
  }
}

export async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await work();
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
