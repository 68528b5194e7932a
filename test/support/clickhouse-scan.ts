// Running the ClickHouse collector against the fixture servers as the engine runs it: the
// OpenTelemetry store of seed 001 (otel_logs, otel_traces) as a server shape, the scanner's
// login in environment variables, and one helper that collects a datastore config.
import { ClickHouseDatastoreSchema, clickhouseCollector, type ClickHouseDatastore } from '../../src/datastores/clickhouse';
import type { ClickHouseFacts } from '../../src/datastores/clickhouse/facts';
import { resolvePolicy } from '../../src/config/policy';
import { createScanCache } from '../../src/engine/scan';
import type { Config } from '../../src/config/schema';
import { silentLogger } from '../../src/log';
import type { ClickHouseServerShape, Row } from './clickhouse-fixture-server';

export const SCANNER = { user: 'continuity_scanner', password: 'ch-sc4nner-pw' };
export const SCANNER_ENV = { userEnv: 'CONTINUITY_TEST_CH_USER', passwordEnv: 'CONTINUITY_TEST_CH_PASSWORD' };
/** A value from a row that a mutation and a DELETE carried: it must never leave the server. */
export const CANARY = 'canary-4b1d9e@example.org';

const HOUR = 3600 * 1000;
export const hoursAgo = (h: number, now = new Date()) => new Date(now.getTime() - h * HOUR);

/** Daily native backups for `days` days, the newest `newestHoursAgo` ago, as system.backup_log rows. */
export function dailyBackupLog(days: number, newestHoursAgo: number, now = new Date()): Row[] {
  return Array.from({ length: days }, (_, i) => {
    const end = hoursAgo(newestHoursAgo + 24 * i, now);
    return {
      event_time: end,
      event_time_microseconds: end,
      id: `backup-${i}`,
      name: `S3('https://s3.example/ch/daily-${i}', 'AKIA-key', '[HIDDEN]')`,
      status: 'BACKUP_CREATED',
      start_time: hoursAgo(newestHoursAgo + 24 * i + 1, now),
      end_time: end,
      total_size: 4_000_000_000,
    };
  });
}

export const OTEL_MUTATIONS = (now = new Date()): Row[] => [
  {
    database: 'otel',
    table: 'otel_logs',
    mutation_id: 'mutation_41.txt',
    command: `UPDATE Body = '${CANARY}' WHERE TraceId = 'a1b2c3'`,
    create_time: hoursAgo(30, now),
    is_done: 1,
  },
  {
    database: 'otel',
    table: 'otel_traces',
    mutation_id: 'mutation_42.txt',
    command: `UPDATE _row_exists = 0 WHERE SpanAttributes['user.email'] = '${CANARY}'`,
    create_time: hoursAgo(5, now),
    is_done: 1,
  },
  // Not a data change: rebuilding an index.
  { database: 'otel', table: 'otel_logs', mutation_id: 'mutation_40.txt', command: 'MATERIALIZE INDEX idx_body', create_time: hoursAgo(50, now), is_done: 1 },
];

/** Seed 001's ClickHouse: an OpenTelemetry store, daily native backups, one login for the scanner. */
export function otelServer(overrides: Partial<ClickHouseServerShape> = {}): ClickHouseServerShape {
  const now = new Date();
  return {
    hostName: 'otel-ch-1',
    startedAt: hoursAgo(72, now),
    accounts: [{ name: SCANNER.user, password: SCANNER.password }],
    ...overrides,
    tables: {
      backup_log: dailyBackupLog(45, 3, now),
      backups: [],
      mutations: [],
      query_log: [],
      users: [
        { name: 'default', auth_type: ['sha256_password'], host_ip: ['127.0.0.1'] },
        { name: SCANNER.user, auth_type: ['sha256_password'], host_ip: ['10.0.0.0/8'] },
      ],
      columns: [
        { database: 'otel', table: 'otel_logs', name: 'Timestamp', type: 'DateTime64(9)', position: 1 },
        { database: 'otel', table: 'otel_logs', name: 'ServiceName', type: 'LowCardinality(String)', position: 2 },
        { database: 'otel', table: 'otel_logs', name: 'Body', type: 'String', position: 3, comment: 'log line' },
        { database: 'otel', table: 'otel_traces', name: 'TraceId', type: 'String', position: 1 },
        { database: 'otel', table: 'otel_traces', name: 'UserEmail', type: 'String', position: 2, comment: 'email address of the signed-in user' },
      ],
      tables: [
        { database: 'otel', name: 'otel_logs', engine: 'MergeTree', sorting_key: 'ServiceName, Timestamp', primary_key: 'ServiceName, Timestamp' },
        { database: 'otel', name: 'otel_traces', engine: 'MergeTree', sorting_key: 'ServiceName, SpanName, toDateTime(Timestamp)', primary_key: 'ServiceName, SpanName' },
      ],
      data_skipping_indices: [{ database: 'otel', table: 'otel_logs', name: 'idx_body', type: 'tokenbf_v1', expr: 'lower(Body)', granularity: 1 }],
      ...overrides.tables,
    },
  };
}

export function clickhouseDatastore(fields: Record<string, unknown>): ClickHouseDatastore {
  return ClickHouseDatastoreSchema.parse({ name: 'otel-ch', type: 'clickhouse', ...SCANNER_ENV, ...fields });
}

/** Collects one datastore as the engine does, with the scanner's login in the environment for the call. */
export async function collectClickHouse(datastore: ClickHouseDatastore, env: Record<string, string> = {}, signal = new AbortController().signal): Promise<ClickHouseFacts> {
  const vars = { [SCANNER_ENV.userEnv]: SCANNER.user, [SCANNER_ENV.passwordEnv]: SCANNER.password, ...env };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await clickhouseCollector.collect({
      config: { scan: { datastoreTimeoutSeconds: 120 } } as unknown as Config,
      service: { name: 'agentops', environment: 'production', datastores: [datastore] } as never,
      datastore,
      policy: resolvePolicy({ policy: {} }, 'production'),
      signal,
      log: silentLogger,
      shared: createScanCache(),
    });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
