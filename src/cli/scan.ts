import path from 'node:path';
import { loadConfigForCommand } from './config';
import type { Config } from '../config/schema';
import { UnknownServiceError } from '../engine/scan';
import { scanAndReport } from '../scan-and-report';
import { createLogger, logFormat } from '../log';
import type { ScanResult, Severity, Status } from '../model';
import { ALL_CHECKS } from '../../checks';
import { CheckSelectionError, selectChecks } from './check-selection';
import { failingAtOrAbove, findingLine, palette, progressReporter, scanSummary } from './terminal';
import { unknownFormatError } from '../report/write';
import { unknownFrameworkError } from '../frameworks';
import { openHistory } from '../history/open';
import { changesOf, driftSinceHistory, recordScan, type ServiceDrift } from '../history/record';
import type { HistoryStore } from '../history/types';
import { CircuitBreakers, deliverPending } from '../alerts/deliver';
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
  /** Only these checks run (ids or globs such as `postgres.*`). */
  check?: string[];
  /** These checks do not run. */
  excludeCheck?: string[];
  /** The terminal summary lists findings of these severities (all when absent)... */
  severity?: Severity[];
  /** ...and of these statuses (fail when absent). */
  status?: Status[];
}

/** `--out -`: scan.json on stdout, no files. */
const STDOUT = '-';

/** True when every datastore that was attempted failed to collect: nothing could be scanned. */
export function nothingScanned(scan: ScanResult): boolean {
  const datastores = scan.services.flatMap((s) => s.datastores);
  return datastores.length > 0 && datastores.every((d) => d.collectionError !== undefined);
}

export async function runScanCommand(options: ScanOptions): Promise<number> {
  // On a terminal the progress lines and the summary say what the logs would; `--log-format json` or a pipe keeps them all.
  const log = createLogger(process.env.CONTINUITY_LOG_LEVEL ?? (logFormat() === 'text' ? 'error' : 'info'));
  const usageError = unknownFormatError(options.format) ?? unknownFrameworkError(options.framework);
  if (usageError) {
    process.stderr.write(`continuity: ${usageError}\n`);
    return EXIT.usage;
  }
  let checks;
  try {
    checks = selectChecks(ALL_CHECKS, options.check, options.excludeCheck);
  } catch (error) {
    if (!(error instanceof CheckSelectionError)) throw error;
    process.stderr.write(`continuity: ${error.message}\n`);
    return EXIT.usage;
  }
  const toStdout = options.out === STDOUT;
  // With scan.json on stdout, what a person reads goes to stderr.
  const human = toStdout ? process.stderr : process.stdout;

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

  const tty = process.stderr.isTTY === true;
  const selected = options.service ? config.services.filter((s) => options.service!.includes(s.name)) : config.services;
  const progress = tty ? progressReporter(process.stderr, selected.reduce((n, s) => n + s.datastores.length, 0), palette(process.stderr)) : undefined;
  let scan: ScanResult;
  let written: string[];
  let store: HistoryStore | undefined;
  let drift: ServiceDrift[] = [];
  let historyError: string | undefined;
  try {
    ({ scan, written } = await scanAndReport({
      config,
      // The file's name only: the scanning machine's paths never appear in a report.
      configPath: options.config ? path.basename(options.config) : null,
      serviceCollectors: serviceCollectorsFor(SERVICE_COLLECTORS, options.since),
      log,
      outDir: toStdout ? '.' : options.out,
      formats: toStdout ? [] : options.format,
      frameworks: options.framework,
      checks,
      ...(options.service ? { services: options.service } : {}),
      ...(progress ? { onDatastoreStart: progress.start } : {}),
      onDatastoreDone: (e) => {
        if (progress) progress.done(e);
        else {
          const fields = { service: e.service, datastore: e.datastore, ok: e.ok, durationMs: e.durationMs, ...(e.error ? { err: e.error } : {}), ...(e.fix ? { fix: e.fix } : {}) };
          if (e.ok) log.info(fields, 'datastore scanned');
          else log.warn(fields, 'datastore not collected');
        }
      },
      beforeReports: async (result) => {
        if (options.history === false) return;
        try {
          store = await openHistory(config.history, log);
          drift = await driftSinceHistory(store, result);
        } catch (error) {
          // The reports are still written: a damaged history must not hide the scan.
          historyError = `the history could not be read, so this scan is not kept and its reports hold no changes: ${errorMessage(error)}`;
          await store?.close().catch(() => undefined);
          store = undefined;
          drift = [];
          return;
        }
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

  if (toStdout) process.stdout.write(`${JSON.stringify(scan, null, 2)}\n`);
  const paint = palette(human);
  human.write(scanSummary(scan, { statuses: options.status ?? ['fail'], ...(options.severity ? { severities: options.severity } : {}) }, paint));
  if (written.length > 0) human.write(`reports:\n${written.map((f) => `  ${f}`).join('\n')}\n`);
  if (store) {
    try {
      await recordScan(store, scan, drift, config.alerts);
      human.write(`kept in history (${store.description}) as scan ${scan.scanId}\n`);
    } catch (error) {
      historyError = `this scan could not be kept in the history: ${errorMessage(error)}`;
    }
    if (!historyError && options.alerts !== false && config.alerts.sinks.length > 0) {
      const sinks = createSinks(config.alerts);
      try {
        const { failures, openSeconds } = config.alerts.circuitBreaker;
        await deliverPending(store, sinks, {
          ...config.alerts.retry,
          budgetMs: config.alerts.deliveryBudgetSeconds * 1000,
          breakers: new CircuitBreakers(failures, openSeconds * 1000),
          // The claim on a shared outbox must outlast the sinks' own timeout, as in serve.
          timeoutMs: config.alerts.timeoutMs,
          log,
        });
      } catch (error) {
        process.stderr.write(`continuity: alerts stay queued in the history, delivery stopped: ${errorMessage(error)}\n`);
      } finally {
        await Promise.all(sinks.map((s) => s.close?.()));
      }
    }
    await store.close().catch(() => undefined);
    if (options.diff) {
      const events = drift.flatMap((d) => d.events);
      human.write(drift.length === 0 ? 'changes: no previous scan of these services in the history\n' : `changes since the previous scan:\n${formatEvents(events)}`);
    }
  }
  if (historyError) {
    process.stderr.write(`continuity: ${historyError}\n`);
    return EXIT.scanFailed;
  }
  const unassessed = scan.services.filter((s) => s.datastores.length === 0 && s.findings.length === 0).map((s) => s.name);
  if (unassessed.length > 0) {
    process.stderr.write(`continuity: nothing was assessed for ${unassessed.join(', ')}: no datastore and no repository (services[].datastores, services[].repo)\n`);
    // A gate must not pass on an empty scan.
    if (unassessed.length === scan.services.length && scan.estate.findings.length === 0) return EXIT.scanFailed;
  }
  if (nothingScanned(scan)) {
    process.stderr.write('continuity: no datastore could be scanned (the causes are above, and under Not scanned in the reports)\n');
    return EXIT.scanFailed;
  }
  // Service and estate findings alike: an unregistered datastore can fail a CI gate too.
  const gate = options.failOn ? failingAtOrAbove(scan, options.failOn) : [];
  if (gate.length > 0) {
    const paint = palette(process.stderr);
    process.stderr.write(
      `continuity: exit 1: ${gate.length === 1 ? '1 failing finding is' : `${gate.length} failing findings are`} at or above --fail-on ${options.failOn}:\n${gate.map((f) => `  ${findingLine(f, paint)}\n`).join('')}`,
    );
    return EXIT.findingsAtOrAboveFailOn;
  }
  return EXIT.ok;
}
