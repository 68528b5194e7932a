// The one check pipeline: every check, whatever its scope, is applied to its
// facts and its findings finalized here. Pure: the engine and the check tester
// (test/support/check-tester.ts) both run checks through it.
import type { Policy } from '../config/policy';
import type { Finding } from '../model';
import { errorMessage, redact } from '../secrets';
import type { CheckMetadata, Collected, FindingDraft } from './types';

/** How the message of a finding that only says its facts could not be collected begins (reports group these by datastore). */
export const COLLECTION_ERROR_PREFIX = 'could not collect ';

function skipReason(check: CheckMetadata, policy: Policy): string | undefined {
  if (policy.skipChecks.includes(check.id)) return `skipped by policy for environment "${policy.environment}"`;
  if (check.protection && !policy.protectionRequired) {
    return `environment "${policy.environment}" carries no protection requirement`;
  }
  return undefined;
}

/**
 * The one pipeline every check goes through, whatever its scope: it applies
 * where its facts were collected; a policy that says it does not apply gives
 * `skipped` (before anything else: a dev database's failed collection is not an
 * error of a check that does not apply to it); facts that could not be
 * collected give `error`; otherwise it is evaluated, and every draft finalized.
 */
export function evaluateCheck(
  check: CheckMetadata & { requires: string },
  base: { service: string; datastore?: string; resource: string },
  policy: Policy,
  entry: Collected<unknown> | undefined,
  evaluate: (facts: unknown) => FindingDraft[],
): Finding[] {
  if (!entry) return [];
  const skip = skipReason(check, policy);
  if (skip) return [finalize(check, base, { resource: base.resource, status: 'skipped', message: skip, evidence: [] })];
  if (!entry.ok) {
    return [finalize(check, base, { resource: base.resource, status: 'error', message: `${COLLECTION_ERROR_PREFIX}${check.requires} facts: ${entry.error}`, evidence: [] })];
  }
  try {
    return evaluate(entry.facts).map((draft) => finalize(check, base, draft));
  } catch (error) {
    return [finalize(check, base, { resource: base.resource, status: 'error', message: `check failed: ${errorMessage(error)}`, evidence: [] })];
  }
}

export function finalize(
  check: CheckMetadata,
  base: { service: string; datastore?: string },
  draft: FindingDraft,
): Finding {
  // A pass must rest on positive evidence; without any it is not a pass.
  const status = draft.status === 'pass' && draft.evidence.length === 0 ? 'unknown' : draft.status;
  const message = status === draft.status ? draft.message : `${draft.message} (no evidence recorded, so not a pass)`;
  // Last line of defence: whatever a check copied from config or an API, no registered secret leaves the engine.
  return {
    checkId: check.id,
    service: base.service,
    ...(base.datastore ? { datastore: base.datastore } : {}),
    resource: redact(draft.resource),
    status,
    severity: draft.severity ?? check.severity,
    message: redact(message),
    evidence: draft.evidence.map((e) => (typeof e.value === 'string' ? { ...e, value: redact(e.value) } : e)),
    remediation: redact(draft.remediation ?? check.remediation),
    ...(draft.location ? { location: draft.location } : {}),
    ...(draft.answer ? { answer: draft.answer } : {}),
    ...(draft.answerText ? { answerText: redact(draft.answerText) } : {}),
    ...(draft.rule ? { rule: draft.rule } : {}),
  };
}

