// Shared by the s3.* checks: remediation commands name the bucket, not a placeholder.
import type { FindingDraft } from '../../src/engine/types';

/** The placeholder a check's remediation template uses for the bucket's name (shown as such in the check catalog). */
export const BUCKET_PLACEHOLDER = '<bucket>';

/** Each finding gets the check's remediation with the bucket's name in place of the placeholder. */
export function withBucketRemediation(template: string, bucket: string, drafts: FindingDraft[]): FindingDraft[] {
  const remediation = template.replaceAll(BUCKET_PLACEHOLDER, bucket);
  return drafts.map((draft) => ({ remediation, ...draft }));
}
