// A reset of cumulative statistics (pg_stat_reset(), a crash restart, a failover) is a
// change of its own: the checks built on the counters say unknown until the counters
// cover the policy's minimum age again. Read from the evidence field those checks carry
// (STATISTICS_SINCE_FIELD): it moving forward between two scans is the reset. Pure.
import { STATISTICS_SINCE_FIELD, type DriftEvent, type Finding } from '../model';

/** Since when statistics accumulate on each datastore, and which checks read them. */
function windows(findings: Finding[]): Map<string, { since: string; checks: Set<string> }> {
  const byDatastore = new Map<string, { since: string; checks: Set<string> }>();
  for (const finding of findings) {
    const value = finding.evidence.find((e) => e.field === STATISTICS_SINCE_FIELD)?.value;
    if (!finding.datastore || typeof value !== 'string' || Number.isNaN(Date.parse(value))) continue;
    const entry = byDatastore.get(finding.datastore) ?? { since: value, checks: new Set<string>() };
    if (Date.parse(value) > Date.parse(entry.since)) entry.since = value;
    entry.checks.add(finding.checkId);
    byDatastore.set(finding.datastore, entry);
  }
  return byDatastore;
}

/** One event per datastore whose statistics restarted between the two scans. */
export function statisticsResets(service: string, previous: Finding[], current: Finding[]): DriftEvent[] {
  const before = windows(previous);
  const events: DriftEvent[] = [];
  for (const [datastore, now] of windows(current)) {
    const then = before.get(datastore);
    if (!then || Date.parse(now.since) <= Date.parse(then.since)) continue;
    events.push({
      type: 'statistics-reset',
      service,
      datastore,
      resource: datastore,
      severity: 'low',
      message: `usage statistics of ${datastore} start again at ${now.since} (they had accumulated since ${then.since}): pg_stat_reset(), a crash restart or a failover; ${[...now.checks].sort().join(', ')} cannot judge until they cover the policy's minimum age again, and what they reported before is neither resolved nor new`,
    });
  }
  return events;
}
