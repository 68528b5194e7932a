import type { ScanIndexEntry } from './types';

/**
 * The scan ids to keep, given entries oldest first: a scan stays while it is
 * among the newest `keep` scans of at least one of its services.
 */
export function retainedScans(entries: ScanIndexEntry[], keep: number): string[] {
  const seen = new Map<string, number>();
  const kept: string[] = [];
  for (const entry of [...entries].reverse()) {
    let keepIt = false;
    for (const service of entry.services) {
      const count = (seen.get(service) ?? 0) + 1;
      seen.set(service, count);
      if (count <= keep) keepIt = true;
    }
    if (keepIt) kept.push(entry.scanId);
  }
  return kept.reverse();
}
