import path from 'node:path';
import { ALL_CHECKS } from '../../checks';
import { ConfigError, loadConfig } from '../config/load';
import type { Config } from '../config/schema';
import { startDemoEstate } from '../demo/estate';
import { runScan, UnknownServiceError } from '../engine/scan';
import { DATASTORE_COLLECTORS, ESTATE_COLLECTORS, SERVICE_COLLECTORS } from '../engine/registry';
import { createLogger } from '../log';
import { severityRank, type ScanResult, type Severity } from '../model';
import { FORMATS, writeReports } from '../report/write';
import { errorMessage } from '../secrets';
import { EXIT } from './exit-codes';

export interface ScanOptions {
  config?: string;
  service?: string[];
  format: string[];
  out: string;
  failOn?: Severity;
}

/** True when every datastore that was attempted failed to collect: nothing could be scanned. */
export function nothingScanned(scan: ScanResult): boolean {
  const datastores = scan.services.flatMap((s) => s.datastores);
  return datastores.length > 0 && datastores.every((d) => d.collectionError !== undefined);
}

export async function runScanCommand(options: ScanOptions): Promise<number> {
  const log = createLogger();
  const unknownFormats = options.format.filter((f) => !(f in FORMATS));
  if (unknownFormats.length > 0) {
    process.stderr.write(`continuity: unknown format ${unknownFormats.join(', ')} (known: ${Object.keys(FORMATS).join(', ')})\n`);
    return EXIT.usage;
  }

  let config: Config;
  let stopDemo: (() => Promise<void>) | undefined;
  if (options.config) {
    try {
      config = await loadConfig(options.config);
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`continuity: invalid configuration\n${error.message}\n`);
        return EXIT.usage;
      }
      throw error;
    }
  } else {
    process.stderr.write('continuity: no --config given: scanning the built-in demo estate (embedded PostgreSQL)\n');
    try {
      const demo = await startDemoEstate();
      config = demo.config;
      stopDemo = demo.stop;
    } catch (error) {
      process.stderr.write(`continuity: could not start the demo estate: ${errorMessage(error)}\n`);
      return EXIT.scanFailed;
    }
  }

  const tty = process.stderr.isTTY;
  let scan: ScanResult;
  try {
    scan = await runScan({
      config,
      configPath: options.config ? path.resolve(options.config) : null,
      collectors: DATASTORE_COLLECTORS,
      serviceCollectors: SERVICE_COLLECTORS,
      estateCollectors: ESTATE_COLLECTORS,
      checks: ALL_CHECKS,
      log,
      ...(options.service ? { services: options.service } : {}),
      onDatastoreDone: (e) => {
        if (tty) process.stderr.write(`  ${e.ok ? 'ok   ' : 'error'} ${e.service}/${e.datastore} (${e.durationMs} ms)\n`);
        else log.info({ service: e.service, datastore: e.datastore, ok: e.ok, durationMs: e.durationMs }, 'datastore scanned');
      },
    });
  } catch (error) {
    if (error instanceof UnknownServiceError) {
      process.stderr.write(`continuity: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`continuity: the scan could not run: ${errorMessage(error)}\n`);
    return EXIT.scanFailed;
  } finally {
    await stopDemo?.();
  }

  const written = await writeReports(scan, options.out, options.format);
  process.stdout.write(`${summaryLine(scan)}\n${written.map((f) => `  wrote ${f}`).join('\n')}\n`);
  if (nothingScanned(scan)) {
    process.stderr.write('continuity: no datastore could be scanned (see the error findings in the report)\n');
    return EXIT.scanFailed;
  }
  if (options.failOn && failingAtOrAbove(scan, options.failOn)) return EXIT.findingsAtOrAboveFailOn;
  return EXIT.ok;
}

function failingAtOrAbove(scan: ScanResult, threshold: Severity): boolean {
  return scan.services.some((s) =>
    s.findings.some((f) => f.status === 'fail' && severityRank(f.severity) >= severityRank(threshold)),
  );
}

function summaryLine(scan: ScanResult): string {
  const t = scan.totals;
  return `continuity: scanned ${scan.services.length} service(s): ${t.pass} pass, ${t.fail} fail, ${t.warn} warn, ${t.error} error, ${t.unknown} unknown, ${t.waived} waived, ${t.skipped} skipped`;
}
