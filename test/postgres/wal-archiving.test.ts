// WAL archiving on real servers (PostgreSQL 17 and 15): an archive_command that copies
// each segment into a test directory, then one that fails. Off is judged in
// drift-and-settings.test.ts on a server without archiving. A base backup shows that the
// last archived file can be a backup label, which no segment can be compared with.
import { chmod, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { collectPostgres } from '../../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../../src/datastores/postgres/connection';
import { postgresModule } from '../../src/datastores/postgres';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import walArchiving from '../../checks/postgres/wal-archiving';
import type { EmbeddedServer } from '../../src/embedded-postgres';
import { run } from '../support/postgres-facts';
import { adminClient, eventually, POSTGRES_VERSIONS, sharedDirectory } from '../support/postgres-versions';

const limits = { statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000 };
const datastore = { name: 'db', type: 'postgres' as const, url: 'postgres://unused' };
const recovery = (facts: PostgresFacts) => postgresModule.describeRecovery!({ postgres: { ok: true, facts } }, datastore);

for (const version of POSTGRES_VERSIONS) {
  describe.skipIf(version.unavailable !== undefined)(`WAL archiving on ${version.name}`, () => {
    let server: EmbeddedServer;
    let admin: pg.Client;
    let archive: Awaited<ReturnType<typeof sharedDirectory>>;
    const collect = () => collectPostgres(parsePostgresUrl(server.adminUrl()), { excludeSchemas: [] }, limits);
    const archiver = async () =>
      (await admin.query<{ archived: string; failed: string; failing: boolean }>(
        'select archived_count as archived, failed_count as failed, coalesce(last_failed_time > last_archived_time, last_failed_time is not null) as failing from pg_stat_archiver',
      )).rows[0]!;

    beforeAll(async () => {
      archive = await sharedDirectory('continuity-wal-archive-');
      server = await version.start({
        archive_mode: 'on',
        archive_command: `test ! -f ${archive.path}/%f && cp %p ${archive.path}/%f`,
        archive_timeout: '60',
      });
      admin = await adminClient(server);
    });
    afterAll(async () => {
      await admin?.end();
      await server?.stop();
      await archive?.remove();
    });

    it('passes once segments reach the archive, and the recovery column says when the last one did', async () => {
      await admin.query('create table switched (id int); select pg_switch_wal()');
      await eventually('a segment to be archived', async () => (Number((await archiver()).archived) > 0 ? true : undefined));
      expect((await readdir(archive.path)).length).toBeGreaterThan(0);
      const facts = await collect();
      const [finding] = run(walArchiving, facts);
      expect(finding).toMatchObject({ status: 'pass', message: expect.stringMatching(/^WAL archived, last \d+ min ago$/) });
      expect(recovery(facts)).toBe(finding!.message);
      // The command names a path of the server's machine: the report says which program runs, nothing more.
      expect(finding!.evidence).toContainEqual({ source: 'pg_settings', field: 'archive_command', value: 'set (program test)' });
      expect(JSON.stringify(finding)).not.toContain(archive.path);
    });

    it('is unknown, not a pass, when the last archived file is a backup label, the backlog is unreadable and the last success is old', async () => {
      // A base backup archives its backup history file last: pg_stat_archiver then names it, not a segment.
      await admin.query("select pg_backup_start('continuity', true)");
      await admin.query('select pg_backup_stop()');
      await eventually('the backup history file to be archived', async () =>
        (await admin.query<{ wal: string }>('select last_archived_wal as wal from pg_stat_archiver')).rows[0]!.wal.endsWith('.backup') ? true : undefined,
      );
      const facts = await collect();
      if (!facts.archiver.ok) throw new Error(facts.archiver.reason);
      expect(facts.archiver.value.lastArchivedWal).toMatch(/^[0-9A-F]{24}\.[0-9A-F]{8}\.backup$/);
      // Three hours on, read by a login that may not list archive_status: nothing tells an idle server from a stuck archiver.
      const later = new Date(Date.parse(facts.archiver.value.readAt) + 3 * 3600_000).toISOString();
      const idle: PostgresFacts = { ...facts, archiver: { ...facts.archiver, value: { ...facts.archiver.value, readAt: later } } };
      // The listing shows nothing waits: an idle server.
      expect(run(walArchiving, idle)[0]!.status).toBe('pass');
      const unseen: PostgresFacts = { ...idle, archiveBacklog: { ok: false, source: 'pg_ls_archive_statusdir()', reason: 'permission denied' } };
      const [finding] = run(walArchiving, unseen);
      expect(finding!.status).toBe('unknown');
      expect(finding!.message).toMatch(/^not fully assessed: the last segment was archived 3 h ago .*is not a WAL segment/);
    });

    it('fails while the archive command fails, saying since when', async () => {
      // The archive destination can no longer be written to.
      await chmod(archive.path, 0o555);
      await admin.query('create table switched_again (id int); select pg_switch_wal()');
      await eventually('the archiver to fail', async () => ((await archiver()).failing ? true : undefined));
      const facts = await collect();
      const [finding] = run(walArchiving, facts);
      expect(finding!.status).toBe('fail');
      expect(finding!.message).toMatch(/^WAL archiving failing since the last success at \S+; last failure \S+ \(\d+ failures counted, last on [0-9A-F]{24}\)/);
      expect(recovery(facts)).toMatch(/^WAL archiving failing since the last success at /);
    });
  });
}
