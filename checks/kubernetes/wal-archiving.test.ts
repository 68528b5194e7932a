import { describe, expect, it } from 'vitest';
import { observed } from '../../src/engine/types';
import { before, runCheck } from '../../test/support/check-tester';
import { CLUSTERS, cnpgDatastore, cnpgFacts, NOW, pgoFacts, policy, service } from '../../test/kubernetes/facts';
import type { OperatorPostgresFacts } from '../../src/datastores/kubernetes/facts';
import check from './wal-archiving';

const run = (facts: OperatorPostgresFacts) => runCheck(check, { service, datastore: cnpgDatastore(), facts, policy: policy(), now: NOW });
const archiving = (configured: boolean, healthy: boolean | null, message: string) =>
  observed(CLUSTERS, { configured, healthy, message, since: healthy === false ? before(6 * 3600_000) : null, source: CLUSTERS, field: 'status.conditions[ContinuousArchiving]' });

describe('kubernetes.wal-archiving', () => {
  it('passes on a True ContinuousArchiving condition', () => {
    const [f] = run(cnpgFacts());
    expect([f?.status, f?.message]).toEqual(['pass', 'CloudNativePG Cluster payments/ledger: WAL archiving works (Continuous archiving is working)']);
  });

  it('fails on a False condition, with its message and since when', () => {
    const [f] = run(cnpgFacts({ archiving: archiving(true, false, 'unexpected failure invoking barman-cloud-wal-archive: exit status 4') }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe('CloudNativePG Cluster payments/ledger: WAL archiving is failing since 2026-11-21T06:00:00.000Z: unexpected failure invoking barman-cloud-wal-archive: exit status 4');
  });

  it('fails a cluster with no WAL archive', () => {
    const [f] = run(cnpgFacts({ archiving: archiving(false, null, 'no WAL archive: neither the Barman Cloud plugin nor spec.backup.barmanObjectStore is configured') }));
    expect(f?.status).toBe('fail');
  });

  it('is not fully assessed for PGO, whose resource does not report archive_command results', () => {
    const [f] = run(pgoFacts());
    expect(f?.status).toBe('unknown');
    expect(f?.message).toMatch(/^Crunchy PGO PostgresCluster payments\/hippo: not fully assessed: stanza created on repo1, repo2; .*set url to read pg_stat_archiver/);
  });

  it('fails when the operator reports archiving working but the database shows it off', () => {
    const [f] = run(cnpgFacts({ databaseArchiving: observed('pg_stat_archiver, pg_settings', { working: false, line: 'no point-in-time recovery: WAL archiving off (archive_mode = off)' }) }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe(
      'CloudNativePG Cluster payments/ledger: the operator reports archiving working (Continuous archiving is working), but the database shows: no point-in-time recovery: WAL archiving off (archive_mode = off)',
    );
  });

  it('passes when both views agree, saying so', () => {
    const [f] = run(cnpgFacts({ databaseArchiving: observed('pg_stat_archiver, pg_settings', { working: true, line: 'WAL archived, last 2 min ago' }) }));
    expect([f?.status, f?.message]).toEqual(['pass', 'CloudNativePG Cluster payments/ledger: WAL archiving works (Continuous archiving is working); the database agrees: WAL archived, last 2 min ago']);
  });

  it('lets the database decide for PGO, which reports no archiving result', () => {
    const [f] = run(pgoFacts({ databaseArchiving: observed('pg_stat_archiver, pg_settings', { working: true, line: 'WAL archived, last 2 min ago' }) }));
    expect(f?.status).toBe('pass');
    expect(f?.message).toMatch(/^Crunchy PGO PostgresCluster payments\/hippo: WAL archiving works as the database shows it \(WAL archived, last 2 min ago\)/);
  });

  it('stays unknown for PGO when the database could not be read', () => {
    const [f] = run(pgoFacts({ databaseArchiving: { ok: false, source: 'pg_stat_archiver, pg_settings', reason: 'the database could not be read: connect ECONNREFUSED' } }));
    expect(f?.status).toBe('unknown');
    expect(f?.message).toContain('the database could not be read either');
  });

  it('fails PGO when a stanza is not created', () => {
    const [f] = run(pgoFacts({ archiving: archiving(true, false, 'the pgBackRest stanza is not created on repo2: WAL cannot be archived there') }));
    expect(f?.status).toBe('fail');
  });
});
