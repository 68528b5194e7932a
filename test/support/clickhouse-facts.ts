// ClickHouse facts for check tests: a healthy seed-001 OpenTelemetry store at CHECK_NOW, each
// part replaceable. The collector test (test/clickhouse/collector.test.ts) shows the collector
// produces this shape from a server.
import { ClickHouseDatastoreSchema, type ClickHouseDatastore } from '../../src/datastores/clickhouse';
import type { BackupSource, ClickHouseFacts } from '../../src/datastores/clickhouse/facts';
import { resolvePolicy, type Policy } from '../../src/config/policy';
import type { ServiceConfig } from '../../src/config/schema';
import { observed } from '../../src/engine/types';
import { CHECK_NOW } from './check-tester';

export { CHECK_NOW };
const HOUR = 3600 * 1000;
export const hoursBefore = (h: number) => new Date(CHECK_NOW.getTime() - h * HOUR).toISOString();

export const service = { name: 'agentops', environment: 'production', datastores: [] } as unknown as ServiceConfig;

export function chDatastore(fields: Partial<ClickHouseDatastore> = {}): ClickHouseDatastore {
  return ClickHouseDatastoreSchema.parse({ name: 'otel-ch', type: 'clickhouse', url: 'https://ch.internal:8443', ...fields });
}

export const policy = (overrides: Partial<Policy> = {}): Policy => ({ ...resolvePolicy({ policy: {} }, 'production'), ...overrides });

/** Daily successful native backups over `days` days, the newest `newestHoursAgo` before CHECK_NOW. */
export function nativeBackups(days: number, newestHoursAgo: number, extra: BackupSource['backups'] = []): BackupSource {
  return {
    kind: 'native',
    source: 'system.backup_log',
    backups: [
      ...Array.from({ length: days }, (_, i) => ({ at: hoursBefore(newestHoursAgo + 24 * i), ok: true, sizeBytes: 4_000_000_000 })),
      ...extra,
    ],
    listsRetained: false,
    retentionNote: 'system.backup_log records the backups made, not which still exist',
  };
}

export function chFacts(overrides: Partial<ClickHouseFacts> = {}): ClickHouseFacts {
  return {
    server: { version: '24.8.4.13', hostName: 'otel-ch-1', uptimeSeconds: 72 * 3600, endpoint: 'https://ch.internal:8443' },
    session: { readonly: 'query setting', serverTimeout: true },
    queriesSent: 14,
    backups: { native: observed('system.backup_log', nativeBackups(45, 3)) },
    ports: { https: observed("getServerPort('https_port')", 8443), tcpSecure: observed("getServerPort('tcp_port_secure')", 9440) },
    plaintextProbes: [
      { name: 'http_port', port: 8123, portSource: 'default', outcome: 'refused', detail: 'connection refused' },
      { name: 'tcp_port', port: 9000, portSource: 'default', outcome: 'refused', detail: 'connection refused' },
    ],
    dataChangeWindowDays: 30,
    mutations: observed('system.mutations', []),
    lightweightDeletes: observed('system.query_log', []),
    users: observed('system.users', [
      { name: 'default', authTypes: ['sha256_password'], hostIp: ['127.0.0.1'], hostNames: [], hostNamesRegexp: [], hostNamesLike: [] },
    ]),
    columns: observed('system.columns', [
      { database: 'otel', table: 'otel_logs', name: 'Timestamp', type: 'DateTime64(9)', comment: '' },
      { database: 'otel', table: 'otel_logs', name: 'Body', type: 'String', comment: '' },
    ]),
    tables: observed('system.tables', [{ database: 'otel', name: 'otel_logs', engine: 'MergeTree', sortingKey: 'ServiceName, Timestamp', primaryKey: 'ServiceName, Timestamp' }]),
    skippingIndexes: observed('system.data_skipping_indices', []),
    ...overrides,
  };
}
