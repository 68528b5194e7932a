// The history store contract: every scan result kept, plus the alert outbox,
// so that a scan and the alerts it causes are recorded in one atomic step.
import type { ScanResult, Status } from '../model';
import type { AlertMessage } from '../alerts/message';

/** What the index knows about a stored scan without reading it. */
export interface ScanIndexEntry {
  scanId: string;
  startedAt: string;
  finishedAt: string;
  services: string[];
  totals: Record<Status, number>;
}

/** One message for one sink, kept until delivered. `id` is the idempotency key. */
export interface OutboxItem {
  id: string;
  sink: string;
  message: AlertMessage;
  createdAt: string;
  attempts: number;
  lastError?: string;
  lastAttemptAt?: string;
}

export interface HistoryCommit {
  scan: ScanResult;
  /** Deliveries caused by this scan; an id already delivered or queued is not queued again. */
  outbox: OutboxItem[];
  /** Services whose digest this commit queues, with the time it counts from. */
  digests: { service: string; at: string }[];
  /** Queue mode: the job that produced the scan; a second commit of the same job is dropped whole. */
  jobId?: string;
}

export interface HistoryStore {
  /** Where the history lives, for logs (never with credentials). */
  readonly description: string;
  /**
   * Store a scan and queue its deliveries atomically; then drop scans past
   * retention. False when the commit's job was already recorded (nothing stored).
   */
  record(commit: HistoryCommit): Promise<boolean>;
  /** Newest first. */
  list(filter?: { service?: string; limit?: number }): Promise<ScanIndexEntry[]>;
  get(scanId: string): Promise<ScanResult | undefined>;
  /** The newest scan holding this service, optionally only those finished before a scan. */
  latestFor(service: string, options?: { before?: string }): Promise<ScanResult | undefined>;
  /** Undelivered items, oldest first. */
  pending(): Promise<OutboxItem[]>;
  /**
   * Take an undelivered item for `leaseMs` so that no other process sends it
   * meanwhile; false when delivered or held by another. Stores with one writer
   * (files) do not implement it.
   */
  claim?(id: string, leaseMs: number): Promise<boolean>;
  markDelivered(id: string, at: Date): Promise<void>;
  markFailed(id: string, error: string, at: Date): Promise<void>;
  lastDigestAt(service: string): Promise<string | undefined>;
  close(): Promise<void>;
}
