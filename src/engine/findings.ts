import type { FindingDraft, Observed } from './types';

/** The finding for a fact that could not be read: never a pass. */
export function unreadable(resource: string, fact: Extract<Observed<unknown>, { ok: false }>): FindingDraft {
  return {
    resource,
    status: 'unknown',
    message: `${fact.source} could not be read: ${fact.reason}${fact.hint ? `; to allow it: ${fact.hint}` : ''}`,
    evidence: [{ source: fact.source, field: 'read', value: `failed: ${fact.reason}` }],
  };
}
