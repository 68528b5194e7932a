import { describe, expect, it } from 'vitest';
import { observed } from '../../src/engine/types';
import { before, runCheck } from '../../test/support/check-tester';
import { cnpgDatastore, cnpgFacts, forbiddenList, NOW, pgoFacts, policy, SCHEDULES, service, STORES } from '../../test/kubernetes/facts';
import type { OperatorPostgresFacts } from '../../src/datastores/kubernetes/facts';
import check from './scheduled-backup';

const HOUR = 3600_000;
const run = (facts: OperatorPostgresFacts) => runCheck(check, { service, datastore: cnpgDatastore(), facts, policy: policy(), now: NOW });
const schedule = (suspended: boolean) => ({ name: 'ledger-daily', schedule: '0 0 0 * * *', suspended, lastScheduleTime: before(20 * HOUR), source: SCHEDULES });

describe('kubernetes.scheduled-backup', () => {
  it('passes a running schedule whose newest backup succeeded 20 hours ago', () => {
    const [f] = run(cnpgFacts());
    expect(f?.status).toBe('pass');
    expect(f?.message).toBe('CloudNativePG Cluster payments/ledger: 1 backup schedule(s) running; newest successful backup 20 hours ago (at most 26)');
  });

  it('fails when every schedule is suspended', () => {
    const [f] = run(cnpgFacts({ schedules: observed(SCHEDULES, [schedule(true)]) }));
    expect([f?.status, f?.message]).toEqual(['fail', 'CloudNativePG Cluster payments/ledger: every backup schedule is suspended (ledger-daily)']);
  });

  it('fails when there is no schedule', () => {
    const [f] = run(cnpgFacts({ schedules: observed(SCHEDULES, []) }));
    expect([f?.status, f?.message]).toEqual(['fail', 'CloudNativePG Cluster payments/ledger has no scheduled backup']);
  });

  it('fails when the newest backup failed after the last success', () => {
    const [f] = run(cnpgFacts({ lastFailure: { at: before(2 * HOUR), source: STORES, field: 'status.serverRecoveryWindow.ledger.lastFailedBackupTime', message: "can't execute backup: exit status 4" } }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe("CloudNativePG Cluster payments/ledger: the newest backup failed at 2026-11-21T10:00:00.000Z: can't execute backup: exit status 4");
  });

  it('passes when a failure was followed by a success', () => {
    const [f] = run(cnpgFacts({ lastFailure: { at: before(40 * HOUR), source: STORES, field: 'x', message: 'failed' } }));
    expect(f?.status).toBe('pass');
  });

  it('fails a newest success older than policy.maxBackupAgeHours', () => {
    const [f] = run(pgoFacts({ lastSuccess: { at: before(50 * HOUR), source: STORES, field: 'completionTime' } }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe('Crunchy PGO PostgresCluster payments/hippo: the newest successful backup is 50 hours old; the policy allows 26');
  });

  it('fails a schedule that never produced a successful backup', () => {
    const [f] = run(cnpgFacts({ lastSuccess: null }));
    expect(f?.status).toBe('fail');
  });

  it('is unknown when the ScheduledBackups may not be listed', () => {
    const [f] = run(cnpgFacts({ schedules: forbiddenList(SCHEDULES, 'scheduledbackups') }));
    expect(f?.status).toBe('unknown');
    expect(f?.message).toContain('resources: ["scheduledbackups"], verbs: ["list"]');
  });
});
