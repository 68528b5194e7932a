// One scan of the configured estate, written as reports: shared by
// `continuity scan` and `continuity serve`.
import { ALL_CHECKS } from '../checks';
import type { Config } from './config/schema';
import type { Logger } from './log';
import type { ScanResult } from './model';
import { DEFAULT_FRAMEWORK } from './frameworks';
import { answerFrameworks } from './report/answers';
import { writeReports } from './report/write';
import { readReportTrends } from './history/trend-reader';
import type { HistoryStore } from './history/types';
import { DATASTORE_COLLECTORS, ESTATE_COLLECTORS, SERVICE_COLLECTORS } from './engine/registry';
import { runScan, type ScanPlan } from './engine/scan';
import type { Check } from './engine/types';

export interface ScanAndReportOptions {
  config: Config;
  configPath: string | null;
  log: Logger;
  outDir: string;
  formats: string[];
  /** The frameworks the reports answer (frameworks/<id>.yaml); CONTINUITY-0003 when absent. */
  frameworks?: string[];
  services?: string[];
  /** Replaces the registered service collectors (e.g. a repository collector limited by --since). */
  serviceCollectors?: ScanPlan['serviceCollectors'];
  /** Replaces the registered estate collectors (serve shares one estate collection between the scans of a tick). */
  estateCollectors?: ScanPlan['estateCollectors'];
  now?: () => Date;
  /** The checks that run (all registered ones when absent). */
  checks?: Check[];
  onDatastoreStart?: ScanPlan['onDatastoreStart'];
  onDatastoreDone?: ScanPlan['onDatastoreDone'];
  /** Runs between the scan and the reports, e.g. to attach the changes since the previous scan. */
  beforeReports?: (scan: ScanResult) => Promise<void>;
  /** The history the HTML reports draw trends from (asked after beforeReports, which may open it). */
  reportHistory?: () => HistoryStore | undefined;
}

export async function scanAndReport(options: ScanAndReportOptions): Promise<{ scan: ScanResult; written: string[] }> {
  const scan = await runScan({
    config: options.config,
    configPath: options.configPath,
    collectors: DATASTORE_COLLECTORS,
    serviceCollectors: options.serviceCollectors ?? SERVICE_COLLECTORS,
    estateCollectors: options.estateCollectors ?? ESTATE_COLLECTORS,
    checks: options.checks ?? ALL_CHECKS,
    log: options.log,
    ...(options.services ? { services: options.services } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onDatastoreStart ? { onDatastoreStart: options.onDatastoreStart } : {}),
    ...(options.onDatastoreDone ? { onDatastoreDone: options.onDatastoreDone } : {}),
  });
  answerFrameworks(scan, options.frameworks ?? [DEFAULT_FRAMEWORK]);
  await options.beforeReports?.(scan);
  const history = options.formats.includes('html') ? options.reportHistory?.() : undefined;
  const written = await writeReports(scan, options.outDir, options.formats, history ? { trends: await readReportTrends(history, scan) } : {});
  return { scan, written };
}
