import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';
import { coveringRules } from './_backed-up';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'awsBackup',
  id: 'aws-backup.vault-lock',
  title: 'AWS Backup recovery points sit in a locked vault',
  severity: 'high',
  protection: true,
  description:
    'Every vault the covering backup rules write to, and every vault holding a completed recovery point of the datastore, has AWS Backup Vault Lock (Locked) with MinRetentionDays at least the policy minimum (pitrMinRetentionDays), in compliance mode past its LockDate, so no one, the account root included, can delete the recovery points sooner. A lock in governance mode (no LockDate) or in compliance mode\'s grace time can still be removed: a warning.',
  remediation:
    'aws backup put-backup-vault-lock-configuration --backup-vault-name <vault> --min-retention-days <policy days> (and --changeable-for-days to enter compliance mode once tested).',
  docs: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    const resource = datastore.name;
    const rules = coveringRules(resource, facts);
    if (!Array.isArray(rules)) return [rules];
    if (!facts.vaults.ok) return [unreadable(resource, facts.vaults)];
    const held = facts.recoveryPoints.ok ? facts.recoveryPoints.value.vaults : [];
    const names = [...new Set([...rules.map((r) => r.vault), ...held])].sort();
    const minimum = policy.pitrMinRetentionDays;
    const source = facts.vaults.source;
    const evidence: Evidence[] = [];
    const weak: string[] = [];
    // Only a compliance-mode lock past its LockDate binds everyone: before it, or without one (governance mode), the lock can be removed.
    const removable: string[] = [];
    for (const name of names) {
      const vault = facts.vaults.value.find((v) => v.name === name);
      evidence.push({ source, field: `vault ${name} Locked`, value: vault ? vault.locked : 'not listed' }, { source, field: `vault ${name} MinRetentionDays`, value: vault?.minRetentionDays ?? null });
      if (vault?.locked) evidence.push({ source, field: `vault ${name} LockDate`, value: vault.lockDate ?? 'none (governance mode)' });
      if (!vault) weak.push(`${name} is not listed in this account and region`);
      else if (!vault.locked) weak.push(`${name} is not locked`);
      else if (vault.minRetentionDays === null || vault.minRetentionDays < minimum) weak.push(`${name} is locked with a minimum retention of ${vault.minRetentionDays ?? 'none'} days (below ${minimum})`);
      else if (!vault.lockDate) removable.push(`${name} is in governance mode (no LockDate)`);
      else if (!(Date.parse(vault.lockDate) <= now.getTime())) removable.push(`${name} is in compliance mode's grace time until ${vault.lockDate}`);
    }
    if (weak.length > 0) return [{ resource, status: 'fail', message: `recovery points can be deleted early: vault ${weak.join('; ')}`, evidence }];
    // The vaults already holding recovery points were not listed: only the plan's vaults were judged.
    const points = facts.recoveryPoints.ok ? null : facts.recoveryPoints;
    if (points) evidence.push({ source: points.source, field: 'read', value: `failed: ${points.reason}` });
    const unlisted = points ? `the vaults holding its recovery points could not be read (${points.source}: ${points.reason})` : '';
    if (removable.length > 0) {
      const where = points ? `the vaults its rules write to (${names.join(', ')}) are locked` : `its recovery points sit in locked vaults (${names.join(', ')})`;
      return [
        {
          resource,
          status: 'warn',
          message: `${where}, but the lock can still be removed, and the recovery points then deleted early, by a principal allowed backup:DeleteBackupVaultLockConfiguration (the account root included): vault ${removable.join('; ')}${points ? `; and ${unlisted}` : ''}`,
          evidence,
        },
      ];
    }
    if (points) return [{ resource, status: 'unknown', message: `the vaults its rules write to (${names.join(', ')}) are locked, but ${unlisted}`, evidence }];
    return [{ resource, status: 'pass', message: `its recovery points sit in locked vaults (${names.join(', ')}) keeping them at least ${minimum} days`, evidence }];
  },
});
