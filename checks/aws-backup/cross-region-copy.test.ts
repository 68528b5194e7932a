import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './cross-region-copy';
import { backupFacts, backupRule, checkInput, coveredBy } from '../../test/support/aws-facts';

describe('aws-backup.cross-region-copy', () => {
  it('passes a rule copying to a vault in another region', () => {
    const copy = backupRule({ copyDestinations: ['arn:aws:backup:eu-central-1:111111111111:backup-vault:dr'] });
    const [f] = runCheck(check, checkInput(coveredBy([copy])));
    expect(f!.status).toBe('pass');
    expect(f!.message).toContain('is configured to copy its recovery points to eu-central-1 (CopyActions; the copy jobs and the copies themselves are not read)');
  });
  it('warns when copies stay in the region or there are none', () => {
    const local = backupRule({ copyDestinations: ['arn:aws:backup:eu-west-1:111111111111:backup-vault:other'] });
    const [f] = runCheck(check, checkInput(coveredBy([local])));
    expect(f!.status).toBe('warn');
    expect(f!.message).toContain('never copied out of eu-west-1');
    expect(runCheck(check, checkInput(coveredBy([backupRule()])))[0]!.status).toBe('warn');
  });
  it('is skipped where no AWS Backup plan covers it', () => {
    expect(runCheck(check, checkInput(backupFacts()))[0]!.status).toBe('skipped');
  });
});
