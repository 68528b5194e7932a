import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { classifyColumn } from '../../src/sensitivity';
import { sensitiveColumnsFinding } from '../../src/sensitivity/verdict';
import { NOTHING_VISIBLE } from '../../src/datastores/clickhouse/facts';

const MAX_LISTED = 50;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'clickhouse',
  id: 'clickhouse.sensitive-columns',
  title: 'Sensitive ClickHouse data is known and declared',
  severity: 'medium',
  description:
    "The PostgreSQL classifier applied to system.columns: each column's name (with its table's), type and comment (metadata only, no row is read). Map and JSON columns (OpenTelemetry attributes) can hold anything their writers put there: their keys are data and are not read. The result answers \"Data sensitivity\" and is compared with the sensitivity the datastore declares.",
  remediation: "Declare the datastore's sensitivity (confidential or restricted) in config, and review who can read these columns; drop or mask what the service does not need.",
  evaluate({ datastore, facts }): FindingDraft[] {
    if (!facts.columns.ok) return [unreadable(datastore.name, facts.columns)];
    const columns = facts.columns.value;
    if (columns.length === 0) {
      return [{ resource: datastore.name, status: 'unknown', message: NOTHING_VISIBLE, evidence: [{ source: facts.columns.source, field: 'columns listed', value: 0 }] }];
    }
    const hits = columns.flatMap((c) => {
      const found = classifyColumn({ table: c.table, name: c.name, type: c.type, comment: c.comment });
      return found ? [{ column: `${c.database}.${c.table}.${c.name}`, ...found }] : [];
    });
    const declared = datastore.sensitivity;
    const declaredEvidence = { source: 'config datastores[].sensitivity', field: 'declared', value: declared ?? null };
    const freeForm = columns.filter((c) => /^(?:Map|JSON|Object|Nullable\(JSON)/.test(c.type)).map((c) => `${c.database}.${c.table}.${c.name}`);
    const freeFormEvidence = freeForm.length
      ? [{ source: 'system.columns', field: 'Map/JSON columns (keys not read)', value: freeForm.slice(0, MAX_LISTED).join(', ') }]
      : [];
    if (hits.length === 0) {
      return [
        {
          resource: datastore.name,
          status: 'pass',
          answer: 'no',
          message: `none of ${columns.length} columns looks sensitive by name, type or comment${freeForm.length ? ` (${freeForm.length} Map/JSON columns can hold anything: their keys are data and were not read)` : ''}`,
          evidence: [declaredEvidence, { source: 'system.columns', field: 'columns classified', value: columns.length }, ...freeFormEvidence],
        },
      ];
    }
    const classes = [...new Set(hits.map((h) => h.class))];
    const evidence = [
      declaredEvidence,
      ...hits.slice(0, MAX_LISTED).map((h) => ({ source: h.basis === 'comment' ? 'system.columns.comment' : 'system.columns', field: h.column, value: h.class })),
      ...(hits.length > MAX_LISTED ? [{ source: 'system.columns', field: 'more columns', value: hits.length - MAX_LISTED }] : []),
      ...freeFormEvidence,
    ];
    return [sensitiveColumnsFinding({ resource: datastore.name, declared, columns: hits.length, classes, evidence })];
  },
});
