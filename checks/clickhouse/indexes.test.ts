import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import { CHECK_NOW, chDatastore, chFacts, policy, service } from '../../test/support/clickhouse-facts';
import { observed } from '../../src/engine/types';
import type { ClickHouseSkippingIndex, ClickHouseTable } from '../../src/datastores/clickhouse/facts';
import check from './indexes';

const table = (name: string, engine: string, sortingKey: string): ClickHouseTable => ({ database: 'otel', name, engine, sortingKey, primaryKey: sortingKey });
const run = (tables: ClickHouseTable[], indexes: ClickHouseSkippingIndex[] = []) =>
  runCheck(check, { service, datastore: chDatastore(), facts: chFacts({ tables: observed('system.tables', tables), skippingIndexes: observed('system.data_skipping_indices', indexes) }), policy: policy(), now: CHECK_NOW });

describe('clickhouse.indexes', () => {
  it('says what applies, never "Yes": sorting keys and data-skipping indexes, the query use not read', () => {
    const [f] = run([table('otel_logs', 'MergeTree', 'ServiceName, Timestamp')], [{ database: 'otel', table: 'otel_logs', name: 'idx_body', type: 'tokenbf_v1' }]);
    expect(f?.status).toBe('pass');
    expect(f?.answerText).toBe(
      'Not fully assessed: ClickHouse otel-ch: 1 of 1 MergeTree tables are sorted by a primary key (ORDER BY), 1 data-skipping index(es); whether the queries filter on those keys is not read.',
    );
  });

  it('warns about a MergeTree table without a sorting key, one finding per table', () => {
    const findings = run([table('otel_logs', 'MergeTree', 'Timestamp'), table('raw', 'ReplacingMergeTree', '')]);
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['otel-ch', 'warn'],
      ['otel-ch:table/otel.raw', 'warn'],
    ]);
  });

  it('answers "not applicable" where no table has indexes', () => {
    expect(run([table('buffer', 'Memory', '')])[0]?.answerText).toMatch(/^Not applicable to ClickHouse otel-ch/);
  });

  it('is unknown, not "not applicable", when no table is visible (the login lacks SHOW)', () => {
    const findings = run([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'unknown', message: expect.stringContaining('GRANT SHOW ON *.*') });
    expect(findings[0]?.answerText).toBeUndefined();
  });
});
