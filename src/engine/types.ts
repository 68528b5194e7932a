// Contracts between the engine, collectors and checks.
import type { Config, DatastoreConfig, ServiceConfig } from '../config/schema';
import type { Policy } from '../config/policy';
import type { CheckDescriptor, Evidence, Severity, Status } from '../model';
import type { Logger } from '../log';
import type { EstateFactsByKind, FactsByKind, ServiceFactsByKind } from './facts';

/**
 * A fact that was, or could not be, observed. Checks must treat `unavailable`
 * as "do not know": it becomes `unknown` or `error`, never `pass`.
 */
export type Observed<T> =
  | { ok: true; value: T; source: string }
  | { ok: false; source: string; reason: string; /** what would make it readable, e.g. a GRANT */ hint?: string };

export function observed<T>(source: string, value: T): Observed<T> {
  return { ok: true, value, source };
}

export function unavailable<T>(source: string, reason: string, hint?: string): Observed<T> {
  return { ok: false, source, reason, ...(hint ? { hint } : {}) };
}

export type FactKind = keyof FactsByKind;

/**
 * A per-scan memo: a fact many datastores share (an account's instance list, a
 * parameter group's parameters) is fetched once and the promise shared.
 */
export interface ScanCache {
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
}

export interface CollectContext {
  config: Config;
  service: ServiceConfig;
  datastore: DatastoreConfig;
  policy: Policy;
  signal: AbortSignal;
  log: Logger;
  shared: ScanCache;
}

export type ServiceCollectContext = Omit<CollectContext, 'datastore'>;

/** Gathers one kind of facts for a datastore. All I/O lives in collectors. */
export interface Collector<K extends FactKind = FactKind> {
  kind: K;
  appliesTo(datastore: DatastoreConfig): boolean;
  collect(ctx: CollectContext): Promise<FactsByKind[K]>;
  /** The point-in-time recovery window, when these facts show one (for the report's datastore table). */
  describePitr?(facts: FactsByKind[K]): string | undefined;
}

export type ServiceFactKind = keyof ServiceFactsByKind;

/** Gathers one kind of facts for a whole service, e.g. from its repository. */
export interface ServiceCollector<K extends ServiceFactKind = ServiceFactKind> {
  kind: K;
  appliesTo(service: ServiceConfig): boolean;
  collect(ctx: ServiceCollectContext): Promise<ServiceFactsByKind[K]>;
}

export type EstateFactKind = keyof EstateFactsByKind;

/** Gathers facts about the estate as a whole (e.g. discovery of every RDS instance in an account). */
export interface EstateCollector<K extends EstateFactKind = EstateFactKind> {
  kind: K;
  appliesTo(config: Config): boolean;
  collect(ctx: { config: Config; signal: AbortSignal; log: Logger; shared: ScanCache }): Promise<EstateFactsByKind[K]>;
}

export type EstateFacts = {
  [K in EstateFactKind]?: { ok: true; facts: EstateFactsByKind[K] } | { ok: false; error: string };
};

export type ServiceFacts = {
  [K in ServiceFactKind]?: { ok: true; facts: ServiceFactsByKind[K] } | { ok: false; error: string };
};

/** Facts gathered for one datastore: each kind either collected or failed as a whole. */
export type DatastoreFacts = {
  [K in FactKind]?: { ok: true; facts: FactsByKind[K] } | { ok: false; error: string };
};

/** What a check returns; the engine adds service, datastore, severity and remediation defaults. */
export interface FindingDraft {
  resource: string;
  status: Exclude<Status, 'waived' | 'skipped'> | 'skipped';
  message: string;
  evidence: Evidence[];
  /** Overrides the check's default severity (e.g. raised for sensitive tables). */
  severity?: Severity;
  remediation?: string;
  location?: { path: string; line?: number };
  /** What the finding says for its questionnaire row when that is not its status. */
  answer?: 'yes' | 'no';
  /** A descriptive questionnaire answer (e.g. the migration tool and where it lives); used as the row's answer. */
  answerText?: string;
  /** The sub-rule that produced the finding within its check, e.g. a migration lint rule id. */
  rule?: string;
}

export interface CheckMetadata extends CheckDescriptor {
  /** Checks tagged `protection` are skipped where the policy carries no protection requirement (dev). */
  protection?: boolean;
}

export interface DatastoreCheckInput<K extends FactKind> {
  service: ServiceConfig;
  datastore: DatastoreConfig;
  facts: FactsByKind[K];
  policy: Policy;
  now: Date;
}

/** A pure function of one datastore's facts of one kind and the policy. */
export interface DatastoreCheck<K extends FactKind = FactKind> extends CheckMetadata {
  scope: 'datastore';
  requires: K;
  evaluate(input: DatastoreCheckInput<K>): FindingDraft[];
}

export interface ServiceCheckInput {
  service: ServiceConfig;
  facts: ServiceFacts;
  datastores: { config: DatastoreConfig; facts: DatastoreFacts }[];
  policy: Policy;
  now: Date;
}

/**
 * A pure function over a whole service (its datastore configs, its repository
 * facts). With `requires`, it runs only where that service fact kind was collected.
 */
export interface ServiceCheck extends CheckMetadata {
  scope: 'service';
  requires?: ServiceFactKind;
  evaluate(input: ServiceCheckInput): FindingDraft[];
}

export interface EstateCheckInput<K extends EstateFactKind> {
  config: Config;
  facts: EstateFactsByKind[K];
  policy: Policy;
  now: Date;
}

/** A pure function over estate-wide facts; its findings land in ScanResult.estate. */
export interface EstateCheck<K extends EstateFactKind = EstateFactKind> extends CheckMetadata {
  scope: 'estate';
  requires: K;
  evaluate(input: EstateCheckInput<K>): FindingDraft[];
}

export type Check = DatastoreCheck<FactKind> | ServiceCheck | EstateCheck<EstateFactKind>;

export function defineEstateCheck<K extends EstateFactKind>(check: EstateCheck<K>): EstateCheck<K> {
  return check;
}

export function defineDatastoreCheck<K extends FactKind>(check: DatastoreCheck<K>): DatastoreCheck<K> {
  return check;
}

export function defineServiceCheck(check: ServiceCheck): ServiceCheck {
  return check;
}
