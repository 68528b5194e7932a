import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { NOTHING_VISIBLE, changesRows } from '../../src/datastores/clickhouse/facts';
import { DATA_CHANGE_FIELD, type Evidence } from '../../src/model';

const BOUNDED =
  'system.mutations keeps only a bounded number of finished mutations per table (MergeTree setting finished_mutations_to_keep, default 100): older ones are gone from the server';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'clickhouse',
  id: 'clickhouse.data-changes-recorded',
  title: 'Changes to ClickHouse data are recorded in a runbook',
  severity: 'medium',
  // Seed 001 asks for the record of changes to production data; a dev database has no protection.
  protection: true,
  description:
    "Data manipulation over the datastore's dataChangeWindowDays (default 30): mutations (ALTER TABLE … UPDATE/DELETE, and lightweight DELETE's `UPDATE _row_exists`) from system.mutations and lightweight DELETE statements from system.query_log where readable, each with its table, kind, time, user where known, and its command with every literal replaced by the server's normalizeQuery() (no value from a row leaves the server). Changes without a dataChangeRunbook link fail; with one, each change is listed to be matched with its runbook entry.",
  remediation:
    "Record every production data change (intent, the statements, who ran them, how it was checked) in the change runbook, and set the datastore's dataChangeRunbook to its link.",
  docs: 'https://clickhouse.com/docs/sql-reference/statements/alter#mutations',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.mutations.ok) return [unreadable(resource, facts.mutations)];
    const runbook = datastore.type === 'clickhouse' ? datastore.dataChangeRunbook : undefined;
    const window = `the last ${facts.dataChangeWindowDays} days`;
    const mutations = facts.mutations.value.filter(changesRows);
    const deletes = facts.lightweightDeletes.ok ? facts.lightweightDeletes.value : [];
    const common: Evidence[] = [
      { source: 'config datastores[].dataChangeRunbook', field: 'dataChangeRunbook', value: runbook ?? null },
      { source: facts.mutations.source, field: 'retention', value: BOUNDED },
      facts.lightweightDeletes.ok
        ? { source: facts.lightweightDeletes.source, field: 'DELETE statements read', value: deletes.length }
        : { source: facts.lightweightDeletes.source, field: 'read', value: `failed: ${facts.lightweightDeletes.reason}; lightweight DELETEs still show in system.mutations as UPDATE _row_exists` },
    ];
    const recordIn = runbook ? `recorded in ${runbook}` : 'and the datastore names no runbook to record them in (dataChangeRunbook)';
    if (mutations.length === 0 && deletes.length === 0) {
      if (facts.tables.ok && facts.tables.value.length === 0) {
        return [{ resource, status: 'unknown', message: `no mutation listed in ${window}, but ${NOTHING_VISIBLE}`, evidence: [{ source: facts.tables.source, field: 'tables listed', value: 0 }, ...common] }];
      }
      // Without the table list, an empty mutation list may only mean the login sees no table.
      if (!facts.tables.ok) {
        return [{ resource, status: 'unknown', message: `not fully assessed: no mutation listed in ${window}, but whether this login sees any table could not be read (${facts.tables.reason})`, evidence: [{ source: facts.tables.source, field: 'read', value: `failed: ${facts.tables.reason}` }, ...common] }];
      }
      return [
        {
          resource,
          status: 'pass',
          message: `no mutation or DELETE changed data in ${window}`,
          answerText: `ClickHouse ${resource}: schemas are not migrated from a repository; data is changed by individual queries, ${recordIn}: none in ${window}.`,
          evidence: [{ source: facts.mutations.source, field: 'mutations changing rows', value: 0 }, { source: facts.mutations.source, field: 'other mutations (indexes, columns)', value: facts.mutations.value.length }, ...common],
        },
      ];
    }
    const judged = (what: string): Pick<FindingDraft, 'status' | 'message'> =>
      runbook
        ? { status: 'warn', message: `${what}: match it with its entry in the data change runbook` }
        : { status: 'fail', message: `${what}, and the datastore names no data change runbook (dataChangeRunbook)` };
    const findings: FindingDraft[] = mutations.map((m) => ({
      resource: `${resource}:mutation/${m.database}.${m.table}/${m.mutationId}`,
      ...judged(`${m.kind} mutation on ${m.database}.${m.table} at ${m.createdAt}${m.done ? '' : ' (still running)'}`),
      evidence: [
        { source: facts.mutations.source, field: 'table', value: `${m.database}.${m.table}` },
        { source: facts.mutations.source, field: 'kind', value: m.kind },
        { source: facts.mutations.source, field: DATA_CHANGE_FIELD, value: m.createdAt },
        { source: facts.mutations.source, field: 'user', value: 'not recorded in system.mutations' },
        { source: facts.mutations.source, field: 'normalizeQuery(command)', value: m.command },
        ...common,
      ],
    }));
    for (const d of deletes) {
      findings.push({
        resource: `${resource}:delete/${d.queryId}`,
        ...judged(`DELETE on ${d.tables.join(', ') || 'a table'} by ${d.user} at ${d.at}`),
        evidence: [
          { source: facts.lightweightDeletes.source, field: 'tables', value: d.tables.join(', ') },
          { source: facts.lightweightDeletes.source, field: 'kind', value: 'DELETE' },
          { source: facts.lightweightDeletes.source, field: DATA_CHANGE_FIELD, value: d.at },
          { source: facts.lightweightDeletes.source, field: 'user', value: d.user },
          { source: facts.lightweightDeletes.source, field: 'normalizeQuery(query)', value: d.query },
          ...common,
        ],
      });
    }
    const changes = findings.length;
    findings[0]!.answerText = `ClickHouse ${resource}: schemas are not migrated from a repository; data is changed by individual queries, ${recordIn}: ${changes} change(s) in ${window}${runbook ? ', each to be matched with its runbook entry' : ''}.`;
    return findings;
  },
});
