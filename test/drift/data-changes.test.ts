// Drift on ClickHouse data changes: each mutation or DELETE that clickhouse.data-changes-recorded
// reports and the previous scan did not is one data-changed event, routed like other events.
import { describe, expect, it } from 'vitest';
import { diffScans } from '../../src/drift/diff';
import { planAlerts } from '../../src/alerts/plan';
import { observed } from '../../src/engine/types';
import type { ClickHouseMutation } from '../../src/datastores/clickhouse/facts';
import check from '../../checks/clickhouse/data-changes-recorded';
import { runCheck } from '../support/check-tester';
import { CHECK_NOW, chDatastore, chFacts, hoursBefore, policy, service } from '../support/clickhouse-facts';
import { scanOf } from '../support/scan-fixtures';

const mutation = (id: string, hours: number): ClickHouseMutation => ({
  database: 'otel',
  table: 'otel_logs',
  mutationId: id,
  kind: 'UPDATE',
  command: 'UPDATE Body = ? WHERE TraceId = ?',
  createdAt: hoursBefore(hours),
  done: true,
});

const scanWith = (mutations: ClickHouseMutation[], runbook?: string) =>
  scanOf(
    runCheck(check, {
      service,
      datastore: chDatastore(runbook ? { dataChangeRunbook: runbook } : {}),
      facts: chFacts({ mutations: observed('system.mutations', mutations) }),
      policy: policy(),
      now: CHECK_NOW,
    }),
    { service: 'agentops', datastores: ['otel-ch'] },
  );

describe('data-changed drift events', () => {
  it('reports each mutation new since the previous scan, whatever its status, and no other event for it', () => {
    const before = scanWith([mutation('mutation_1.txt', 40)], 'https://atuin.example/runbook');
    const after = scanWith([mutation('mutation_2.txt', 3), mutation('mutation_1.txt', 40)], 'https://atuin.example/runbook');
    const events = diffScans(before, after);
    expect(events.map((e) => [e.type, e.resource, e.severity])).toEqual([['data-changed', 'otel-ch:mutation/otel.otel_logs/mutation_2.txt', 'medium']]);
    expect(events[0]!.message).toMatch(/^production data changed at \S+: UPDATE mutation on otel.otel_logs .*match it with its entry in the data change runbook$/);
  });

  it('reports the first changes after a quiet scan, and nothing when a change leaves the read window', () => {
    const quiet = scanWith([]);
    const changed = scanWith([mutation('mutation_1.txt', 3)]);
    expect(diffScans(quiet, changed).map((e) => e.type)).toEqual(['data-changed']);
    expect(diffScans(changed, quiet)).toEqual([]);
  });

  it('is routed to the sinks like other drift events', () => {
    const before = scanWith([]);
    const after = scanWith([mutation('mutation_9.txt', 1)]);
    const events = diffScans(before, after);
    const { outbox } = planAlerts({
      scan: after,
      service: after.services[0]!,
      events,
      previousScanId: before.scanId,
      sinks: [{ name: 'reviewers', type: 'slack', minSeverity: 'medium' }],
      digestDue: false,
    });
    expect(outbox.map((o) => [o.sink, o.message.kind, o.message.events.map((e) => e.type)])).toEqual([['reviewers', 'drift', ['data-changed']]]);
  });
});
