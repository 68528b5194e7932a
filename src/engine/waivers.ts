import type { Waiver } from '../config/schema';
import type { Finding } from '../model';
import { DAY_MS } from '../util';

function matches(waiver: Waiver, finding: Finding): boolean {
  if (waiver.check !== finding.checkId) return false;
  if (waiver.resource.endsWith('*')) return finding.resource.startsWith(waiver.resource.slice(0, -1));
  return waiver.resource === finding.resource;
}

/** The waiver covers its expiry day to its end, in UTC. */
function isExpired(waiver: Waiver, now: Date): boolean {
  return now.getTime() >= Date.parse(`${waiver.expires}T00:00:00Z`) + DAY_MS;
}

/**
 * A live waiver turns a fail or warn into `waived`. An expired one leaves the
 * status as it is and says so, so the finding is not silently forgiven.
 */
export function applyWaivers(findings: Finding[], waivers: Waiver[], now: Date): Finding[] {
  return findings.map((finding) => {
    if (finding.status !== 'fail' && finding.status !== 'warn') return finding;
    const waiver = waivers.find((w) => matches(w, finding));
    if (!waiver) return finding;
    const expired = isExpired(waiver, now);
    const application = { reason: waiver.reason, approver: waiver.approver, expires: waiver.expires, expired };
    if (expired) {
      return { ...finding, waiver: application, message: `${finding.message} (waiver expired ${waiver.expires})` };
    }
    return { ...finding, status: 'waived', waiver: application };
  });
}
