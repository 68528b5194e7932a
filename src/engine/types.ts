// Contracts between the engine, collectors and checks.
import type { Config, DatastoreConfig, ServiceConfig } from '../config/schema';
import type { Policy } from '../config/policy';
import type { CheckDescriptor, Evidence, Severity, Status } from '../model';
import type { Logger } from '../log';
import type { PostgresTarget } from '../datastores/module';
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

/** One collector's outcome: its facts, or why it could not produce them at all. */
export type Collected<F> = { ok: true; facts: F } | { ok: false; error: string };

export type FactKind = keyof FactsByKind;
export type ServiceFactKind = keyof ServiceFactsByKind;
export type EstateFactKind = keyof EstateFactsByKind;

/**
 * A per-scan memo: a fact many datastores share (an account's instance list, a
 * parameter group's parameters) is fetched once and the promise shared.
 */
export interface ScanCache {
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
}

export interface CollectContext<D = DatastoreConfig> {
  config: Config;
  service: ServiceConfig;
  datastore: D;
  policy: Policy;
  signal: AbortSignal;
  log: Logger;
  shared: ScanCache;
  /** Set for a datastore whose type exposes a PostgreSQL database (see DatastoreModule.offers). */
  postgres?: PostgresTarget;
}

/** Gathers one kind of facts for a datastore. All I/O lives in collectors. */
export interface Collector<K extends string = string, F = unknown, D = any> {
  kind: K;
  /**
   * Runs for the datastores of every type that offers this capability (the
   * PostgreSQL collector runs on RDS, Supabase...), not only its own type's.
   */
  capability?: 'postgres';
  collect(ctx: CollectContext<D>): Promise<F>;
}

export type ServiceCollectContext = Omit<CollectContext, 'datastore' | 'postgres'>;

/** Gathers one kind of facts for a whole service, e.g. from its repository. */
export interface ServiceCollector<K extends string = string, F = unknown> {
  kind: K;
  appliesTo(service: ServiceConfig): boolean;
  collect(ctx: ServiceCollectContext): Promise<F>;
}

export interface EstateCollectContext {
  config: Config;
  signal: AbortSignal;
  log: Logger;
  shared: ScanCache;
}

/** Gathers facts about the estate as a whole (e.g. discovery of every RDS instance in an account). */
export interface EstateCollector<K extends string = string, F = unknown> {
  kind: K;
  appliesTo(config: Config): boolean;
  collect(ctx: EstateCollectContext): Promise<F>;
  /**
   * The same facts gathered one scope (an AWS account, a Kubernetes context) at
   * a time: queue mode runs one discovery job per scope and tick, and `merge`
   * of every scope's facts equals what `collect` returns.
   */
  scoped?: {
    scopes(config: Config): string[];
    collect(ctx: EstateCollectContext, scope: string): Promise<F>;
    merge(parts: F[]): F;
    /** The facts of a scope whose discovery failed as a whole (timed out, its job failed): that scope unreadable, so `merge` keeps the others'. */
    failed(config: Config, scope: string, reason: string): F;
  };
}

/** Facts gathered for one datastore: each kind either collected or failed as a whole. */
export type DatastoreFacts = { [K in FactKind]?: Collected<FactsByKind[K]> };
export type ServiceFacts = { [K in ServiceFactKind]?: Collected<ServiceFactsByKind[K]> };
export type EstateFacts = { [K in EstateFactKind]?: Collected<EstateFactsByKind[K]> };

/** What a check returns; the engine adds service, datastore, severity and remediation defaults. */
export interface FindingDraft {
  resource: string;
  status: Exclude<Status, 'waived'>;
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

/** A pure function of one datastore's facts of one kind and the policy; it runs where that kind was collected. */
export interface DatastoreCheck<K extends FactKind = FactKind> extends CheckMetadata {
  scope: 'datastore';
  requires: K;
  evaluate(input: DatastoreCheckInput<K>): FindingDraft[];
}

export interface ServiceCheckInput<K extends ServiceFactKind> {
  service: ServiceConfig;
  facts: ServiceFactsByKind[K];
  policy: Policy;
  now: Date;
}

/** A pure function of one service's facts of one kind (its repository) and the policy. */
export interface ServiceCheck<K extends ServiceFactKind = ServiceFactKind> extends CheckMetadata {
  scope: 'service';
  requires: K;
  evaluate(input: ServiceCheckInput<K>): FindingDraft[];
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

export type Check = DatastoreCheck<FactKind> | ServiceCheck<ServiceFactKind> | EstateCheck<EstateFactKind>;

export function defineDatastoreCheck<K extends FactKind>(check: DatastoreCheck<K>): DatastoreCheck<K> {
  return check;
}

export function defineServiceCheck<K extends ServiceFactKind>(check: ServiceCheck<K>): ServiceCheck<K> {
  return check;
}

export function defineEstateCheck<K extends EstateFactKind>(check: EstateCheck<K>): EstateCheck<K> {
  return check;
}
