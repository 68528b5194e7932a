// A scan limited with --check or --exclude-check ran only some checks. The
// next scan's findings of the other checks are compared with the newest scan
// that ran them; compared with nothing, every violation still open was
// reported (and alerted) as a new failure. Pure.
import type { Finding, ScanResult, ServiceResult } from '../model';

/** A stored scan of one service, with the ids of the checks that scan ran. */
export interface PastServiceScan {
  result: ServiceResult;
  checks: Set<string>;
}

/** The service's part of a stored scan; a scan stored before scans listed their checks counts as having run them all. */
export function pastServiceScan(scan: ScanResult, result: ServiceResult, ranNow: string[]): PastServiceScan {
  return { result, checks: new Set(scan.checks ? scan.checks.map((c) => c.id) : ranNow) };
}

/** The checks the current scan ran and the previous one did not. */
export function checksNotRunBefore(previous: PastServiceScan, ranNow: string[]): string[] {
  return ranNow.filter((id) => !previous.checks.has(id));
}

/**
 * `baseline` with the findings of each check in `notRun` taken from the newest
 * older scan (newest first in `older`) that ran it; a check no scan ran before
 * has no baseline: its violations are new.
 */
export function withChecksNotRunBefore(baseline: Finding[], notRun: string[], older: PastServiceScan[]): Finding[] {
  const carried: Finding[] = [];
  for (const id of notRun) {
    const last = older.find((scan) => scan.checks.has(id));
    if (last) carried.push(...last.result.findings.filter((f) => f.checkId === id));
  }
  return carried.length === 0 ? baseline : [...baseline, ...carried];
}
