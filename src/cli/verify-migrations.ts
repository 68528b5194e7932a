// `continuity verify-migrations --repo PATH`: the round-trip verification as a
// scan of one service with only the round-trip collector and check.
import path from 'node:path';
import roundTripCheck from '../../checks/repo/migration-roundtrip';
import { roundTripCollector } from '../collectors/repo/round-trip';
import { runScan } from '../engine/scan';
import type { ServiceCollector } from '../engine/types';
import { createLogger } from '../log';
import type { ScanResult } from '../model';
import { unknownFormatError, writeReports } from '../report/write';
import { errorMessage } from '../secrets';
import { EXIT } from './exit-codes';
import { assertDirectory, repoOnlyConfig } from './repo-options';

export interface VerifyMigrationsOptions {
  repo: string;
  format: string[];
  out: string;
}

/** Exit code: 1 when a down fails or does not restore the schema, 3 when verification could not run. */
export function verifyExitCode(scan: ScanResult): number {
  const findings = scan.services.flatMap((s) => s.findings);
  if (findings.some((f) => f.status === 'error')) return EXIT.scanFailed;
  if (findings.some((f) => f.status === 'fail')) return EXIT.findingsAtOrAboveFailOn;
  return EXIT.ok;
}

export async function runVerifyMigrationsCommand(options: VerifyMigrationsOptions): Promise<number> {
  const formatError = unknownFormatError(options.format);
  if (formatError) {
    process.stderr.write(`continuity: ${formatError}\n`);
    return EXIT.usage;
  }
  try {
    await assertDirectory(options.repo);
  } catch (error) {
    process.stderr.write(`continuity: ${errorMessage(error)}\n`);
    return EXIT.usage;
  }
  const config = repoOnlyConfig(options.repo);
  // Round trips of a long migration history take a while; give them more room than one datastore.
  config.scan.datastoreTimeoutSeconds = Math.max(config.scan.datastoreTimeoutSeconds, 1800);
  const scan = await runScan({
    config,
    configPath: null,
    collectors: [],
    serviceCollectors: [roundTripCollector as ServiceCollector],
    checks: [roundTripCheck],
    log: createLogger(),
  });
  const written = await writeReports(scan, options.out, options.format);
  const findings = scan.services.flatMap((s) => s.findings);
  for (const f of findings) process.stdout.write(`[${f.status}] ${f.resource}: ${f.message}\n`);
  process.stdout.write(`${written.map((f) => `  wrote ${path.normalize(f)}`).join('\n')}\n`);
  return verifyExitCode(scan);
}
