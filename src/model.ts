// The scan result model: the one source of truth every report, history entry
// and alert is rendered from. Bump SCAN_RESULT_SCHEMA_VERSION on any
// incompatible change and document it in docs/scan-result.md.

export const SCAN_RESULT_SCHEMA_VERSION = 2;

export const STATUSES = ['pass', 'fail', 'warn', 'error', 'unknown', 'skipped', 'waived'] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is more severe; used for --fail-on and sorting. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

/** Where a value came from: an API call and field, a SQL view and column, a file and line. */
export interface Evidence {
  source: string;
  field: string;
  value: string | number | boolean | null;
}

/**
 * The evidence field holding since when cumulative statistics accumulate (e.g. PostgreSQL's
 * pg_stat_database.stats_reset): drift reports a move forward as a statistics reset.
 */
export const STATISTICS_SINCE_FIELD = 'statistics since';

/**
 * The evidence field of a finding that is one change of production data (a ClickHouse mutation or
 * DELETE), holding when it happened: drift reports each such finding new since the previous scan as
 * a `data-changed` event, and one leaving the read window as nothing (it is not resolved).
 */
export const DATA_CHANGE_FIELD = 'data changed at';

export interface Finding {
  checkId: string;
  service: string;
  /** The datastore the finding is about; absent for service-level findings (repository checks). */
  datastore?: string;
  /** What exactly: `orders-db`, `orders-db:public.inventory`, `repo:migrations/003.sql:12`. */
  resource: string;
  status: Status;
  severity: Severity;
  message: string;
  evidence: Evidence[];
  remediation: string;
  /** Set when a waiver matched (applied or expired). */
  waiver?: WaiverApplication;
  /** File location, for SARIF and JUnit outputs. */
  location?: { path: string; line?: number };
  /** What this finding says for its questionnaire row, where that is not its status (e.g. "sensitive data: yes"). */
  answer?: 'yes' | 'no';
  /** A descriptive questionnaire answer; the row shows it instead of Yes/No. */
  answerText?: string;
  /** The sub-rule that produced the finding within its check, e.g. a migration lint rule id. */
  rule?: string;
}

export interface WaiverApplication {
  reason: string;
  approver: string;
  expires: string;
  expired: boolean;
}

/** One control (or questionnaire row) of a framework, answered from a service's findings by the report layer. */
export interface ControlAnswer {
  control: string;
  label: string;
  question: string;
  /** Short answer shown in the table: `Yes`, `No`, `Partly`, `Not assessed: <why>`. */
  answer: string;
  /** The worst status among the findings the answer rests on, or `unknown` when none. */
  status: Status;
  /** One line per piece of supporting evidence. */
  details: string[];
  /** What a person stated in config (CONTINUITY-0003 rows), if anything, and whether the evidence contradicts it. */
  stated?: { answer: string; contradicted: boolean; note?: string };
  checkIds: string[];
}

/**
 * A part of a datastore that is recovered on its own terms, shown as its own row
 * of the datastore table: a Supabase project's Storage buckets (outside its
 * database backups), a Kubernetes cluster's volumes.
 */
export interface DatastorePart {
  /** What kind of part, e.g. `storage bucket`. */
  kind: string;
  /** Unique within the datastore. */
  name: string;
  /** One line: how the part can be recovered, e.g. `not covered by database backups`. */
  recovery: string;
  /** The part's own backup policy link, where config declares one. */
  backupPolicy?: string;
}

export interface DatastoreSummary {
  name: string;
  type: string;
  environment: string;
  backupPolicy?: string;
  /** A one-line description of the point-in-time recovery window when a collector read one. */
  pitr?: string;
  /** Parts with a recovery of their own (see DatastorePart), when the type's collectors report them. */
  parts?: DatastorePart[];
  /** Set when the collector could not run at all for this datastore. */
  collectionError?: string;
  /** What fixes collectionError, where its cause is a known one (no TLS on the server, a wrong password...). */
  collectionErrorFix?: string;
  durationMs: number;
}

export interface ServiceResult {
  name: string;
  owner?: string;
  environment: string;
  docs?: { saas?: string; addon?: string };
  datastores: DatastoreSummary[];
  findings: Finding[];
  /** CONTINUITY-0003 answers stated by people in config (services[].answers), by row. */
  statedAnswers?: Record<string, string>;
  /** The chosen frameworks answered from this service's findings (set by the report layer, not the engine). */
  frameworks?: FrameworkAnswers[];
}

export interface FrameworkAnswers {
  framework: string;
  answers: ControlAnswer[];
}

/** A framework a scan was answered for, with which checks answer each control (from frameworks/<id>.yaml). */
export interface FrameworkDescriptor {
  id: string;
  title: string;
  kind: 'questionnaire' | 'controls';
  source: string;
  controls: { id: string; label: string; question: string; checks: string[] }[];
}

export interface CheckDescriptor {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  remediation: string;
  docs?: string;
  /** Evidence fields (by Evidence.field) whose numeric or date value has a better direction; drift reports a move the wrong way. */
  evidenceTrend?: Record<string, EvidenceTrend>;
}

/** Which way a numeric (or ISO date) evidence value is better. */
export type EvidenceTrend = 'higher-is-better' | 'lower-is-better';

export const DRIFT_EVENT_TYPES = [
  'new-failure',
  'resolved',
  'lost-visibility',
  'evidence-worsened',
  'datastore-added',
  'datastore-removed',
  'waiver-expired',
  'statistics-reset',
  'data-changed',
] as const;
export type DriftEventType = (typeof DRIFT_EVENT_TYPES)[number];

/** One change between two scans of the same service (see src/drift). */
export interface DriftEvent {
  type: DriftEventType;
  service: string;
  checkId?: string;
  datastore?: string;
  resource?: string;
  severity: Severity;
  message: string;
  before?: { status: Status; evidence: Evidence[] };
  after?: { status: Status; evidence: Evidence[] };
}

export interface ScanResult {
  schemaVersion: typeof SCAN_RESULT_SCHEMA_VERSION;
  tool: { name: 'continuity'; version: string };
  scanId: string;
  startedAt: string;
  finishedAt: string;
  configPath: string | null;
  services: ServiceResult[];
  /** Findings about the estate as a whole, not one service (e.g. unregistered datastores found by discovery). */
  estate: { findings: Finding[]; frameworks?: FrameworkAnswers[] };
  /** The frameworks the reports answer (set by the report layer; see docs/scan-result.md). */
  frameworks?: FrameworkDescriptor[];
  checks: CheckDescriptor[];
  totals: Record<Status, number>;
  /** Set when the scan was compared with the previous scan of the same services. */
  changes?: { previousScanId: string; previousFinishedAt: string; events: DriftEvent[] };
}
