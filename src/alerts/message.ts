// What an alert says, independent of where it goes. Built from drift events
// and open findings, kept in the outbox, rendered by each sink.
import { createHash } from 'node:crypto';
import type { DriftEvent, Evidence, Finding, Severity, Status } from '../model';
import { severityRank } from '../model';

export interface OpenFinding {
  checkId: string;
  resource: string;
  status: Status;
  severity: Severity;
  message: string;
}

export interface AlertMessage {
  /** `drift`: events of one scan of one service; `digest`: its open violations. */
  kind: 'drift' | 'digest';
  /** Idempotency key: the same change always gets the same key, so a receiver can drop a repeat. */
  key: string;
  service: string;
  owner?: string;
  environment: string;
  scanId: string;
  scanFinishedAt: string;
  reportUrl?: string;
  events: (DriftEvent & { key: string })[];
  openFindings: OpenFinding[];
}

export function hashKey(parts: (string | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 32);
}

/**
 * An event's identity: what changed, where, and since which scan. A scan that
 * is repeated after a crash (same previous scan, same change) gets the same key.
 */
export function eventKey(event: DriftEvent, previousScanId: string): string {
  return hashKey(['event', event.service, event.type, event.checkId, event.resource, previousScanId]);
}

export function atLeast(severity: Severity, minimum: Severity): boolean {
  return severityRank(severity) >= severityRank(minimum);
}

export function describeEvidence(evidence: Evidence[]): string {
  return evidence.length === 0 ? '(none)' : evidence.map((e) => `${e.source} ${e.field} = ${e.value === null ? 'null' : String(e.value)}`).join('; ');
}

/** An event's state before and after, one indented line each, for plain-text channels. */
export function stateLines(event: DriftEvent, indent: string): string[] {
  const lines: string[] = [];
  if (event.before) lines.push(`${indent}before (${event.before.status}): ${describeEvidence(event.before.evidence)}`);
  if (event.after) lines.push(`${indent}after (${event.after.status}): ${describeEvidence(event.after.evidence)}`);
  return lines;
}

export function openFinding(finding: Finding): OpenFinding {
  return {
    checkId: finding.checkId,
    resource: finding.resource,
    status: finding.status,
    severity: finding.severity,
    message: finding.message,
  };
}

/** A one-line title for any channel. */
export function title(message: AlertMessage): string {
  if (message.kind === 'digest') {
    return `continuity digest: ${message.service} has ${message.openFindings.length} open finding(s)`;
  }
  const counts = new Map<string, number>();
  for (const e of message.events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  return `continuity: ${message.service} changed: ${[...counts].map(([type, n]) => `${n} ${type}`).join(', ')}`;
}

/** Plain text for email and for the Slack notification fallback. */
export function plainText(message: AlertMessage): string {
  const lines = [title(message), `scan ${message.scanId} finished ${message.scanFinishedAt}`];
  if (message.reportUrl) lines.push(`report: ${message.reportUrl}`);
  lines.push('');
  for (const event of message.events) {
    lines.push(`[${event.severity}] ${event.type}: ${event.message}`, ...stateLines(event, '  '));
  }
  for (const finding of message.openFindings) {
    lines.push(`[${finding.severity}] ${finding.status} ${finding.checkId} on ${finding.resource}: ${finding.message}`);
  }
  return `${lines.join('\n')}\n`;
}
