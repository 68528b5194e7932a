import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import { CHECK_NOW, chDatastore, chFacts, policy, service } from '../../test/support/clickhouse-facts';
import { observed } from '../../src/engine/types';
import type { ClickHouseColumn } from '../../src/datastores/clickhouse/facts';
import check from './sensitive-columns';

const column = (table: string, name: string, type: string, comment = ''): ClickHouseColumn => ({ database: 'otel', table, name, type, comment });
const run = (columns: ClickHouseColumn[], sensitivity?: 'confidential') =>
  runCheck(check, { service, datastore: chDatastore(sensitivity ? { sensitivity } : {}), facts: chFacts({ columns: observed('system.columns', columns) }), policy: policy(), now: CHECK_NOW });

describe('clickhouse.sensitive-columns', () => {
  it('classifies ClickHouse column names, types and comments, and answers Yes for the Data sensitivity row', () => {
    const [f] = run([
      column('otel_traces', 'UserEmail', 'LowCardinality(String)'),
      column('otel_logs', 'ClientAddr', 'IPv6'),
      column('otel_logs', 'Owner', 'String', 'email address of the signed-in user'),
      column('otel_logs', 'LogAttributes', 'Map(LowCardinality(String), String)'),
      column('otel_logs', 'Timestamp', 'DateTime64(9)'),
    ]);
    expect(f).toMatchObject({ status: 'warn', answer: 'yes' });
    expect(f?.evidence).toContainEqual(expect.objectContaining({ field: 'otel.otel_traces.UserEmail', value: 'email' }));
    expect(f?.evidence).toContainEqual(expect.objectContaining({ source: 'system.columns.comment', field: 'otel.otel_logs.Owner' }));
    expect(f?.evidence).toContainEqual(expect.objectContaining({ field: 'Map/JSON columns (keys not read)', value: 'otel.otel_logs.LogAttributes' }));
  });

  it('passes a declared confidential store, and answers No when nothing looks sensitive', () => {
    expect(run([column('otel_traces', 'UserEmail', 'String')], 'confidential')[0]).toMatchObject({ status: 'pass', answer: 'yes' });
    expect(run([column('otel_logs', 'Timestamp', 'DateTime64(9)'), column('otel_logs', 'SeverityText', 'LowCardinality(String)')])[0]).toMatchObject({ status: 'pass', answer: 'no' });
  });

  it('is unknown, not "No", when no column is visible (the login lacks SHOW)', () => {
    const [f] = run([]);
    expect(f).toMatchObject({ status: 'unknown', message: expect.stringContaining('GRANT SHOW ON *.*') });
    expect(f?.answer).toBeUndefined();
  });
});
