// Scan ids as people type them: any unique prefix of a stored scan's id.
import type { HistoryStore } from './types';

/** What a scan id may hold (it names a file in the file history). */
export const SCAN_ID = /^[A-Za-z0-9._-]+$/;

export class AmbiguousScanIdError extends Error {}

/** The full id of the one stored scan whose id starts with `prefix`; undefined when none does. */
export async function resolveScanId(store: HistoryStore, prefix: string): Promise<string | undefined> {
  const matches = (await store.list()).filter((entry) => entry.scanId.startsWith(prefix.toLowerCase()));
  if (matches.length > 1) {
    throw new AmbiguousScanIdError(
      `scan id "${prefix}" is ambiguous: ${matches.length} scans start with it (${matches.slice(0, 5).map((m) => m.scanId).join(', ')}${matches.length > 5 ? ', ...' : ''})`,
    );
  }
  return matches[0]?.scanId;
}
