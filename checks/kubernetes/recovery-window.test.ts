import { describe, expect, it } from 'vitest';
import { observed } from '../../src/engine/types';
import { before, runCheck } from '../../test/support/check-tester';
import { CLUSTERS, cnpgDatastore, cnpgFacts, forbiddenList, NOW, pgoFacts, policy, service, STORES } from '../../test/kubernetes/facts';
import type { OperatorPostgresFacts } from '../../src/datastores/kubernetes/facts';
import check from './recovery-window';

const DAY = 24 * 3600_000;
const ARCHIVER = 'pg_stat_archiver, pg_settings';
const run = (facts: OperatorPostgresFacts, p = policy()) => runCheck(check, { service, datastore: cnpgDatastore(), facts, policy: p, now: NOW });
const window = (days: number, retention: string, retentionDays: number | null) =>
  observed(STORES, {
    firstPoint: { at: before(days * DAY), source: STORES, field: 'status.serverRecoveryWindow.ledger.firstRecoverabilityPoint' },
    retention: { text: retention, days: retentionDays, source: STORES, field: 'spec.retentionPolicy' },
    estimatedDays: null,
    basis: null,
  });

describe('kubernetes.recovery-window', () => {
  it('passes a 30-day CloudNativePG window with a 30d retention and working archiving', () => {
    const [f] = run(cnpgFacts());
    expect(f?.status).toBe('pass');
    expect(f?.message).toMatch(/^CloudNativePG Cluster payments\/ledger has 30 days of point-in-time recovery \(since \S+\), retention 30d; policy requires 30$/);
    expect(f?.evidence).toContainEqual(expect.objectContaining({ field: 'retention days', value: 30 }));
  });

  it('fails a 7d retention against a 30-day policy, as an RDS retention does', () => {
    const [f] = run(cnpgFacts({ window: window(7, '7d', 7) }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe('CloudNativePG Cluster payments/ledger keeps 7d of backups (7 days); the policy requires at least 30');
  });

  it('warns while a long enough retention is still filling, with the date the window gets there', () => {
    const [f] = run(cnpgFacts({ window: window(10, '30d', 30) }));
    expect(f?.status).toBe('warn');
    expect(f?.message).toContain('the window is still filling (retention 30d) and reaches 30 days on 2026-12-11');
  });

  it('fails a window that archiving no longer extends', () => {
    const archiving = observed(CLUSTERS, { configured: true, healthy: false, message: 'unexpected failure invoking barman-cloud-wal-archive: exit status 4', since: before(6 * 3600_000), source: CLUSTERS, field: 'status.conditions[ContinuousArchiving]' });
    const [f] = run(cnpgFacts({ archiving }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toContain('but WAL archiving is failing (unexpected failure invoking barman-cloud-wal-archive: exit status 4): the window does not reach the present');
  });

  it('fails volume snapshots without a WAL archive: points, not a window', () => {
    const archiving = observed(CLUSTERS, { configured: false, healthy: null, message: 'no WAL archive: neither the Barman Cloud plugin nor spec.backup.barmanObjectStore is configured', since: null, source: CLUSTERS, field: 'spec.plugins, spec.backup' });
    const [f] = run(cnpgFacts({ archiving, window: observed(CLUSTERS, { firstPoint: null, retention: null, estimatedDays: null, basis: 'no WAL archive: volume snapshots are points, not a window' }) }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toMatch(/has no WAL archive .*there is no point-in-time recovery; policy requires 30 days$/);
  });

  it('fails a CloudNativePG cluster with an archive but no first recoverability point', () => {
    const [f] = run(cnpgFacts({ window: observed(STORES, { firstPoint: null, retention: { text: '30d', days: 30, source: STORES, field: 'spec.retentionPolicy' }, estimatedDays: null, basis: null }) }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toContain('no base backup has completed');
  });

  it('is unknown, not a pass, for a PGO estimate while archive_command results are not reported', () => {
    const [f] = run(pgoFacts());
    expect(f?.status).toBe('unknown');
    expect(f?.message).toMatch(/^Crunchy PGO PostgresCluster payments\/hippo has an estimated 30 days of point-in-time recovery \(estimate: repo2 keeps full backups 30 days/);
    expect(f?.message).toContain('but not fully assessed: whether WAL archiving succeeds is not known (stanza created on repo1, repo2; the PostgresCluster does not report whether archive_command succeeds (set url to read pg_stat_archiver)), so the window may not reach the present');
  });

  it('passes a PGO estimate, saying it is one, when the database shows WAL archived', () => {
    const [f] = run(pgoFacts({ databaseArchiving: observed(ARCHIVER, { working: true, line: 'WAL archived, last 2 min ago' }) }));
    expect(f?.status).toBe('pass');
    expect(f?.message).toMatch(/^Crunchy PGO PostgresCluster payments\/hippo has an estimated 30 days of point-in-time recovery \(estimate: repo2 keeps full backups 30 days.*\), retention repo2: 30 \(time\); policy requires 30$/);
    expect(f?.evidence).toContainEqual({ source: ARCHIVER, field: 'WAL archiving in the database', value: 'WAL archived, last 2 min ago' });
  });

  it("fails a CloudNativePG window the operator calls archived when the database shows archiving off, naming the database's line", () => {
    const line = 'no point-in-time recovery: WAL archiving off (archive_mode = off)';
    const [f] = run(cnpgFacts({ databaseArchiving: observed(ARCHIVER, { working: false, line }) }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toContain(`has 30 days of point-in-time recovery (since ${before(30 * DAY)}), but WAL archiving is failing (the database shows: ${line}): the window does not reach the present`);
    expect(f?.evidence).toContainEqual({ source: ARCHIVER, field: 'WAL archiving in the database', value: line });
  });

  it('is unknown, saying why, for a PGO estimate when the database could not be read either', () => {
    const [f] = run(pgoFacts({ databaseArchiving: { ok: false, source: ARCHIVER, reason: 'the database could not be read: connect ECONNREFUSED' } }));
    expect(f?.status).toBe('unknown');
    expect(f?.message).toContain('not fully assessed: whether WAL archiving succeeds is not known');
    expect(f?.message).toContain('the database could not be read either (the database could not be read: connect ECONNREFUSED)');
  });

  it('is unknown for a CloudNativePG cluster whose ContinuousArchiving condition is absent and the database is a standby', () => {
    const archiving = observed(CLUSTERS, { configured: true, healthy: null, message: 'no ContinuousArchiving condition yet', since: null, source: CLUSTERS, field: 'status.conditions[ContinuousArchiving]' });
    const [f] = run(cnpgFacts({ archiving, databaseArchiving: observed(ARCHIVER, { working: null, line: 'a standby: it archives nothing itself' }) }));
    expect(f?.status).toBe('unknown');
    expect(f?.message).toContain('not fully assessed: whether WAL archiving succeeds is not known (no ContinuousArchiving condition yet; the database shows: a standby: it archives nothing itself)');
  });

  it('is unknown for a PGO cluster whose window cannot be estimated', () => {
    const facts = pgoFacts({ window: observed(CLUSTERS, { firstPoint: null, retention: null, estimatedDays: null, basis: 'repo1 has no repo1-retention-full' }) });
    const [f] = run(facts);
    expect(f?.status).toBe('unknown');
    expect(f?.message).toContain('repo1 has no repo1-retention-full');
  });

  it('is unknown, naming the RBAC rule, when the ObjectStore could not be listed; never a pass', () => {
    const [f] = run(cnpgFacts({ window: forbiddenList(STORES, 'objectstores') }));
    expect(f?.status).toBe('unknown');
    expect(f?.message).toContain('to allow it: a ClusterRole (bound by a ClusterRoleBinding) with the rule');
  });

  it('is unknown when the operator is not installed', () => {
    const facts: OperatorPostgresFacts = { operator: 'CloudNativePG', readAt: NOW.toISOString(), cluster: { ok: false, source: CLUSTERS, reason: 'CloudNativePG is not installed in context prod (its API is not served)' } };
    const [f] = run(facts);
    expect(f?.status).toBe('unknown');
  });

  it('is skipped in a dev environment (protection check)', () => {
    const [f] = run(cnpgFacts({ window: window(7, '7d', 7) }), policy({}, 'dev'));
    expect(f?.status).toBe('skipped');
  });
});
