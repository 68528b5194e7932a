// Recovery windows of AWS datastores, as checks and the report's recovery
// column state them. Pure: no I/O. S3: how long a bucket keeps previous
// object versions, by lifecycle rule scope. A rule limited to a prefix, tags or object sizes sets
// the window of those objects only; the bucket's window is set by the rules
// that apply to every object.
import type { S3LifecycleRule } from './facts';

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
