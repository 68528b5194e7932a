// --check and --exclude-check: which checks a scan runs, by id or glob (`postgres.*`).
import type { Check } from '../engine/types';

export class CheckSelectionError extends Error {}

function matcher(pattern: string): (id: string) => boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (id) => regex.test(id);
}

/** The checks selected by --check (all when absent) minus --exclude-check; a pattern matching no check is an error. */
export function selectChecks(all: Check[], include: string[] | undefined, exclude: string[] | undefined): Check[] {
  const unmatched = [...(include ?? []), ...(exclude ?? [])].filter((p) => !all.some((c) => matcher(p)(c.id)));
  if (unmatched.length > 0) {
    throw new CheckSelectionError(
      `no check matches ${unmatched.map((p) => `"${p}"`).join(', ')} (\`continuity checks\` lists them)`,
    );
  }
  const included = include ? all.filter((c) => include.some((p) => matcher(p)(c.id))) : all;
  return included.filter((c) => !(exclude ?? []).some((p) => matcher(p)(c.id)));
}
