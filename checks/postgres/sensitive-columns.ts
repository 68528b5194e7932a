import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { tableName } from '../../src/datastores/postgres/facts';
import { classifyColumn } from '../../src/sensitivity';
import { sensitiveColumnsFinding } from '../../src/sensitivity/verdict';

const MAX_LISTED = 50;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.sensitive-columns',
  title: 'Sensitive data is known and declared',
  severity: 'medium',
  description:
    'Columns are classified by name, type and comment (email, phone, person name, address, birth date, government id, payment card, IP address, secrets). No row data is read. The result answers "Data sensitivity" and is compared with the sensitivity the datastore declares.',
  remediation:
    'Declare the datastore\'s sensitivity (confidential or restricted) in config, and review who can read these columns; encrypt or drop secrets stored in clear.',
  evaluate({ datastore, facts }): FindingDraft[] {
    if (!facts.columns.ok) return [unreadable(datastore.name, facts.columns)];
    if (!facts.tables.ok) return [unreadable(datastore.name, facts.tables)];
    const tableByOid = new Map(facts.tables.value.map((t) => [t.oid, t]));
    // A partition's columns are its parent's: they are classified once, on the parent.
    const classified = facts.columns.value.filter((c) => tableByOid.get(c.tableOid)?.partitionOf == null);
    const hits = classified.flatMap((c) => {
      const table = tableByOid.get(c.tableOid);
      const found = table && classifyColumn({ table: table.name, name: c.name, type: c.type, comment: c.comment });
      return found ? [{ column: `${tableName(table)}.${c.name}`, ...found }] : [];
    });
    const declared = datastore.sensitivity;
    const declaredEvidence = { source: 'config datastores[].sensitivity', field: 'declared', value: declared ?? null };
    if (hits.length === 0) {
      return [
        {
          resource: datastore.name,
          status: 'pass',
          answer: 'no',
          message: `none of ${classified.length} columns looks sensitive by name, type or comment`,
          evidence: [declaredEvidence, { source: 'pg_attribute, pg_description', field: 'columns classified', value: classified.length }],
        },
      ];
    }
    const classes = [...new Set(hits.map((h) => h.class))];
    const evidence = [
      declaredEvidence,
      ...hits.slice(0, MAX_LISTED).map((h) => ({ source: h.basis === 'comment' ? 'pg_description' : 'pg_attribute', field: h.column, value: h.class })),
      ...(hits.length > MAX_LISTED ? [{ source: 'pg_attribute', field: 'more columns', value: hits.length - MAX_LISTED }] : []),
    ];
    return [sensitiveColumnsFinding({ resource: datastore.name, declared, columns: hits.length, classes, evidence })];
  },
});
