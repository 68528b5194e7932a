// Shared by the aws-backup.* checks: whether AWS Backup backs the datastore up at all.
import type { FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { AwsBackupFacts, AwsBackupRule } from '../../src/datastores/aws/facts';

/** The covering rules, or the one finding to give instead (unread: unknown; not backed up by AWS Backup: skipped). */
export function coveringRules(resource: string, facts: AwsBackupFacts): AwsBackupRule[] | FindingDraft {
  if (!facts.coverage.ok) return unreadable(resource, facts.coverage);
  const { rules, undetermined } = facts.coverage.value;
  if (rules.length > 0) return rules;
  const evidence = [{ source: facts.coverage.source, field: 'backup plan rule covering it', value: 'none' }];
  if (undetermined.length > 0) {
    const which = undetermined.map((u) => `plan ${u.plan} selection ${u.selection}: ${u.why}`).join('; ');
    return { resource, status: 'unknown', message: `whether AWS Backup covers it could not be told (${which})`, evidence };
  }
  return { resource, status: 'skipped', message: 'no AWS Backup plan covers it', evidence };
}
