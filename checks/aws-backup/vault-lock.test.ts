import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './vault-lock';
import { backupFacts, backupRule, checkInput, coveredBy } from '../../test/support/aws-facts';
import { observed, unavailable } from '../../src/engine/types';
import type { AwsBackupVault } from '../../src/datastores/aws/facts';

const vault = (overrides: Partial<AwsBackupVault> = {}): AwsBackupVault => ({
  name: 'prod-vault',
  locked: true,
  minRetentionDays: 35,
  maxRetentionDays: 365,
  lockDate: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
const withVaults = (vaults: AwsBackupVault[]) => ({ ...coveredBy([backupRule()]), vaults: observed('backup:ListBackupVaults', vaults) });

describe('aws-backup.vault-lock', () => {
  it('passes when the vaults it is written to and held in are locked for at least the policy', () => {
    const [f] = runCheck(check, checkInput(withVaults([vault()])));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toContainEqual({ source: 'backup:ListBackupVaults', field: 'vault prod-vault MinRetentionDays', value: 35 });
  });
  it('fails an unlocked vault, and a lock shorter than the policy', () => {
    expect(runCheck(check, checkInput(withVaults([vault({ locked: false })])))[0]!.message).toContain('prod-vault is not locked');
    const short = runCheck(check, checkInput(withVaults([vault({ minRetentionDays: 7 })])))[0]!;
    expect(short.status).toBe('fail');
    expect(short.message).toContain('minimum retention of 7 days (below 30)');
  });
  it('warns, not passes, while the lock can still be removed: governance mode, or compliance mode before its LockDate', () => {
    const governance = runCheck(check, checkInput(withVaults([vault({ lockDate: null })])))[0]!;
    expect(governance.status).toBe('warn');
    expect(governance.message).toContain('vault prod-vault is in governance mode (no LockDate)');
    expect(governance.evidence).toContainEqual({ source: 'backup:ListBackupVaults', field: 'vault prod-vault LockDate', value: 'none (governance mode)' });
    const grace = runCheck(check, checkInput(withVaults([vault({ lockDate: '2026-11-24T00:00:00.000Z' })])))[0]!;
    expect(grace.status).toBe('warn');
    expect(grace.message).toContain("compliance mode's grace time until 2026-11-24T00:00:00.000Z");
    // With the vaults holding its recovery points unread, the warning claims only the plan's vaults and says what was not read.
    const unread = runCheck(check, checkInput({ ...withVaults([vault({ lockDate: null })]), recoveryPoints: unavailable('backup:ListRecoveryPointsByResource', 'AccessDeniedException') }))[0]!;
    expect(unread.status).toBe('warn');
    expect(unread.message).toMatch(/^the vaults its rules write to \(prod-vault\) are locked, but the lock can still be removed/);
    expect(unread.message).toContain('; and the vaults holding its recovery points could not be read (backup:ListRecoveryPointsByResource: AccessDeniedException)');
  });
  it('is skipped where no plan covers it, unknown where the plans or vaults could not be read', () => {
    expect(runCheck(check, checkInput(backupFacts()))[0]!.status).toBe('skipped');
    expect(runCheck(check, checkInput(backupFacts({ coverage: unavailable('backup:ListBackupPlans', 'AccessDeniedException') })))[0]!.status).toBe('unknown');
    expect(runCheck(check, checkInput({ ...withVaults([]), vaults: unavailable('backup:ListBackupVaults', 'AccessDeniedException') }))[0]!.status).toBe('unknown');
  });
  it('is unknown, not a pass, when the locked rule vaults are fine but the vaults holding its recovery points could not be read', () => {
    const [f] = runCheck(check, checkInput({ ...withVaults([vault()]), recoveryPoints: unavailable('backup:ListRecoveryPointsByResource', 'AccessDeniedException') }));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toContain('could not be read');
  });
});
