// Recovery windows of AWS datastores, as checks and the report's recovery
// column state them. Pure: no I/O. S3: how long a bucket keeps previous
// object versions, by lifecycle rule scope. Every AWS datastore: the window
// an AWS Backup continuous backup rule covering it gives. A rule limited to a prefix, tags or object sizes sets
// the window of those objects only; the bucket's window is set by the rules
// that apply to every object.
import type { Evidence } from '../../model';
import type { AwsBackupFacts, AwsBackupRule, AwsBackupUndetermined, S3LifecycleRule } from './facts';

export interface NoncurrentWindow {
  /** Days the whole bucket keeps previous versions; null: indefinitely (no whole-bucket rule expires them). */
  bucketDays: number | null;
  /** The enabled whole-bucket rule that sets bucketDays, if any. */
  bucketRule: S3LifecycleRule | null;
  /** Enabled scoped rules that keep previous versions shorter than the whole bucket does, shortest first. */
  shorterScopes: S3LifecycleRule[];
}

export function noncurrentWindow(rules: S3LifecycleRule[]): NoncurrentWindow {
  const expiring = rules.filter((r) => r.enabled && r.noncurrentDays !== null).sort((a, b) => a.noncurrentDays! - b.noncurrentDays!);
  const bucketRule = expiring.find((r) => r.wholeBucket) ?? null;
  const bucketDays = bucketRule?.noncurrentDays ?? null;
  const shorterScopes = expiring.filter((r) => !r.wholeBucket && (bucketDays === null || r.noncurrentDays! < bucketDays));
  return { bucketDays, bucketRule, shorterScopes };
}

/** "3 days", or "3 days (below 30)" when under the policy minimum (when one is given). */
export function daysAgainst(days: number, minimum: number | undefined): string {
  return `${days} ${days === 1 ? 'day' : 'days'}${minimum !== undefined && days < minimum ? ` (below ${minimum})` : ''}`;
}

/** What AWS Backup continuous backup gives a resource, for the recovery checks and the report. */
export type ContinuousBackup =
  /** The plans could not be read, or a continuous rule covers it and its recovery points could not be. */
  | { state: 'unread'; source: string; reason: string }
  | { state: 'none'; source: string; undetermined: AwsBackupUndetermined[] }
  /** Covered by a continuous rule; `working` when a completed recovery point shows it runs. */
  | { state: 'covered'; source: string; rule: AwsBackupRule; days: number; working: boolean };

/** The covering continuous rule with the longest retention (a rule without DeleteAfterDays keeps none: continuous retention is 1 to 35 days). */
export function continuousBackup(backup: AwsBackupFacts): ContinuousBackup {
  const { coverage, recoveryPoints } = backup;
  if (!coverage.ok) return { state: 'unread', source: coverage.source, reason: coverage.reason };
  const continuous = coverage.value.rules
    .filter((r) => r.continuous && r.deleteAfterDays !== null)
    .sort((a, b) => b.deleteAfterDays! - a.deleteAfterDays!);
  const rule = continuous[0];
  if (!rule) return { state: 'none', source: coverage.source, undetermined: coverage.value.undetermined };
  // Whether the covering rule runs rests on the recovery points: unread, it is not known (not "not running").
  if (!recoveryPoints.ok) return { state: 'unread', source: recoveryPoints.source, reason: recoveryPoints.reason };
  return { state: 'covered', source: coverage.source, rule, days: rule.deleteAfterDays!, working: recoveryPoints.value.completed > 0 };
}

/** "AWS Backup continuous 35 days (plan prod-pitr)", for messages and the recovery column. */
export function describeContinuous(c: Extract<ContinuousBackup, { state: 'covered' }>, minimum?: number): string {
  return `AWS Backup continuous ${daysAgainst(c.days, minimum)} (plan ${c.rule.plan}${c.working ? '' : ', no completed recovery point yet'})`;
}

/** Evidence of the continuous backup state. */
export function continuousEvidence(c: ContinuousBackup): Evidence[] {
  if (c.state === 'unread') return [{ source: c.source, field: 'read', value: `failed: ${c.reason}` }];
  if (c.state === 'none') return [{ source: c.source, field: 'continuous backup rule covering it', value: 'none' }];
  return [
    { source: c.source, field: `plan ${c.rule.plan} rule ${c.rule.rule} (selection ${c.rule.selection}) EnableContinuousBackup`, value: true },
    { source: c.source, field: `plan ${c.rule.plan} rule ${c.rule.rule} Lifecycle.DeleteAfterDays`, value: c.days },
  ];
}
