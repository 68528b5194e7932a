import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './point-in-time-restore';
import { backupFacts, backupRule, checkInput, coveredBy, s3Facts } from '../../test/support/aws-facts';
import { observed, unavailable } from '../../src/engine/types';

const SOURCE = 'backup:ListBackupPlans, GetBackupPlan, ListBackupSelections, GetBackupSelection';

describe('s3.point-in-time-restore', () => {
  it('passes a bucket covered by a continuous rule of at least the policy, with a completed recovery point', () => {
    const [f] = runCheck(check, checkInput(s3Facts({ backup: coveredBy([backupRule()]) })));
    expect(f!.status).toBe('pass');
    expect(f!.message).toBe('bucket orders-archive can be restored to any point in time within AWS Backup continuous 35 days (plan prod-pitr)');
    expect(f!.evidence).toContainEqual({ source: SOURCE, field: 'plan prod-pitr rule continuous Lifecycle.DeleteAfterDays', value: 35 });
  });
  it('fails a continuous rule shorter than the policy, and one with no completed recovery point', () => {
    expect(runCheck(check, checkInput(s3Facts({ backup: coveredBy([backupRule({ deleteAfterDays: 7 })]) })))[0]!.message).toContain('7 days (below 30)');
    const idle = runCheck(check, checkInput(s3Facts({ backup: coveredBy([backupRule()], []) })))[0]!;
    expect(idle.status).toBe('fail');
    expect(idle.message).toContain('not shown to run');
  });
  it('warns without continuous backup when versions are kept long enough, and fails when they are not', () => {
    expect(runCheck(check, checkInput(s3Facts()))[0]!.status).toBe('warn');
    const unversioned = s3Facts({ versioning: observed('s3:GetBucketVersioning', { status: 'never enabled' }) });
    expect(runCheck(check, checkInput(unversioned))[0]!.status).toBe('fail');
  });
  it('is unknown when AWS Backup could not be read, or a selection by tags could not be resolved', () => {
    const denied = s3Facts({ backup: backupFacts({ coverage: unavailable(SOURCE, 'AccessDeniedException') }, 'arn:aws:s3:::orders-archive') });
    expect(runCheck(check, checkInput(denied))[0]!.status).toBe('unknown');
    const undetermined = backupFacts(
      { coverage: observed(SOURCE, { rules: [], undetermined: [{ plan: 'tagged', selection: 'by-team', why: 'the selection picks by tags' }] }) },
      'arn:aws:s3:::orders-archive',
    );
    const [f] = runCheck(check, checkInput(s3Facts({ backup: undetermined })));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toContain('plan tagged selection by-team');
  });
  it('is unknown, not a fail, when a continuous rule covers it but its recovery points could not be read', () => {
    const backup = backupFacts({ ...coveredBy([backupRule()]), recoveryPoints: unavailable('backup:ListRecoveryPointsByResource', 'AccessDeniedException') });
    const [f] = runCheck(check, checkInput(s3Facts({ backup })));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toContain('AccessDeniedException');
  });
});
