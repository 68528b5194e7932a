// A datastore that could not be read (refused, timed out, statistics just reset)
// hides what its checks found: hidden findings are neither resolved nor, once
// the datastore can be read again, new. A scan is compared with a baseline that
// carries each hidden scope from the last scan that could see it. Pure.
import type { Finding, ServiceResult, Status } from '../model';

/** Statuses that say the check could not see (not that it saw nothing wrong). */
export const BLIND_STATUSES: readonly Status[] = ['error', 'unknown'];

/** A check on a datastore: the unit a failed collection hides as a whole. */
function scopeOf(finding: Finding): string | undefined {
  return finding.datastore === undefined ? undefined : `${finding.checkId}\u0000${finding.datastore}`;
}

/** Scopes every finding of which is error or unknown: the check saw nothing there. */
export function blindScopes(findings: Finding[]): Set<string> {
  const seen = new Map<string, boolean>();
  for (const finding of findings) {
    const scope = scopeOf(finding);
    if (scope === undefined) continue;
    seen.set(scope, (seen.get(scope) ?? true) && BLIND_STATUSES.includes(finding.status));
  }
  return new Set([...seen].filter(([, blind]) => blind).map(([scope]) => scope));
}

/**
 * The findings to compare `current` with: the previous scan's, except for
 * scopes the previous scan could not see and the current one can; those come
 * from the newest older scan (newest first in `older`) that could see them.
 */
export function baselineFindings(previous: ServiceResult, older: ServiceResult[], current: ServiceResult): Finding[] {
  const currentlyBlind = blindScopes(current.findings);
  const hidden = [...blindScopes(previous.findings)].filter((scope) => !currentlyBlind.has(scope));
  if (hidden.length === 0) return previous.findings;
  const carried = new Map<string, Finding[]>();
  for (const scan of older) {
    const blind = blindScopes(scan.findings);
    for (const scope of hidden) {
      if (carried.has(scope) || blind.has(scope)) continue;
      const findings = scan.findings.filter((f) => scopeOf(f) === scope);
      if (findings.length > 0) carried.set(scope, findings);
    }
    if (carried.size === hidden.length) break;
  }
  if (carried.size === 0) return previous.findings;
  return [
    ...previous.findings.filter((f) => {
      const scope = scopeOf(f);
      return scope === undefined || !carried.has(scope);
    }),
    ...[...carried.values()].flat(),
  ];
}

/** True when some scope of the previous scan was blind and is seen now: older scans are worth reading. */
export function needsOlderScans(previous: ServiceResult, current: ServiceResult): boolean {
  const currentlyBlind = blindScopes(current.findings);
  return [...blindScopes(previous.findings)].some((scope) => !currentlyBlind.has(scope));
}
