// A synthetic scan result for a fleet of services x datastores, shaped like
// what the PostgreSQL checks produce (per-table findings, evidence, remediation
// with SQL, waivers, drift). Used by the HTML size test, browser tests and bench.
import { ALL_CHECKS } from '../../checks';
import { ServiceSchema, type Waiver } from '../../src/config/schema';
import { applyWaivers } from '../../src/engine/waivers';
import { describeCheck, ESTATE } from '../../src/engine/scan';
import { DEFAULT_FRAMEWORK } from '../../src/frameworks';
import { answerFrameworks } from '../../src/report/answers';
import {
  DRIFT_EVENT_TYPES,
  SCAN_RESULT_SCHEMA_VERSION,
  STATUSES,
  type DriftEvent,
  type Finding,
  type ScanResult,
  type ServiceResult,
  type Status,
} from '../../src/model';

export interface FleetOptions {
  /** Frameworks the scan is answered for (CONTINUITY-0003 when absent). */
  frameworks?: string[];
  services: number;
  datastoresPerService: number;
  /** Most findings a per-table check reports for one datastore. */
  maxTableFindings?: number;
  seed?: number;
  /** Add drift events, as when a previous scan exists. */
  changes?: boolean;
  estateFindings?: number;
  /** Put this text into one finding message, resource and evidence value of the first service. */
  hostileText?: string;
  now?: Date;
}

/** Deterministic pseudo-random numbers (mulberry32), so fleets are reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TABLES = ['orders', 'order_items', 'customers', 'payments', 'shipments', 'invoices', 'audit_log', 'sessions', 'inventory', 'menu'];
const PER_TABLE_CHECKS = new Set([
  'postgres.unindexed-foreign-key',
  'postgres.missing-primary-key',
  'postgres.unused-index',
  'postgres.duplicate-index',
  'postgres.sequential-scan-heavy',
]);

/** The estate findings are those of discovery: datastores no service registers. */
const UNREGISTERED = describeCheck(ALL_CHECKS.find((c) => c.id === 'datastore.unregistered')!);

export function buildFleetScan(options: FleetOptions): ScanResult {
  const rand = random(options.seed ?? 7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const now = options.now ?? new Date('2026-03-02T06:00:00Z');
  const maxTable = options.maxTableFindings ?? 4;
  // The fleet's datastores are PostgreSQL: only checks of facts a postgres datastore has apply.
  const datastoreChecks = ALL_CHECKS.filter((c) => c.scope === 'datastore' && (c.requires === 'postgres' || c.requires === 'backupPolicyLink'));
  const waivers: Waiver[] = [];
  const events: DriftEvent[] = [];

  const services: ServiceResult[] = [];
  for (let s = 0; s < options.services; s++) {
    const name = `svc-${String(s + 1).padStart(3, '0')}-${pick(['orders', 'billing', 'catalog', 'identity', 'search', 'ledger'])}`;
    const config = ServiceSchema.parse({
      name,
      owner: `team-${pick(['bbq', 'payments', 'growth', 'core', 'data'])}`,
      environment: s % 10 === 9 ? 'staging' : 'production',
      docs: { saas: `https://wiki.example.org/${name}/saas`, addon: `https://wiki.example.org/${name}/addon` },
      answers: { indexes: 'Yes', ssl: s % 3 === 0 ? 'No. Tracked by PLNSRVCE-1094.' : 'Yes', sensitivity: 'Yes' },
    });
    const findings: Finding[] = [];
    const datastores: ServiceResult['datastores'] = [];
    for (let d = 0; d < options.datastoresPerService; d++) {
      const ds = `${name.split('-').pop()}-db-${String(d + 1).padStart(2, '0')}`;
      const collectionError = rand() < 0.01 ? 'connect ECONNREFUSED 10.0.3.17:5432' : undefined;
      datastores.push({
        name: ds,
        type: 'postgres',
        environment: config.environment,
        ...(rand() < 0.9 ? { backupPolicy: `https://wiki.example.org/backups/${ds}` } : {}),
        ...(collectionError ? { collectionError } : { pitr: `7 days, latest restorable ${now.toISOString()}` }),
        durationMs: Math.floor(rand() * 900) + 40,
      });
      for (const check of datastoreChecks) {
        const base = { checkId: check.id, service: name, datastore: ds, severity: check.severity, remediation: check.remediation };
        if (collectionError) {
          findings.push({ ...base, resource: ds, status: 'error', message: `collector failed: ${collectionError}`, evidence: [] });
          continue;
        }
        if (PER_TABLE_CHECKS.has(check.id)) {
          const count = Math.floor(rand() * (maxTable + 1));
          if (count === 0) {
            findings.push({
              ...base,
              resource: ds,
              status: 'pass',
              message: `no table of ${ds} is affected`,
              evidence: [{ source: 'pg_catalog.pg_constraint', field: 'conrelid', value: 0 }],
            });
          }
          for (let t = 0; t < count; t++) {
            const table = `public.${TABLES[t % TABLES.length]}${t >= TABLES.length ? `_${t}` : ''}`;
            findings.push({
              ...base,
              resource: `${ds}:${table}`,
              status: rand() < 0.75 ? 'fail' : 'warn',
              message: `${check.title.toLowerCase()}: not the case for ${table} (${Math.floor(rand() * 5_000_000)} live rows, ${Math.floor(rand() * 90_000)} sequential scans)`,
              evidence: [
                { source: 'pg_stat_user_tables', field: 'n_live_tup', value: Math.floor(rand() * 5_000_000) },
                { source: 'pg_stat_user_tables', field: 'seq_scan', value: Math.floor(rand() * 90_000) },
                { source: 'pg_catalog.pg_constraint', field: 'conname', value: `${table.split('.')[1]}_fk_${t}` },
              ],
              remediation: `CREATE INDEX CONCURRENTLY ON ${table} (${pick(['customer_id', 'order_id', 'menu_id', 'account_id'])});`,
            });
          }
          continue;
        }
        const roll = rand();
        const status: Status = roll < 0.6 ? 'pass' : roll < 0.8 ? 'fail' : roll < 0.9 ? 'warn' : roll < 0.95 ? 'unknown' : 'skipped';
        findings.push({
          ...base,
          resource: ds,
          status,
          message: `${check.title}: ${status === 'pass' ? 'yes' : status === 'unknown' ? 'could not be read (permission denied for view pg_hba_file_rules)' : 'no'} on ${ds}`,
          evidence: [
            { source: 'pg_settings', field: pick(['ssl', 'log_statement', 'shared_preload_libraries']), value: pick(['on', 'off', 'none', 'mod']) },
            { source: 'config services[].datastores[].backupPolicy', field: 'backupPolicy', value: `https://wiki.example.org/backups/${ds}` },
          ],
          ...(check.id === 'postgres.sensitive-columns' && status !== 'pass' ? { answer: 'yes' as const } : {}),
        });
      }
      if (d % 5 === 1) {
        waivers.push({
          check: 'postgres.missing-primary-key',
          resource: `${ds}:*`,
          reason: 'append-only event table; replica identity full, migration planned in Q3',
          approver: 'sre-lead@example.org',
          expires: d % 10 === 6 ? '2026-01-31' : '2026-06-30',
        });
      }
    }
    if (s === 0 && options.hostileText) {
      const hostile = options.hostileText;
      findings.push({
        checkId: 'datastore.backup-policy-link',
        service: name,
        datastore: datastores[0]?.name ?? 'none',
        resource: `${datastores[0]?.name ?? 'none'}:${hostile}`,
        status: 'fail',
        severity: 'critical',
        message: `backup policy link is ${hostile}`,
        evidence: [{ source: 'config services[].datastores[].backupPolicy', field: 'backupPolicy', value: hostile }],
        remediation: `Replace ${hostile}`,
      });
    }
    const waived = applyWaivers(findings, waivers, now);
    services.push({
      name,
      ...(config.owner ? { owner: config.owner } : {}),
      environment: config.environment,
      ...(config.docs ? { docs: config.docs } : {}),
      datastores,
      findings: waived,
    });
    if (options.changes) {
      for (let e = 0; e < 1 + Math.floor(rand() * 4); e++) {
        const finding = pick(waived);
        const type = pick(DRIFT_EVENT_TYPES);
        events.push({
          type,
          service: name,
          checkId: finding.checkId,
          datastore: finding.datastore!,
          resource: finding.resource,
          severity: finding.severity,
          message: `${type.replace(/-/g, ' ')}: ${finding.message}`,
          before: { status: 'pass', evidence: finding.evidence },
          after: { status: finding.status, evidence: finding.evidence },
        });
      }
    }
  }

  const estate: Finding[] = Array.from({ length: options.estateFindings ?? 0 }, (_, i) => ({
    checkId: UNREGISTERED.id,
    service: ESTATE,
    resource: `arn:aws:rds:eu-west-1:123456789012:db:orphan-${i + 1}`,
    status: 'fail',
    severity: UNREGISTERED.severity,
    message: `RDS instance orphan-${i + 1} (postgres) in account 123456789012, eu-west-1 is not registered: no owner, no backup policy link`,
    evidence: [{ source: 'rds:DescribeDBInstances', field: 'DBInstanceIdentifier', value: `orphan-${i + 1}` }],
    remediation: UNREGISTERED.remediation,
  }));

  const totals = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const f of [...services.flatMap((s) => s.findings), ...estate]) totals[f.status]++;
  const scan: ScanResult = {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'continuity', version: '0.1.0' },
    scanId: '00000000-0000-4000-8000-000000000001',
    startedAt: new Date(now.getTime() - 60_000).toISOString(),
    finishedAt: now.toISOString(),
    configPath: '/etc/continuity/fleet.yaml',
    services,
    estate: { findings: estate },
    checks: ALL_CHECKS.map(describeCheck),
    totals,
    ...(options.changes
      ? { changes: { previousScanId: '00000000-0000-4000-8000-000000000000', previousFinishedAt: '2026-02-23T06:00:00.000Z', events } }
      : {}),
  };
  // As `continuity scan` hands it to the reports: answered for the chosen frameworks.
  answerFrameworks(scan, options.frameworks ?? [DEFAULT_FRAMEWORK]);
  return scan;
}
