// The Data sensitivity verdict shared by every datastore type's sensitive-columns check.
import type { FindingDraft } from '../engine/types';
import type { Evidence } from '../model';
import { remediationFor, type SensitiveClass } from './classes';

const DECLARE = "Declare the datastore's sensitivity (confidential or restricted) in config, and review who can read these columns.";

/**
 * Sensitive columns were found: a pass when the datastore is declared confidential
 * or restricted, a warning otherwise; secrets readable as they are raise the severity.
 */
export function sensitiveColumnsFinding(input: { resource: string; declared: string | undefined; columns: number; classes: SensitiveClass[]; evidence: Evidence[] }): FindingDraft {
  const { resource, declared, classes, evidence } = input;
  const summary = `${input.columns} sensitive columns (${classes.join(', ')})`;
  const remediation = [DECLARE, ...remediationFor(classes)].join(' ');
  const severity = classes.includes('secret') ? { severity: 'high' as const } : {};
  if (declared === 'confidential' || declared === 'restricted') {
    return { resource, status: 'pass', answer: 'yes', message: `${summary}; declared ${declared}`, evidence, remediation, ...severity };
  }
  return {
    resource,
    status: 'warn',
    answer: 'yes',
    message: declared ? `${summary}, but the datastore is declared "${declared}"` : `${summary}; the datastore declares no sensitivity`,
    evidence,
    remediation,
    ...severity,
  };
}
