import { describe, expect, it } from 'vitest';
import { CHECK_NOW, runCheck } from '../../test/support/check-tester';
import check from './recent-recovery-point';
import { backupFacts, backupRule, checkInput, coveredBy } from '../../test/support/aws-facts';

const hoursAgo = (hours: number) => new Date(CHECK_NOW.getTime() - hours * 3_600_000).toISOString();

describe('aws-backup.recent-recovery-point', () => {
  it('passes a completed recovery point within policy.maxBackupAgeHours', () => {
    const [f] = runCheck(check, checkInput(coveredBy([backupRule()], [hoursAgo(3)])));
    expect(f!.status).toBe('pass');
    expect(f!.message).toContain('3 hours old');
  });
  it('fails an old recovery point, and a covered resource with none', () => {
    expect(runCheck(check, checkInput(coveredBy([backupRule()], [hoursAgo(50)])))[0]!.message).toContain('50 hours old (at most 26 allowed)');
    expect(runCheck(check, checkInput(coveredBy([backupRule()], [])))[0]!.status).toBe('fail');
  });
  it('is skipped where no AWS Backup plan covers it', () => {
    expect(runCheck(check, checkInput(backupFacts()))[0]!.status).toBe('skipped');
  });
});
