// Which messages go to which sink for one scan of one service. Pure.
import type { SinkConfig } from '../config/schema';
import type { DriftEvent, ScanResult, ServiceResult } from '../model';
import { findingKey, isViolation } from '../drift/diff';
import type { OutboxItem } from '../history/types';
import { atLeast, eventKey, hashKey, openFinding, type AlertMessage } from './message';

type Route = Pick<SinkConfig, 'name' | 'type' | 'owners' | 'services' | 'minSeverity'>;

/** Routing by owner and service; severity is filtered per message. */
export function routes(sink: Route, service: { name: string; owner?: string | undefined }): boolean {
  if (sink.services && !sink.services.includes(service.name)) return false;
  if (sink.owners && !(service.owner && sink.owners.includes(service.owner))) return false;
  return true;
}

/** Events that alert immediately: everything but the digest. The digest lists what these do not. */
const ALERTED_NOW: DriftEvent['type'][] = ['new-failure', 'waiver-expired'];

export interface PlanInput {
  scan: ScanResult;
  service: Pick<ServiceResult, 'name' | 'owner' | 'environment' | 'findings'>;
  events: DriftEvent[];
  /** The scan the events were computed against; absent on a service's first scan. */
  previousScanId?: string;
  sinks: Route[];
  digestDue: boolean;
  reportUrl?: string;
}

export function planAlerts(input: PlanInput): { outbox: OutboxItem[]; digestQueued: boolean } {
  const { scan, service, sinks } = input;
  const createdAt = scan.finishedAt;
  const keyed = input.previousScanId
    ? input.events.map((e) => ({ ...e, key: eventKey(e, input.previousScanId!) }))
    : [];
  const base = {
    service: service.name,
    ...(service.owner ? { owner: service.owner } : {}),
    environment: service.environment,
    scanId: scan.scanId,
    scanFinishedAt: scan.finishedAt,
    ...(input.reportUrl ? { reportUrl: input.reportUrl } : {}),
  };
  // new-failure and waiver-expired are each about one finding: matched on its key.
  const alertedNow = new Set(
    keyed.filter((e) => ALERTED_NOW.includes(e.type)).map((e) => findingKey({ checkId: e.checkId ?? '', resource: e.resource ?? '' })),
  );
  const open = service.findings.filter((f) => isViolation(f) && !alertedNow.has(findingKey(f)));
  const digestQueued = input.digestDue && open.length > 0;

  const outbox: OutboxItem[] = [];
  const queue = (sink: Route, message: AlertMessage) =>
    outbox.push({ id: `${sink.name}:${message.key}`, sink: sink.name, message, createdAt, attempts: 0 });

  for (const sink of sinks) {
    if (!routes(sink, service)) continue;
    const events = keyed.filter((e) => atLeast(e.severity, sink.minSeverity));
    if (events.length > 0) {
      if (sink.type === 'webhook') {
        // One request per event: the receiver deduplicates on the event's key.
        for (const event of events) queue(sink, { kind: 'drift', key: event.key, ...base, events: [event], openFindings: [] });
      } else {
        const key = hashKey(['drift', ...events.map((e) => e.key).sort()]);
        queue(sink, { kind: 'drift', key, ...base, events, openFindings: [] });
      }
    }
    if (digestQueued) {
      const listed = open.filter((f) => atLeast(f.severity, sink.minSeverity)).map(openFinding);
      if (listed.length > 0) {
        queue(sink, { kind: 'digest', key: hashKey(['digest', service.name, scan.scanId]), ...base, events: [], openFindings: listed });
      }
    }
  }
  return { outbox, digestQueued };
}
