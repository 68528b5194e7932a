import path from 'node:path';
import { loadConfigForCommand } from './config';
import type { Config } from '../config/schema';
import { UnknownServiceError } from '../engine/scan';
import { scanAndReport } from '../scan-and-report';
import { createLogger } from '../log';
import { severityRank, type ScanResult, type Severity } from '../model';
import { unknownFormatError } from '../report/write';
import { unknownFrameworkError } from '../frameworks';
import { openHistory } from '../history/open';
import { changesOf, driftSinceHistory, recordScan, type ServiceDrift } from '../history/record';
import type { HistoryStore } from '../history/types';
import { deliverPending } from '../alerts/deliver';
import { createSinks } from '../alerts/sinks';
import { formatEvents } from '../drift/format';
import { errorMessage } from '../secrets';
import { SERVICE_COLLECTORS } from '../engine/registry';
import { EXIT } from './exit-codes';
import { assertDirectory, repoOnlyConfig, RepoOptionError, serviceCollectorsFor, withRepo } from './repo-options';

export interface ScanOptions {
  config?: string;
  service?: string[];
  format: string[];
  /** Frameworks the reports answer (frameworks/<id>.yaml). */
  framework: string[];
  out: string;
  failOn?: Severity;
  /** A repository to analyse: the only service without --config, else the repo of the selected service. */
  repo?: string;
  /** Lint only migrations added after this git ref. */
  since?: string;
  /** Put the changes since the previous scan in the reports and print them. */
  diff?: boolean;
  /** False with --no-history: the scan is not kept and not compared. */
  history?: boolean;
  /** False with --no-alerts: alerts are queued in the history but not sent now. */
  alerts?: boolean;
}

/** True when every datastore that was attempted failed to collect: nothing could be scanned. */
export function nothingScanned(scan: ScanResult): boolean {
  const datastores = scan.services.flatMap((s) => s.datastores);
  return datastores.length > 0 && datastores.every((d) => d.collectionError !== undefined);
}

export async function runScanCommand(options: ScanOptions): Promise<number> {
  const log = createLogger();
  const usageError = unknownFormatError(options.format) ?? unknownFrameworkError(options.framework);
  if (usageError) {
    process.stderr.write(`continuity: ${usageError}\n`);
    return EXIT.usage;
  }

  let config: Config;
  let stopDemo: (() => Promise<void>) | undefined;
  if (options.since && !options.repo && !options.config) {
    process.stderr.write('continuity: --since needs --repo or a config whose services have a repo\n');
    return EXIT.usage;
  }
  if (options.repo) {
    try {
      await assertDirectory(options.repo);
    } catch (error) {
      process.stderr.write(`continuity: ${errorMessage(error)}\n`);
      return EXIT.usage;
    }
  }
  if (options.repo && !options.config) {
    config = repoOnlyConfig(options.repo);
  } else if (options.config) {
    const loaded = await loadConfigForCommand(options.config);
    if ('exitCode' in loaded) return loaded.exitCode;
    config = loaded.config;
    if (options.repo) {
      try {
        config = withRepo(config, options.repo, options.service);
      } catch (error) {
        if (!(error instanceof RepoOptionError)) throw error;
        process.stderr.write(`continuity: ${error.message}\n`);
        return EXIT.usage;
      }
    }
  } else {
    process.stderr.write('continuity: no --config given: scanning the built-in demo estate (embedded PostgreSQL)\n');
    try {
      // Imported only here: only a scan without --config needs the demo estate.
      const { startDemoEstate } = await import('../demo/estate');
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
  let written: string[];
  let store: HistoryStore | undefined;
  let drift: ServiceDrift[] = [];
  try {
    ({ scan, written } = await scanAndReport({
      config,
      // The file's name only: the scanning machine's paths never appear in a report.
      configPath: options.config ? path.basename(options.config) : null,
      serviceCollectors: serviceCollectorsFor(SERVICE_COLLECTORS, options.since),
      log,
      outDir: options.out,
      formats: options.format,
      frameworks: options.framework,
      ...(options.service ? { services: options.service } : {}),
      onDatastoreDone: (e) => {
        if (tty) process.stderr.write(`  ${e.ok ? 'ok   ' : 'error'} ${e.service}/${e.datastore} (${e.durationMs} ms)\n`);
        else log.info({ service: e.service, datastore: e.datastore, ok: e.ok, durationMs: e.durationMs }, 'datastore scanned');
      },
      beforeReports: async (result) => {
        if (options.history === false) return;
        store = await openHistory(config.history, log);
        drift = await driftSinceHistory(store, result);
        const changes = changesOf(drift);
        if (options.diff && changes) result.changes = changes;
      },
      reportHistory: () => store,
    }));
  } catch (error) {
    await store?.close();
    if (error instanceof UnknownServiceError) {
      process.stderr.write(`continuity: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`continuity: the scan could not run: ${errorMessage(error)}\n`);
    return EXIT.scanFailed;
  } finally {
    await stopDemo?.();
  }

  process.stdout.write(`${summaryLine(scan)}\n${written.map((f) => `  wrote ${f}`).join('\n')}\n`);
  if (store) {
    try {
      await recordScan(store, scan, drift, config.alerts);
      process.stdout.write(`  kept in history (${store.description})\n`);
      if (options.alerts !== false && config.alerts.sinks.length > 0) {
        const sinks = createSinks(config.alerts);
        await deliverPending(store, sinks, { ...config.alerts.retry, log });
        await Promise.all(sinks.map((s) => s.close?.()));
      }
    } finally {
      await store.close();
    }
    if (options.diff) {
      const events = drift.flatMap((d) => d.events);
      process.stdout.write(drift.length === 0 ? 'changes: no previous scan of these services in the history\n' : `changes since the previous scan:\n${formatEvents(events)}`);
    }
  }
  if (nothingScanned(scan)) {
    process.stderr.write('continuity: no datastore could be scanned (see the error findings in the report)\n');
    return EXIT.scanFailed;
  }
  if (options.failOn && failingAtOrAbove(scan, options.failOn)) return EXIT.findingsAtOrAboveFailOn;
  return EXIT.ok;
}

/** Service and estate findings alike: an unregistered datastore can fail a CI gate too. */
export function failingAtOrAbove(scan: ScanResult, threshold: Severity): boolean {
  return [...scan.services.flatMap((s) => s.findings), ...scan.estate.findings].some(
    (f) => f.status === 'fail' && severityRank(f.severity) >= severityRank(threshold),
  );
}

function summaryLine(scan: ScanResult): string {
  const t = scan.totals;
  return `continuity: scanned ${scan.services.length} service(s): ${t.pass} pass, ${t.fail} fail, ${t.warn} warn, ${t.error} error, ${t.unknown} unknown, ${t.waived} waived, ${t.skipped} skipped`;
}
