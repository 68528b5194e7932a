import type { DriftEvent } from '../model';
import { describeEvidence } from '../alerts/message';

/** Events as terminal text, one block per event. */
export function formatEvents(events: DriftEvent[]): string {
  if (events.length === 0) return 'no changes\n';
  return events
    .map((e) => {
      const lines = [`${e.type} [${e.severity}] ${e.service}: ${e.message}`];
      if (e.before) lines.push(`    before (${e.before.status}): ${describeEvidence(e.before.evidence)}`);
      if (e.after) lines.push(`    after  (${e.after.status}): ${describeEvidence(e.after.evidence)}`);
      return lines.join('\n');
    })
    .join('\n')
    .concat('\n');
}
