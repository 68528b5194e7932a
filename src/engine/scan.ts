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
import { errorMessage, redact } from '../secrets';
import { applyWaivers } from './waivers';
import { buildQuestionnaire } from '../report/questionnaire';
import type {
  Check,
  CheckMetadata,
  Collector,
  DatastoreFacts,
  EstateCollector,
  EstateFacts,
  FindingDraft,
  ScanCache,
  ServiceCollector,
  ServiceFacts,
} from './types';
import { TOOL_VERSION } from '../version';

export interface ScanPlan {
  config: Config;
  configPath: string | null;
  collectors: Collector[];
  serviceCollectors: ServiceCollector[];
  estateCollectors?: EstateCollector[];
  checks: Check[];
  log: Logger;
  /** Only these services (all when absent). */
  services?: string[];
  now?: () => Date;
  onDatastoreDone?: (event: { service: string; datastore: string; ok: boolean; durationMs: number }) => void;
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
      for (const check of plan.checks) {
        if (check.scope !== 'datastore') continue;
        findings.push(...evaluateDatastoreCheck(check, service, ds, evaluatedAt));
      }
    }
    for (const check of plan.checks) {
      if (check.scope !== 'service') continue;
      findings.push(...evaluateServiceCheck(check, service, servicePolicy, serviceFacts, datastores, evaluatedAt));
    }
    const waived = applyWaivers(findings, plan.config.waivers, evaluatedAt);
    return {
      name: service.name,
      ...(service.owner ? { owner: service.owner } : {}),
      environment: service.environment,
      ...(service.docs ? { docs: service.docs } : {}),
      datastores: datastores.map((d) => d.summary),
      questionnaire: buildQuestionnaire(service, waived, plan.checks),
      findings: waived,
    };
  });

  const estatePolicy = resolvePolicy(plan.config, 'production');
  const estateFindings = applyWaivers(
    plan.checks.flatMap((check) =>
      check.scope === 'estate' ? evaluateEstateCheck(check, plan, estatePolicy, estateFacts, evaluatedAt) : [],
    ),
    plan.config.waivers,
    evaluatedAt,
  );

  const totals = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const service of serviceResults) for (const f of service.findings) totals[f.status]++;
  for (const f of estateFindings) totals[f.status]++;

  return {
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
  };
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

type Collected = Record<string, { ok: true; facts: unknown } | { ok: false; error: string }>;

/**
 * Run collectors concurrently under one deadline (scan.datastoreTimeoutSeconds).
 * Each collector's outcome is kept on its own: one failing does not hide the others.
 */
async function runCollectors<C extends { kind: string }>(
  plan: ScanPlan,
  collectors: C[],
  log: Logger,
  collect: (collector: C, signal: AbortSignal) => Promise<unknown>,
  onCollected?: (collector: C, facts: unknown) => void,
): Promise<Collected> {
  const facts: Collected = {};
  const seconds = plan.config.scan.datastoreTimeoutSeconds;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${seconds}s`)), seconds * 1000);
  try {
    await Promise.all(
      collectors.map(async (collector) => {
        try {
          const result = await abortable(collect(collector, controller.signal), controller.signal);
          facts[collector.kind] = { ok: true, facts: result };
          onCollected?.(collector, result);
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
  const started = Date.now();
  const environment = datastore.environment ?? service.environment;
  const policy = resolvePolicy(plan.config, environment);
  const log = plan.log.child({ service: service.name, datastore: datastore.name });
  const pitr: string[] = [];
  const facts = (await runCollectors(
    plan,
    plan.collectors.filter((c) => c.appliesTo(datastore)),
    log,
    (collector, signal) => collector.collect({ config: plan.config, service, datastore, policy, signal, log, shared }),
    (collector, result) => {
      const window = collector.describePitr?.(result as never);
      if (window) pitr.push(window);
    },
  )) as DatastoreFacts;
  const failures = Object.entries(facts)
    .filter(([, f]) => f && !f.ok)
    .map(([kind, f]) => `${kind}: ${(f as { error: string }).error}`);
  const durationMs = Date.now() - started;
  plan.onDatastoreDone?.({ service: service.name, datastore: datastore.name, ok: failures.length === 0, durationMs });
  return {
    config: datastore,
    policy,
    facts,
    summary: {
      name: datastore.name,
      type: datastore.type,
      environment,
      ...(datastore.backupPolicy ? { backupPolicy: redact(datastore.backupPolicy) } : {}),
      ...(pitr.length > 0 ? { pitr: pitr.join('; ') } : {}),
      ...(failures.length > 0 ? { collectionError: failures.join('; ') } : {}),
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
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
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

function skipReason(check: CheckMetadata, policy: Policy): string | undefined {
  if (policy.skipChecks.includes(check.id)) return `skipped by policy for environment "${policy.environment}"`;
  if (check.protection && !policy.protectionRequired) {
    return `environment "${policy.environment}" carries no protection requirement`;
  }
  return undefined;
}

function evaluateDatastoreCheck(
  check: Extract<Check, { scope: 'datastore' }>,
  service: ServiceConfig,
  ds: CollectedDatastore,
  now: Date,
): Finding[] {
  const entry = ds.facts[check.requires as keyof DatastoreFacts];
  if (!entry) return []; // this datastore has no such facts: the check does not apply
  const base = { service: service.name, datastore: ds.config.name, resource: ds.config.name };
  const skip = skipReason(check, ds.policy);
  if (skip) return [finalize(check, base, { resource: ds.config.name, status: 'skipped', message: skip, evidence: [] })];
  if (!entry.ok) {
    return [
      finalize(check, base, {
        resource: ds.config.name,
        status: 'error',
        message: `could not collect ${check.requires} facts: ${entry.error}`,
        evidence: [],
      }),
    ];
  }
  return runEvaluate(check, base, () =>
    check.evaluate({ service, datastore: ds.config, facts: entry.facts, policy: ds.policy, now }),
  );
}

function evaluateServiceCheck(
  check: Extract<Check, { scope: 'service' }>,
  service: ServiceConfig,
  policy: Policy,
  facts: ServiceFacts,
  datastores: CollectedDatastore[],
  now: Date,
): Finding[] {
  const base = { service: service.name, resource: service.name };
  if (check.requires) {
    const entry = (facts as Record<string, { ok: true } | { ok: false; error: string } | undefined>)[check.requires];
    if (!entry) return [];
    if (!entry.ok) {
      return [
        finalize(check, base, {
          resource: service.name,
          status: 'error',
          message: `could not collect ${check.requires} facts: ${entry.error}`,
          evidence: [],
        }),
      ];
    }
  }
  const skip = skipReason(check, policy);
  if (skip) return [finalize(check, base, { resource: service.name, status: 'skipped', message: skip, evidence: [] })];
  return runEvaluate(check, base, () =>
    check.evaluate({
      service,
      facts,
      datastores: datastores.map((d) => ({ config: d.config, facts: d.facts })),
      policy,
      now,
    }),
  );
}

function evaluateEstateCheck(
  check: Extract<Check, { scope: 'estate' }>,
  plan: ScanPlan,
  policy: Policy,
  facts: EstateFacts,
  now: Date,
): Finding[] {
  const entry = (facts as Record<string, { ok: true; facts: unknown } | { ok: false; error: string } | undefined>)[
    check.requires
  ];
  if (!entry) return [];
  const base = { service: ESTATE, resource: ESTATE };
  if (!entry.ok) {
    return [
      finalize(check, base, {
        resource: ESTATE,
        status: 'error',
        message: `could not collect ${check.requires} facts: ${entry.error}`,
        evidence: [],
      }),
    ];
  }
  return runEvaluate(check, base, () =>
    check.evaluate({ config: plan.config, facts: entry.facts as never, policy, now }),
  );
}

function runEvaluate(
  check: CheckMetadata,
  base: { service: string; datastore?: string; resource: string },
  evaluate: () => FindingDraft[],
): Finding[] {
  try {
    return evaluate().map((draft) => finalize(check, base, draft));
  } catch (error) {
    return [
      finalize(check, base, {
        resource: base.resource,
        status: 'error',
        message: `check failed: ${errorMessage(error)}`,
        evidence: [],
      }),
    ];
  }
}

function finalize(
  check: CheckMetadata,
  base: { service: string; datastore?: string },
  draft: FindingDraft,
): Finding {
  // A pass must rest on positive evidence; without any it is not a pass.
  const status = draft.status === 'pass' && draft.evidence.length === 0 ? 'unknown' : draft.status;
  const message = status === draft.status ? draft.message : `${draft.message} (no evidence recorded, so not a pass)`;
  // Last line of defence: whatever a check copied from config or an API, no registered secret leaves the engine.
  return {
    checkId: check.id,
    service: base.service,
    ...(base.datastore ? { datastore: base.datastore } : {}),
    resource: redact(draft.resource),
    status,
    severity: draft.severity ?? check.severity,
    message: redact(message),
    evidence: draft.evidence.map((e) => (typeof e.value === 'string' ? { ...e, value: redact(e.value) } : e)),
    remediation: redact(draft.remediation ?? check.remediation),
    ...(draft.location ? { location: draft.location } : {}),
    ...(draft.answer ? { answer: draft.answer } : {}),
    ...(draft.answerText ? { answerText: redact(draft.answerText) } : {}),
    ...(draft.rule ? { rule: draft.rule } : {}),
  };
}

export function describeCheck(check: Check): CheckDescriptor {
  return {
    id: check.id,
    title: check.title,
    severity: check.severity,
    questionnaireRow: check.questionnaireRow,
    description: check.description,
    remediation: check.remediation,
    ...(check.docs ? { docs: check.docs } : {}),
    ...(check.evidenceTrend ? { evidenceTrend: check.evidenceTrend } : {}),
  };
}
