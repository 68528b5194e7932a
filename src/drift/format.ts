import type { DriftEvent } from '../model';
import { stateLines } from '../alerts/message';

/** Events as terminal text, one block per event. */
export function formatEvents(events: DriftEvent[]): string {
  if (events.length === 0) return 'no changes\n';
  return events
    .map((e) => [`${e.type} [${e.severity}] ${e.service}: ${e.message}`, ...stateLines(e, '    ')].join('\n'))
    .join('\n')
    .concat('\n');
}
