import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import { CHECK_NOW, chDatastore, chFacts, hoursBefore, policy, service } from '../../test/support/clickhouse-facts';
import { observed, unavailable } from '../../src/engine/types';
import type { ClickHouseDeleteQuery, ClickHouseMutation } from '../../src/datastores/clickhouse/facts';
import check from './data-changes-recorded';

const RUNBOOK = 'https://atuin.example/agentops-clickhouse';
const update: ClickHouseMutation = { database: 'otel', table: 'otel_logs', mutationId: 'mutation_41.txt', kind: 'UPDATE', command: 'UPDATE Body = ? WHERE TraceId = ?', createdAt: hoursBefore(30), done: true };
const index: ClickHouseMutation = { ...update, mutationId: 'mutation_40.txt', kind: 'MATERIALIZE INDEX', command: 'MATERIALIZE INDEX idx_body' };
const del: ClickHouseDeleteQuery = { queryId: 'q-1', user: 'alice', at: hoursBefore(2), tables: ['otel.otel_logs'], query: 'DELETE FROM otel.otel_logs WHERE Body = ?' };

const run = (mutations: ClickHouseMutation[], deletes: ClickHouseDeleteQuery[] | undefined, dataChangeRunbook?: string) =>
  runCheck(check, {
    service,
    datastore: chDatastore(dataChangeRunbook ? { dataChangeRunbook } : {}),
    facts: chFacts({ mutations: observed('system.mutations', mutations), lightweightDeletes: deletes ? observed('system.query_log', deletes) : unavailable('system.query_log', 'ACCESS_DENIED (497)') }),
    policy: policy(),
    now: CHECK_NOW,
  });

describe('clickhouse.data-changes-recorded', () => {
  it('fails each change when no runbook is named, one finding per mutation and per DELETE', () => {
    const findings = run([update, index], [del]);
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['otel-ch:mutation/otel.otel_logs/mutation_41.txt', 'fail'],
      ['otel-ch:delete/q-1', 'fail'],
    ]);
    expect(findings[0]?.evidence).toContainEqual(expect.objectContaining({ field: 'normalizeQuery(command)', value: 'UPDATE Body = ? WHERE TraceId = ?' }));
    expect(findings[1]?.evidence).toContainEqual(expect.objectContaining({ field: 'user', value: 'alice' }));
    expect(findings[0]?.evidence).toContainEqual(expect.objectContaining({ field: 'retention', value: expect.stringContaining('bounded number of finished mutations') }));
    expect(findings[0]?.answerText).toContain('no runbook');
  });

  it('warns with a runbook, each change to be matched with its entry', () => {
    const findings = run([update], [], RUNBOOK);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'warn', message: expect.stringContaining('match it with its entry in the data change runbook') });
    expect(findings[0]?.answerText).toContain(`recorded in ${RUNBOOK}: 1 change(s) in the last 30 days`);
  });

  it('passes when only non-data mutations ran, saying when the DELETE statements could not be read', () => {
    const [f] = run([index], undefined, RUNBOOK);
    expect(f).toMatchObject({ status: 'pass', message: 'no mutation or DELETE changed data in the last 30 days' });
    expect(f?.evidence).toContainEqual(expect.objectContaining({ source: 'system.query_log', value: expect.stringContaining('lightweight DELETEs still show in system.mutations') }));
  });

  it('is skipped where the environment requires no protection (a dev database)', () => {
    const [f] = runCheck(check, { service, datastore: chDatastore(), facts: chFacts({ mutations: observed('system.mutations', [update]) }), policy: policy({ environment: 'dev', protectionRequired: false }), now: CHECK_NOW });
    expect(f?.status).toBe('skipped');
  });

  it('is unknown when system.mutations could not be read', () => {
    const [f] = runCheck(check, { service, datastore: chDatastore(), facts: chFacts({ mutations: unavailable('system.mutations', 'ACCESS_DENIED (497)') }), policy: policy(), now: CHECK_NOW });
    expect(f?.status).toBe('unknown');
  });

  it('is unknown, not a pass, when no mutation is listed and no table is visible (the login lacks SHOW)', () => {
    const [f] = runCheck(check, {
      service,
      datastore: chDatastore(),
      facts: chFacts({ mutations: observed('system.mutations', []), tables: observed('system.tables', []) }),
      policy: policy(),
      now: CHECK_NOW,
    });
    expect(f).toMatchObject({ status: 'unknown', message: expect.stringContaining('GRANT SHOW ON *.*') });
  });

  it('is unknown, not a pass, when no mutation is listed and the table list could not be read', () => {
    const [f] = runCheck(check, {
      service,
      datastore: chDatastore(),
      facts: chFacts({ mutations: observed('system.mutations', []), tables: unavailable('system.tables', 'ACCESS_DENIED (497)') }),
      policy: policy(),
      now: CHECK_NOW,
    });
    expect(f).toMatchObject({ status: 'unknown', message: expect.stringContaining('whether this login sees any table could not be read (ACCESS_DENIED (497))') });
  });
});
