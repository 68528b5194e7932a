// The team history store: PostgreSQL (history.url). A scan, its service index
// rows and its outbox items are written in one transaction.
import pg from 'pg';
import type { Logger } from '../log';
import type { ScanResult, Status } from '../model';
import { displayUrl, errorMessage, registerUrlSecrets } from '../secrets';
import { HISTORY_SCHEMA as S, inTransaction, migrateUp } from './migrations';
import type { HistoryCommit, HistoryStore, OutboxItem, ScanIndexEntry } from './types';

interface IndexRow {
  scan_id: string;
  started_at: Date;
  finished_at: Date;
  totals: Record<Status, number>;
  services: string[];
}

export class PostgresHistoryStore implements HistoryStore {
  readonly description: string;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly keep: number,
    url: string,
  ) {
    this.description = `PostgreSQL ${displayUrl(url)}`;
  }

  /** Connect and apply pending schema migrations. */
  static async open(url: string, options: { keep: number; log: Logger }): Promise<PostgresHistoryStore> {
    registerUrlSecrets(url);
    const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'continuity-history' });
    // An idle pooled connection that drops (server restart, network) is reported here;
    // without a listener it is an uncaught exception that ends `continuity serve`.
    pool.on('error', (error) => options.log.warn({ err: errorMessage(error) }, 'history store connection lost'));
    try {
      const client = await pool.connect();
      try {
        await migrateUp(client);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end();
      throw new Error(`history store ${displayUrl(url)}: ${errorMessage(error)}`);
    }
    return new PostgresHistoryStore(pool, options.keep, url);
  }

  async record({ scan, outbox, digests, jobId }: HistoryCommit): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      return await inTransaction(client, async () => {
        if (jobId) {
          // First, before any write: two runs of one job race here; the second waits
          // on the key, then finds it taken and commits nothing.
          const { rowCount } = await client.query(
            `insert into ${S}.scan_jobs (job_id, scan_id) values ($1, $2) on conflict (job_id) do nothing`,
            [jobId, scan.scanId],
          );
          if (rowCount === 0) return false;
        }
        await client.query(
          `insert into ${S}.scans (scan_id, started_at, finished_at, totals, result) values ($1, $2, $3, $4, $5)`,
          [scan.scanId, scan.startedAt, scan.finishedAt, JSON.stringify(scan.totals), JSON.stringify(scan)],
        );
        // One statement per table, however many services and deliveries the commit holds.
        await client.query(
          `insert into ${S}.scan_services (scan_id, service, finished_at) select $1, unnest($2::text[]), $3`,
          [scan.scanId, scan.services.map((s) => s.name), scan.finishedAt],
        );
        // An id already queued or delivered is the same delivery: not queued twice.
        await client.query(
          `insert into ${S}.outbox (id, sink, message, created_at, attempts)
           select * from unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[], $5::integer[])
           on conflict (id) do nothing`,
          [
            outbox.map((o) => o.id),
            outbox.map((o) => o.sink),
            outbox.map((o) => JSON.stringify(o.message)),
            outbox.map((o) => o.createdAt),
            outbox.map((o) => o.attempts),
          ],
        );
        await client.query(
          `insert into ${S}.digests (service, last_digest_at)
           select * from unnest($1::text[], $2::timestamptz[])
           on conflict (service) do update set last_digest_at = excluded.last_digest_at`,
          [digests.map((d) => d.service), digests.map((d) => d.at)],
        );
        // Retention: a scan goes once it is older than the newest `keep` of every service it holds.
        await client.query(
          `with ranked as (
             select scan_id, row_number() over (partition by service order by finished_at desc, scan_id desc) as n
             from ${S}.scan_services
             where service = any($1)
           )
           delete from ${S}.scans s
           where s.scan_id in (select scan_id from ranked where n > $2)
             and not exists (
               select 1 from (
                 select scan_id, row_number() over (partition by service order by finished_at desc, scan_id desc) as n
                 from ${S}.scan_services
               ) r where r.scan_id = s.scan_id and r.n <= $2
             )`,
          [scan.services.map((s) => s.name), this.keep],
        );
        return true;
      });
    } finally {
      client.release();
    }
  }

  async list(filter: { service?: string; limit?: number } = {}): Promise<ScanIndexEntry[]> {
    // A service's scans are picked through its (service, finished_at) index, the limit applied there:
    // what a scan asks for (its service's last scans) costs the same however long the whole history is.
    const picked =
      filter.service === undefined
        ? `select scan_id from ${S}.scans order by finished_at desc, scan_id desc limit $1`
        : `select scan_id from ${S}.scan_services where service = $2 order by finished_at desc, scan_id desc limit $1`;
    const { rows } = await this.pool.query<IndexRow>(
      `select s.scan_id, s.started_at, s.finished_at, s.totals,
              array(select ss.service from ${S}.scan_services ss where ss.scan_id = s.scan_id order by ss.service) as services
       from (${picked}) p join ${S}.scans s using (scan_id)
       order by s.finished_at desc, s.scan_id desc`,
      filter.service === undefined ? [filter.limit ?? null] : [filter.limit ?? null, filter.service],
    );
    return rows.map((r) => ({
      scanId: r.scan_id,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at.toISOString(),
      services: r.services,
      totals: r.totals,
    }));
  }

  async get(scanId: string): Promise<ScanResult | undefined> {
    const { rows } = await this.pool.query<{ result: ScanResult }>(`select result from ${S}.scans where scan_id = $1`, [scanId]);
    return rows[0]?.result;
  }

  async latestFor(service: string, options: { before?: string } = {}): Promise<ScanResult | undefined> {
    const { rows } = await this.pool.query<{ result: ScanResult }>(
      `select s.result from ${S}.scan_services ss join ${S}.scans s using (scan_id)
       where ss.service = $1
         and ($2::text is null or (ss.finished_at, ss.scan_id) < (select finished_at, scan_id from ${S}.scan_services where scan_id = $2 and service = $1))
       order by ss.finished_at desc, ss.scan_id desc
       limit 1`,
      [service, options.before ?? null],
    );
    return rows[0]?.result;
  }

  async pending(): Promise<OutboxItem[]> {
    const { rows } = await this.pool.query<{
      id: string;
      sink: string;
      message: OutboxItem['message'];
      created_at: Date;
      attempts: number;
      last_error: string | null;
      last_attempt_at: Date | null;
    }>(`select * from ${S}.outbox where delivered_at is null order by created_at, id`);
    return rows.map((r) => ({
      id: r.id,
      sink: r.sink,
      message: r.message,
      createdAt: r.created_at.toISOString(),
      attempts: r.attempts,
      ...(r.last_error ? { lastError: r.last_error } : {}),
      ...(r.last_attempt_at ? { lastAttemptAt: r.last_attempt_at.toISOString() } : {}),
    }));
  }

  async claim(id: string, leaseMs: number): Promise<boolean> {
    // A row another worker is claiming right now is skipped, not waited for.
    const { rowCount } = await this.pool.query(
      `update ${S}.outbox set claimed_until = now() + $2 * interval '1 millisecond'
       where id = (select id from ${S}.outbox
                   where id = $1 and delivered_at is null and (claimed_until is null or claimed_until < now())
                   for update skip locked)`,
      [id, leaseMs],
    );
    return rowCount === 1;
  }

  async markDelivered(id: string, at: Date): Promise<void> {
    await this.pool.query(`update ${S}.outbox set delivered_at = $2, attempts = attempts + 1, claimed_until = null where id = $1`, [id, at]);
  }

  async markFailed(id: string, error: string, at: Date): Promise<void> {
    await this.pool.query(
      `update ${S}.outbox set attempts = attempts + 1, last_error = $2, last_attempt_at = $3, claimed_until = null where id = $1 and delivered_at is null`,
      [id, error, at],
    );
  }

  async lastDigestAt(service: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ last_digest_at: Date }>(
      `select last_digest_at from ${S}.digests where service = $1`,
      [service],
    );
    return rows[0]?.last_digest_at.toISOString();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
