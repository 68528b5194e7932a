// `continuity checks`: every check with its severity, the framework rows it
// answers and the datastore types it runs on.
import { ALL_CHECKS } from '../../checks';
import { datastoreTypesOfFactKind } from '../datastores';
import type { Check } from '../engine/types';
import { allFrameworks, controlsOfCheck } from '../frameworks';
import { EXIT } from './exit-codes';

export interface CheckListing {
  id: string;
  title: string;
  severity: string;
  /** Framework id to the controls (questionnaire rows) the check answers. */
  frameworks: Record<string, string[]>;
  /** Datastore types it runs on; service checks run on a service's repository, estate checks once per scan. */
  appliesTo: string[];
}

export function listChecks(checks: Check[] = ALL_CHECKS): CheckListing[] {
  const frameworks = [...allFrameworks().values()];
  return checks.map((check) => ({
    id: check.id,
    title: check.title,
    severity: check.severity,
    frameworks: Object.fromEntries(
      frameworks
        .map((f) => [f.id, controlsOfCheck(f.id, check.id).map((c) => c.label)] as const)
        .filter(([, controls]) => controls.length > 0),
    ),
    appliesTo:
      check.scope === 'datastore' ? datastoreTypesOfFactKind(check.requires) : check.scope === 'service' ? ['repository'] : ['estate'],
  }));
}

export function runChecksCommand(options: { format: string }): number {
  if (options.format !== 'text' && options.format !== 'json') {
    process.stderr.write(`continuity: unknown format ${options.format} (known: text, json)\n`);
    return EXIT.usage;
  }
  const listing = listChecks();
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...listing.map((c) => c.id.length));
  for (const c of listing) {
    const answers = Object.entries(c.frameworks).map(([f, rows]) => `${f}: ${rows.join(', ')}`);
    process.stdout.write(
      `${c.id.padEnd(width)}  ${c.severity.padEnd(8)}  ${c.title}\n${' '.repeat(width + 12)}${[`on: ${c.appliesTo.join(', ')}`, ...answers].join('; ')}\n`,
    );
  }
  return EXIT.ok;
}
