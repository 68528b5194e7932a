// The built-in demo estate: an embedded PostgreSQL holding the BBQ restaurant
// inventory schema of seed 003, with the flaws a first scan should find.
import { readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config/schema';
import { ConfigSchema } from '../config/schema';
import { startEmbeddedPostgres, type EmbeddedServer } from '../embedded-postgres';
import { packagePath } from '../package-root';
import { DEMO_POSTGRES_FLAGS, runDemoWorkload } from './workload';

/** The demo service's repository: golang-migrate migrations with the flaws the demo scan reports. */
export const BBQ_REPO = packagePath('src', 'demo', 'bbq-inventory');

/**
 * Seed 003's three tables plus the flaws a first scan should find (an unindexed
 * join column, a customer e-mail column, a table without a primary key): the
 * demo repository's up migrations, in order.
 */
export const BBQ_SCHEMA = readdirSync(path.join(BBQ_REPO, 'migrations'))
  .filter((f) => f.endsWith('.up.sql'))
  .sort()
  .map((f) => readFileSync(path.join(BBQ_REPO, 'migrations', f), 'utf8'))
  .join('\n');

export interface DemoEstate {
  config: Config;
  stop(): Promise<void>;
}

/** Create the database `bbq` holding the demo schema (plus any extra SQL) on a server. */
export async function createBbqDatabase(server: EmbeddedServer, extraSql = ''): Promise<void> {
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  try {
    await admin.query('create database bbq');
  } finally {
    await admin.end();
  }
  const bbq = new pg.Client({ connectionString: server.adminUrl('bbq') });
  await bbq.connect();
  try {
    await bbq.query(BBQ_SCHEMA + extraSql);
  } finally {
    await bbq.end();
  }
}

/**
 * The demo server archives its WAL (into a directory of its own, removed at stop), so
 * that the report's recovery column reads from WAL archiving as it would on a real server.
 */
async function startArchivingServer(): Promise<{ server: EmbeddedServer; stop(): Promise<void> }> {
  const archive = await mkdtemp(path.join(os.tmpdir(), 'continuity-demo-wal-'));
  const removeArchive = () => rm(archive, { recursive: true, force: true });
  let server: EmbeddedServer;
  try {
    server = await startEmbeddedPostgres({
      postgresFlags: [...DEMO_POSTGRES_FLAGS, '-c', 'archive_mode=on', '-c', `archive_command=test ! -f ${archive}/%f && cp %p ${archive}/%f`, '-c', 'archive_timeout=60'],
    });
  } catch (error) {
    await removeArchive();
    throw error;
  }
  const stop = async () => {
    await server.stop();
    await removeArchive();
  };
  try {
    const owner = await stat(server.dataDir);
    await chown(archive, owner.uid, owner.gid);
  } catch (error) {
    await stop();
    throw error;
  }
  return { server, stop };
}

/** Complete a WAL segment and wait (a few seconds at most) until the archiver has copied it. */
async function archiveOneSegment(server: EmbeddedServer): Promise<void> {
  const client = new pg.Client({ connectionString: server.adminUrl() });
  await client.connect();
  try {
    await client.query('select pg_switch_wal()');
    for (let attempt = 0; attempt < 100; attempt++) {
      const { rows } = await client.query<{ archived: string }>('select archived_count as archived from pg_stat_archiver');
      if (Number(rows[0]?.archived) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

export async function startDemoEstate(): Promise<DemoEstate> {
  const { server, stop } = await startArchivingServer();
  try {
    await createBbqDatabase(server);
    await runDemoWorkload(server.adminUrl('bbq'));
    await archiveOneSegment(server);
  } catch (error) {
    await stop();
    throw error;
  }
  const config = ConfigSchema.parse({
    services: [
      {
        name: 'bbq-inventory',
        owner: 'team-bbq',
        environment: 'production',
        repo: BBQ_REPO,
        // The answers the seed questionnaire was filled with by hand, to show them beside the evidence.
        answers: { indexes: 'Yes', ssl: 'No. Tracked by PLNSRVCE-1094.', sensitivity: 'Yes' },
        datastores: [
          {
            name: 'inventory-db',
            type: 'postgres',
            url: server.adminUrl('bbq'),
            backupPolicy: 'https://todo/saas/continuity0003.md',
          },
        ],
      },
    ],
  });
  return { config, stop };
}
