// Rollback verification: apply every up migration on a throwaway PostgreSQL,
// then from the newest down: down, compare the schema with the one before the
// migration, up again, compare with the one after it. A down that fails or does
// not restore the previous schema is reported with the difference.
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../embedded-postgres';
import { errorMessage } from '../secrets';
import { diffFingerprints, schemaFingerprint, type FingerprintDiff } from './fingerprint';
import type { MigrationSet, MigrationTool } from './types';

/** Tools whose down scripts are plain SQL that verify-migrations can run as the tool would. */
export const ROUND_TRIP_TOOLS: MigrationTool[] = ['golang-migrate', 'dbmate', 'sqitch'];

export type RoundTripOutcome =
  | 'restored'
  | 'no-down'
  | 'down-failed'
  | 'not-restored'
  | 'reapply-failed'
  | 'reapply-differs'
  | 'up-failed'
  | 'not-run';

export interface RoundTripResult {
  migration: string;
  up: string;
  down?: string;
  outcome: RoundTripOutcome;
  error?: string;
  diff?: FingerprintDiff;
}

export interface RoundTripSet {
  tool: MigrationTool;
  directory: string;
  results: RoundTripResult[];
  /** Why the set was not verified (a tool without runnable SQL downs). */
  unsupported?: string;
}

export interface MigrationRoundTripFacts {
  /** The repository's directory name (paths are relative to the repository root). */
  name: string;
  postgresVersion: string;
  sets: RoundTripSet[];
}

/** Runs migration SQL on throwaway databases of one server; every step first checks the deadline. */
class Sandbox {
  private counter = 0;
  private client: pg.Client | undefined;
  private database: string | undefined;

  constructor(
    private readonly server: EmbeddedServer,
    readonly signal: AbortSignal,
  ) {}

  /** A fresh, empty database with the given migrations applied; throws the error of the first that fails. */
  async reset(ups: string[]): Promise<void> {
    await this.close();
    this.database = `verify_${++this.counter}`;
    const admin = new pg.Client({ connectionString: this.server.adminUrl() });
    await admin.connect();
    try {
      await admin.query(`create database ${this.database} template template0`);
    } finally {
      await admin.end();
    }
    this.client = new pg.Client({ connectionString: this.server.adminUrl(this.database), statement_timeout: 60_000 });
    await this.client.connect();
    for (const up of ups) await this.run(up);
  }

  /** Run a script as one simple query, as the tools do; an error leaves no transaction open. */
  async run(sql: string): Promise<void> {
    this.signal.throwIfAborted();
    try {
      await this.client!.query(sql);
    } catch (error) {
      await this.client!.query('rollback').catch(() => undefined);
      throw error;
    }
  }

  fingerprint(): Promise<string[]> {
    this.signal.throwIfAborted();
    return schemaFingerprint(this.client!);
  }

  async close(): Promise<void> {
    await this.client?.end();
    this.client = undefined;
    if (this.database) {
      const admin = new pg.Client({ connectionString: this.server.adminUrl() });
      await admin.connect();
      await admin.query(`drop database if exists ${this.database} with (force)`).finally(() => admin.end());
      this.database = undefined;
    }
  }
}

function changed(diff: FingerprintDiff): boolean {
  return diff.extra.length > 0 || diff.missing.length > 0;
}

async function verifySet(sandbox: Sandbox, set: MigrationSet): Promise<RoundTripSet> {
  const migrations = set.migrations.filter((m) => m.runnable);
  const results: RoundTripResult[] = [];
  const ups = migrations.map((m) => m.runnable!.up);
  await sandbox.reset([]);
  const fingerprints = [await sandbox.fingerprint()];
  let applied = 0;
  for (const migration of migrations) {
    try {
      await sandbox.run(migration.runnable!.up);
    } catch (error) {
      results.push({ migration: migration.id, up: migration.up, outcome: 'up-failed', error: errorMessage(error) });
      break;
    }
    fingerprints.push(await sandbox.fingerprint());
    applied++;
  }
  for (const migration of migrations.slice(applied + (results.length > 0 ? 1 : 0))) {
    results.push({ migration: migration.id, up: migration.up, outcome: 'not-run', error: 'an earlier up migration failed' });
  }

  const roundTrips: RoundTripResult[] = [];
  for (let i = applied; i >= 1; i--) {
    sandbox.signal.throwIfAborted();
    const migration = migrations[i - 1]!;
    const base = { migration: migration.id, up: migration.up, ...(migration.down.path ? { down: migration.down.path } : {}) };
    const down = migration.runnable!.down;
    const before = fingerprints[i - 1]!;
    const after = fingerprints[i]!;
    let result: RoundTripResult;
    if (down === undefined) {
      result = { ...base, outcome: 'no-down' };
    } else {
      result = await (async (): Promise<RoundTripResult> => {
        try {
          await sandbox.run(down);
        } catch (error) {
          return { ...base, outcome: 'down-failed', error: errorMessage(error) };
        }
        const afterDown = diffFingerprints(before, await sandbox.fingerprint());
        if (changed(afterDown)) return { ...base, outcome: 'not-restored', diff: afterDown };
        try {
          await sandbox.run(migration.runnable!.up);
        } catch (error) {
          return { ...base, outcome: 'reapply-failed', error: errorMessage(error) };
        }
        const afterUp = diffFingerprints(after, await sandbox.fingerprint());
        if (changed(afterUp)) return { ...base, outcome: 'reapply-differs', diff: afterUp };
        try {
          await sandbox.run(down); // step down to migration i-1 for the next round trip
          return { ...base, outcome: 'restored' };
        } catch (error) {
          return { ...base, outcome: 'down-failed', error: `second run of the down failed: ${errorMessage(error)}` };
        }
      })();
    }
    roundTrips.push(result);
    // After any failure the database is in an unknown state: rebuild it at migration i-1.
    if (result.outcome !== 'restored') await sandbox.reset(ups.slice(0, i - 1));
  }
  return { tool: set.tool, directory: set.directory, results: [...roundTrips, ...results] };
}

/** Round-trip every supported set on one embedded server, stopped (data directory removed) however this ends, the deadline included. */
export async function verifyRoundTrips(name: string, sets: MigrationSet[], signal: AbortSignal): Promise<MigrationRoundTripFacts> {
  const supported = sets.filter((s) => ROUND_TRIP_TOOLS.includes(s.tool));
  const unsupported: RoundTripSet[] = sets
    .filter((s) => !ROUND_TRIP_TOOLS.includes(s.tool))
    .map((s) => ({ tool: s.tool, directory: s.directory, results: [], unsupported: `${s.tool} is not supported by verify-migrations (supported: ${ROUND_TRIP_TOOLS.join(', ')})` }));
  if (supported.length === 0) return { name, postgresVersion: 'not started', sets: unsupported };
  signal.throwIfAborted();
  const server = await startEmbeddedPostgres();
  const sandbox = new Sandbox(server, signal);
  try {
    const admin = new pg.Client({ connectionString: server.adminUrl() });
    await admin.connect();
    const version = await admin
      .query<{ server_version: string }>('show server_version')
      .then((r) => r.rows[0]!.server_version)
      .finally(() => admin.end());
    const verified: RoundTripSet[] = [];
    for (const set of supported) verified.push(await verifySet(sandbox, set));
    return { name, postgresVersion: version, sets: [...verified, ...unsupported] };
  } finally {
    await sandbox.close().catch(() => undefined);
    await server.stop();
  }
}
