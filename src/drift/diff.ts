// Drift: what changed between two scans of the same service. Pure: no I/O.
import {
  STATISTICS_SINCE_FIELD,
  type CheckDescriptor,
  type DriftEvent,
  type Evidence,
  type EvidenceTrend,
  type Finding,
  type ScanResult,
  type ServiceResult,
  type Severity,
  type Status,
} from '../model';
import { ESTATE } from '../engine/scan';
import { legacyResource } from './legacy-keys';
import { baselineFindings, BLIND_STATUSES } from './outages';
import { checksNotRunBefore, pastServiceScan, withChecksNotRunBefore, type PastServiceScan } from './partial-scans';
import { dataChanged, isDataChange } from './data-changes';
import { statisticsResets } from './statistics-reset';

/** Statuses that make a finding an open violation (alerted once, then listed in the digest). */
const VIOLATION_STATUSES: readonly Status[] = ['fail', 'warn'];

/** A datastore appearing is a posture change someone should review (e.g. created without a backup policy). */
const DATASTORE_ADDED_SEVERITY: Severity = 'medium';
const DATASTORE_REMOVED_SEVERITY: Severity = 'low';
/** Nothing about the datastore is verified while it lasts. */
const DATASTORE_UNREADABLE_SEVERITY: Severity = 'medium';

export function isViolation(finding: Pick<Finding, 'status'>): boolean {
  return VIOLATION_STATUSES.includes(finding.status);
}

/** Findings are matched across scans on (check id, resource). */
export function findingKey(finding: Pick<Finding, 'checkId' | 'resource'>): string {
  return `${finding.checkId}\u0000${finding.resource}`;
}

function snapshot(finding: Finding): { status: Status; evidence: Evidence[] } {
  return { status: finding.status, evidence: finding.evidence };
}

function where(finding: Finding): string {
  return `${finding.checkId} on ${finding.resource}`;
}

function locate(finding: Finding): Pick<DriftEvent, 'checkId' | 'datastore' | 'resource'> {
  return {
    checkId: finding.checkId,
    resource: finding.resource,
    ...(finding.datastore ? { datastore: finding.datastore } : {}),
  };
}

/** A number from an evidence value: numbers, numeric strings and ISO dates (as epoch ms). */
export function comparableValue(value: Evidence['value']): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const asNumber = Number(value);
  if (Number.isFinite(asNumber)) return asNumber;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : time;
  }
  return undefined;
}

/** The trended evidence fields that moved the wrong way, as "field: before -> after". */
function worsenedEvidence(before: Finding, after: Finding, trends: Record<string, EvidenceTrend>): string[] {
  const moves: string[] = [];
  for (const [field, trend] of Object.entries(trends)) {
    const old = before.evidence.find((e) => e.field === field);
    const now = after.evidence.find((e) => e.field === field && (!old || e.source === old.source));
    if (!old || !now) continue;
    const a = comparableValue(old.value);
    const b = comparableValue(now.value);
    if (a === undefined || b === undefined) continue;
    if (trend === 'higher-is-better' ? b < a : b > a) moves.push(`${field}: ${old.value} -> ${now.value}`);
  }
  return moves;
}

/** The events between two results of one service (or the estate), matched on (check id, resource). */
function diffFindings(
  service: string,
  previous: { findings: Finding[]; datastores: string[]; unreadable?: Map<string, string> },
  current: { findings: Finding[]; datastores: string[]; unreadable?: Map<string, string> },
  checks: CheckDescriptor[],
  baseline: Finding[] = previous.findings,
): DriftEvent[] {
  const events: DriftEvent[] = [];
  const trends = new Map(checks.filter((c) => c.evidenceTrend).map((c) => [c.id, c.evidenceTrend!]));
  const before = new Set(previous.datastores);
  const after = new Set(current.datastores);
  const removed = previous.datastores.filter((d) => !after.has(d));
  const added = current.datastores.filter((d) => !before.has(d));

  for (const datastore of added) {
    const failing = current.findings.filter((f) => f.datastore === datastore && isViolation(f)).length;
    events.push({
      type: 'datastore-added',
      service,
      datastore,
      resource: datastore,
      severity: DATASTORE_ADDED_SEVERITY,
      message: `datastore ${datastore} appeared in ${service}${failing > 0 ? ` with ${failing} open finding(s)` : ''}`,
    });
  }
  for (const datastore of removed) {
    events.push({
      type: 'datastore-removed',
      service,
      datastore,
      resource: datastore,
      severity: DATASTORE_REMOVED_SEVERITY,
      message: `datastore ${datastore} is no longer part of ${service}`,
    });
  }

  // Findings are matched against the baseline (hidden scopes carried through an outage);
  // the statistics window is the previous scan's own.
  // An outage is one event per datastore at its start and one at its end, not a lost view per check.
  const wentDark = new Set<string>();
  for (const datastore of current.datastores) {
    if (!before.has(datastore)) continue;
    const error = current.unreadable?.get(datastore);
    const wasUnreadable = previous.unreadable?.has(datastore) ?? false;
    if (error !== undefined && !wasUnreadable) {
      wentDark.add(datastore);
      events.push({
        type: 'datastore-unreadable',
        service,
        datastore,
        resource: datastore,
        severity: DATASTORE_UNREADABLE_SEVERITY,
        message: `datastore ${datastore} could not be scanned (${error}); what its checks reported before is neither resolved nor new until it can be scanned again`,
      });
    } else if (error === undefined && wasUnreadable) {
      events.push({
        type: 'datastore-readable',
        service,
        datastore,
        resource: datastore,
        severity: 'low',
        message: `datastore ${datastore} can be scanned again; its findings are compared with the last scan that could read it`,
      });
    }
  }

  const previousByKey = new Map(baseline.map((f) => [findingKey(f), f]));
  const currentKeys = new Set(current.findings.map(findingKey));
  // A previous scan with the old resource keys: its findings are matched under the key they had then.
  const matchedByLegacyKey = new Set<string>();
  const previousOf = (now: Finding): Finding | undefined => {
    const exact = previousByKey.get(findingKey(now));
    if (exact) return exact;
    const legacy = legacyResource(now);
    const key = legacy === undefined ? undefined : findingKey({ checkId: now.checkId, resource: legacy });
    if (key === undefined || currentKeys.has(key) || !previousByKey.has(key)) return undefined;
    matchedByLegacyKey.add(key);
    return previousByKey.get(key);
  };
  const resets = statisticsResets(service, previous.findings, current.findings);
  const reset = new Set(resets.map((e) => e.datastore));
  events.push(...resets);
  // A check that could not read a datastore reports one error on it instead of its
  // per-table findings: those are hidden, not resolved.
  const blindScope = (f: Finding) => findingKey({ checkId: f.checkId, resource: f.datastore ?? '' });
  const blind = new Set(current.findings.filter((f) => BLIND_STATUSES.includes(f.status)).map(blindScope));

  for (const now of current.findings) {
    const old = previousOf(now);
    if (!old) {
      // A change of production data since the previous scan: reported as such, whatever its status.
      if (isDataChange(now)) {
        events.push(dataChanged(service, now));
        continue;
      }
      // A new resource (a new table, a new datastore) that is already in violation.
      if (isViolation(now)) {
        events.push({
          type: 'new-failure',
          service,
          ...locate(now),
          severity: now.severity,
          message: `${where(now)} is ${now.status}: ${now.message}`,
          after: snapshot(now),
        });
      }
      continue;
    }
    const event = transition(service, old, now, trends.get(now.checkId));
    // Statistics that restarted are one statistics-reset event, not a lost view per check.
    if (event?.type === 'lost-visibility' && now.datastore && reset.has(now.datastore) && readsStatistics(now)) continue;
    if (event?.type === 'lost-visibility' && now.datastore && wentDark.has(now.datastore)) continue;
    if (event) events.push(event);
  }

  // A scan limited with --check/--exclude-check did not run the other checks: their findings are not resolved.
  const ranNow = new Set(checks.map((c) => c.id));
  for (const old of baseline) {
    if (currentKeys.has(findingKey(old)) || matchedByLegacyKey.has(findingKey(old)) || !isViolation(old)) continue;
    if (!ranNow.has(old.checkId)) continue;
    // A removed datastore's findings leave with it: datastore-removed says so.
    if (old.datastore && removed.includes(old.datastore)) continue;
    if (blind.has(blindScope(old))) continue;
    // A data change that left the read window was not undone: nothing to report.
    if (isDataChange(old)) continue;
    events.push({
      type: 'resolved',
      service,
      ...locate(old),
      severity: old.severity,
      message: `${where(old)} no longer reports a problem (was ${old.status}: ${old.message})`,
      before: snapshot(old),
    });
  }
  return events;
}

function readsStatistics(finding: Finding): boolean {
  return finding.evidence.some((e) => e.field === STATISTICS_SINCE_FIELD);
}

function transition(
  service: string,
  old: Finding,
  now: Finding,
  trends: Record<string, EvidenceTrend> | undefined,
): DriftEvent | undefined {
  const base = { service, ...locate(now), before: snapshot(old), after: snapshot(now) };
  if (isViolation(now) && !isViolation(old)) {
    if (old.status === 'waived' && now.waiver?.expired) {
      return {
        type: 'waiver-expired',
        ...base,
        severity: now.severity,
        message: `the waiver for ${where(now)} expired on ${now.waiver.expires} (approved by ${now.waiver.approver}: ${now.waiver.reason}); it is ${now.status} again: ${now.message}`,
      };
    }
    return {
      type: 'new-failure',
      ...base,
      severity: now.severity,
      message: `${where(now)} went from ${old.status} to ${now.status}: ${now.message}`,
    };
  }
  if (isViolation(old) && (now.status === 'pass' || now.status === 'skipped')) {
    return {
      type: 'resolved',
      ...base,
      severity: old.severity,
      message: `${where(now)} went from ${old.status} to ${now.status}: ${now.message}`,
    };
  }
  if (old.status === 'pass' && BLIND_STATUSES.includes(now.status)) {
    return {
      type: 'lost-visibility',
      ...base,
      severity: now.severity,
      message: `${where(now)} can no longer be verified (was pass, now ${now.status}): ${now.message}`,
    };
  }
  if (old.status === 'pass' && now.status === 'pass' && trends) {
    const moves = worsenedEvidence(old, now, trends);
    if (moves.length > 0) {
      return {
        type: 'evidence-worsened',
        ...base,
        severity: now.severity,
        message: `${where(now)} still passes but its evidence worsened: ${moves.join('; ')}`,
      };
    }
  }
  return undefined;
}

/** Datastores whose collector could not run at all, with why. */
function unreadable(service: ServiceResult): Map<string, string> {
  return new Map(service.datastores.flatMap((d) => (d.collectionError === undefined ? [] : [[d.name, d.collectionError] as const])));
}

/**
 * `older`: the service's scans before `previous`, newest first. A scope the
 * previous scan could not see (datastore unreadable) is compared with the last
 * scan that saw it, so fail -> error -> fail is one open violation, not a new one;
 * a check the previous scan did not run (--check) with the last scan that ran it.
 */
export function diffService(previous: PastServiceScan, current: ServiceResult, checks: CheckDescriptor[], older: PastServiceScan[] = []): DriftEvent[] {
  const { result } = previous;
  const notRun = checksNotRunBefore(previous, checks.map((c) => c.id));
  return diffFindings(
    current.name,
    { findings: result.findings, datastores: result.datastores.map((d) => d.name), unreadable: unreadable(result) },
    { findings: current.findings, datastores: current.datastores.map((d) => d.name), unreadable: unreadable(current) },
    checks,
    withChecksNotRunBefore(baselineFindings(result, older.map((o) => o.result), current), notRun, older),
  );
}

/**
 * Events between two scans: each service present in both is compared, and the
 * estate-level findings. A service only in one of them has no baseline to compare.
 */
export function diffScans(previous: ScanResult, current: ScanResult): DriftEvent[] {
  const previousServices = new Map(previous.services.map((s) => [s.name, s]));
  const events = current.services.flatMap((service) => {
    const old = previousServices.get(service.name);
    return old ? diffService(pastServiceScan(previous, old, current.checks.map((c) => c.id)), service, current.checks) : [];
  });
  return [...events, ...diffEstate(previous, current)];
}

/** Events between the estate-level findings (discovery) of two scans. */
export function diffEstate(previous: ScanResult, current: ScanResult): DriftEvent[] {
  return diffFindings(
    ESTATE,
    { findings: previous.estate.findings, datastores: [] },
    { findings: current.estate.findings, datastores: [] },
    current.checks,
  );
}
