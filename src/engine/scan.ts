import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { Config, DatastoreConfig, ServiceConfig } from '../config/schema';
import { resolvePolicy, type Policy } from '../config/policy';
import {
  SCAN_RESULT_SCHEMA_VERSION,
  STATUSES,
  type CheckDescriptor,
  type DatastoreSummary,
  type Finding,
  type ScanResult,
  type ServiceResult,
  type Status,
} from '../model';
import type { Logger } from '../log';
import { errorMessage, redactDeep } from '../secrets';
import { applyWaivers } from './waivers';
import { evaluateCheck } from './evaluate';
import { datastoreModule, postgresTargetOf, type DatastoreCollector } from '../datastores';
import { fixForCollectionError } from '../datastores/collection-errors';
import type {
  Check,
  Collected,
  DatastoreFacts,
  EstateCollector,
  EstateFacts,
  ScanCache,
  ServiceCollector,
  ServiceFacts,
} from './types';
import { TOOL_VERSION } from '../version';

export interface ScanPlan {
  config: Config;
  configPath: string | null;
  collectors: DatastoreCollector[];
  serviceCollectors: ServiceCollector[];
  estateCollectors?: EstateCollector[];
  checks: Check[];
  log: Logger;
  /** Only these services (all when absent). */
  services?: string[];
  now?: () => Date;
  /** A datastore's collection starts (after waiting for a slot under scan.concurrency). */
  onDatastoreStart?: (event: { service: string; datastore: string }) => void;
  onDatastoreDone?: (event: DatastoreDoneEvent) => void;
}

export interface DatastoreDoneEvent {
  service: string;
  datastore: string;
  ok: boolean;
  durationMs: number;
  /** Why it could not be scanned, and the fix where the cause is a known one. */
  error?: string;
  fix?: string;
}

interface CollectedDatastore {
  config: DatastoreConfig;
  policy: Policy;
  facts: DatastoreFacts;
  summary: DatastoreSummary;
}

/** Unknown service names are a usage error, reported before any I/O. */
export class UnknownServiceError extends Error {}

export async function runScan(plan: ScanPlan): Promise<ScanResult> {
  const now = plan.now ?? (() => new Date());
  const startedAt = now();
  const services = selectServices(plan.config, plan.services);
  const limit = pLimit(plan.config.scan.concurrency);
  const shared = createScanCache();

  const [collected, estateFacts] = await Promise.all([
    Promise.all(
      services.map(async (service) => {
        const servicePolicy = resolvePolicy(plan.config, service.environment);
        const [datastores, serviceFacts] = await Promise.all([
          Promise.all(
            service.datastores.map((datastore) => limit(() => collectDatastore(plan, service, datastore, shared))),
          ),
          limit(() => collectService(plan, service, servicePolicy, shared)),
        ]);
        return { service, servicePolicy, datastores, serviceFacts };
      }),
    ),
    collectEstate(plan, shared),
  ]);

  const evaluatedAt = now();
  const serviceResults: ServiceResult[] = collected.map(({ service, servicePolicy, datastores, serviceFacts }) => {
    const findings: Finding[] = [];
    for (const ds of datastores) {
      const base = { service: service.name, datastore: ds.config.name, resource: ds.config.name };
      for (const check of plan.checks) {
        if (check.scope !== 'datastore') continue;
        findings.push(
          ...evaluateCheck(check, base, ds.policy, ds.facts[check.requires], (facts) =>
            check.evaluate({ service, datastore: ds.config, facts: facts as never, policy: ds.policy, now: evaluatedAt }),
          ),
        );
      }
    }
    for (const check of plan.checks) {
      if (check.scope !== 'service') continue;
      const base = { service: service.name, resource: service.name };
      findings.push(
        ...evaluateCheck(check, base, servicePolicy, serviceFacts[check.requires], (facts) =>
          check.evaluate({ service, facts: facts as never, policy: servicePolicy, now: evaluatedAt }),
        ),
      );
    }
    const waived = applyWaivers(findings, plan.config.waivers, evaluatedAt);
    return {
      name: service.name,
      ...(service.owner ? { owner: service.owner } : {}),
      environment: service.environment,
      ...(service.docs ? { docs: service.docs } : {}),
      datastores: datastores.map((d) => d.summary),
      ...(service.answers ? { statedAnswers: service.answers as Record<string, string> } : {}),
      findings: waived,
    };
  });

  const estatePolicy = resolvePolicy(plan.config, 'production');
  const estateFindings = applyWaivers(
    plan.checks.flatMap((check) =>
      check.scope === 'estate'
        ? evaluateCheck(check, { service: ESTATE, resource: ESTATE }, estatePolicy, estateFacts[check.requires], (facts) =>
            check.evaluate({ config: plan.config, facts: facts as never, policy: estatePolicy, now: evaluatedAt }),
          )
        : [],
    ),
    plan.config.waivers,
    evaluatedAt,
  );

  const totals = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const service of serviceResults) for (const f of service.findings) totals[f.status]++;
  for (const f of estateFindings) totals[f.status]++;

  // By construction: whatever of the config or of external text a result holds
  // (docs links, answers, names, messages) leaves here without a registered secret.
  return redactDeep({
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'continuity', version: TOOL_VERSION },
    scanId: randomUUID(),
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    configPath: plan.configPath,
    services: serviceResults,
    estate: { findings: estateFindings },
    checks: plan.checks.map(describeCheck),
    totals,
  });
}

function selectServices(config: Config, names: string[] | undefined): ServiceConfig[] {
  if (!names || names.length === 0) return config.services;
  const known = new Set(config.services.map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new UnknownServiceError(
      `unknown service ${unknown.map((n) => `"${n}"`).join(', ')}; the config has: ${[...known].join(', ')}`,
    );
  }
  return config.services.filter((s) => names.includes(s.name));
}

/** The estate pseudo-service that estate-level findings are attributed to. */
export const ESTATE = '(estate)';

export function createScanCache(): ScanCache {
  const entries = new Map<string, Promise<unknown>>();
  return {
    once<T>(key: string, load: () => Promise<T>): Promise<T> {
      let entry = entries.get(key) as Promise<T> | undefined;
      if (!entry) {
        entry = load();
        entries.set(key, entry);
      }
      return entry;
    },
  };
}

type CollectedByKind = Record<string, Collected<unknown>>;

/**
 * Run collectors concurrently under one deadline (scan.datastoreTimeoutSeconds).
 * Each collector's outcome is kept on its own: one failing does not hide the others.
 */
async function runCollectors<C extends { kind: string }>(
  plan: ScanPlan,
  collectors: C[],
  log: Logger,
  collect: (collector: C, signal: AbortSignal) => Promise<unknown>,
): Promise<CollectedByKind> {
  const facts: CollectedByKind = {};
  const seconds = plan.config.scan.datastoreTimeoutSeconds;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${seconds}s`)), seconds * 1000);
  try {
    await Promise.all(
      collectors.map(async (collector) => {
        try {
          const result = await abortable(collect(collector, controller.signal), controller.signal);
          facts[collector.kind] = { ok: true, facts: result };
        } catch (error) {
          const message = errorMessage(error);
          log.warn({ collector: collector.kind, err: message }, 'collection failed');
          facts[collector.kind] = { ok: false, error: message };
        }
      }),
    );
  } finally {
    clearTimeout(timer);
  }
  return facts;
}

/** Run every applicable collector for one datastore, bounded by the per-datastore timeout. */
async function collectDatastore(
  plan: ScanPlan,
  service: ServiceConfig,
  datastore: DatastoreConfig,
  shared: ScanCache,
): Promise<CollectedDatastore> {
  plan.onDatastoreStart?.({ service: service.name, datastore: datastore.name });
  const started = Date.now();
  const environment = datastore.environment ?? service.environment;
  const policy = resolvePolicy(plan.config, environment);
  const log = plan.log.child({ service: service.name, datastore: datastore.name });
  const postgres = postgresTargetOf(datastore);
  const facts = (await runCollectors(
    plan,
    plan.collectors.filter((c) => c.appliesTo(datastore)),
    log,
    (collector, signal) =>
      collector.collect({ config: plan.config, service, datastore, policy, signal, log, shared, ...(postgres ? { postgres } : {}) }),
  )) as DatastoreFacts;
  const module = datastoreModule(datastore.type);
  const recovery = module.describeRecovery?.(facts as never, datastore, policy);
  const parts = module.describeParts?.(facts as never, datastore);
  // Collectors sharing one read (rds and awsBackup) fail with the same error: it is said once, naming both.
  const kindsByError = new Map<string, string[]>();
  for (const [kind, f] of Object.entries(facts)) {
    if (f && !f.ok) kindsByError.set(f.error, [...(kindsByError.get(f.error) ?? []), kind]);
  }
  const failures = [...kindsByError].map(([error, kinds]) => `${kinds.sort().join(', ')}: ${error}`);
  const durationMs = Date.now() - started;
  const collectionError = failures.length > 0 ? failures.join('; ') : undefined;
  const fix = collectionError ? fixForCollectionError(collectionError, plan.config.scan) : undefined;
  plan.onDatastoreDone?.({
    service: service.name,
    datastore: datastore.name,
    ok: collectionError === undefined,
    durationMs,
    ...(collectionError ? { error: collectionError } : {}),
    ...(fix ? { fix } : {}),
  });
  return {
    config: datastore,
    policy,
    facts,
    summary: {
      name: datastore.name,
      type: datastore.type,
      environment,
      ...(datastore.backupPolicy ? { backupPolicy: datastore.backupPolicy } : {}),
      ...(recovery ? { pitr: recovery } : {}),
      ...(parts && parts.length > 0
        ? { parts: parts.map((p) => ({ ...p, ...(p.backupPolicy ? { backupPolicy: p.backupPolicy } : {}) })) }
        : {}),
      ...(collectionError ? { collectionError } : {}),
      ...(fix ? { collectionErrorFix: fix } : {}),
      durationMs,
    },
  };
}

async function collectService(
  plan: ScanPlan,
  service: ServiceConfig,
  policy: Policy,
  shared: ScanCache,
): Promise<ServiceFacts> {
  const log = plan.log.child({ service: service.name });
  return (await runCollectors(
    plan,
    plan.serviceCollectors.filter((c) => c.appliesTo(service)),
    log,
    (collector, signal) => collector.collect({ config: plan.config, service, policy, signal, log, shared }),
  )) as ServiceFacts;
}

async function collectEstate(plan: ScanPlan, shared: ScanCache): Promise<EstateFacts> {
  const log = plan.log.child({ scope: 'estate' });
  return (await runCollectors(
    plan,
    (plan.estateCollectors ?? []).filter((c) => c.appliesTo(plan.config)),
    log,
    (collector, signal) => collector.collect({ config: plan.config, signal, log, shared }),
  )) as EstateFacts;
}

/** Settle with the signal's reason when it aborts first; collectors also watch the signal to release resources. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function describeCheck(check: Check): CheckDescriptor {
  return {
    id: check.id,
    title: check.title,
    severity: check.severity,
    description: check.description,
    remediation: check.remediation,
    ...(check.docs ? { docs: check.docs } : {}),
    ...(check.evidenceTrend ? { evidenceTrend: check.evidenceTrend } : {}),
  };
}
