import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { tableName } from '../../src/datastores/postgres/facts';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.missing-primary-key',
  title: 'Tables have a primary key',
  severity: 'medium',
  description:
    'A table without a primary key has no guaranteed row identity: logical replication cannot replicate its updates and deletes, and rows cannot be addressed safely when data must be corrected.',
  remediation: 'Add a primary key (ALTER TABLE ... ADD PRIMARY KEY, building the unique index CONCURRENTLY first on a large table).',
  evaluate({ datastore, facts }): FindingDraft[] {
    if (!facts.tables.ok) return [unreadable(datastore.name, facts.tables)];
    const missing = facts.tables.value.filter((t) => !t.hasPrimaryKey);
    if (missing.length === 0) {
      return [
        {
          resource: datastore.name,
          status: 'pass',
          message: `all ${facts.tables.value.length} tables have a primary key`,
          evidence: [{ source: 'pg_index.indisprimary', field: 'tables checked', value: facts.tables.value.length }],
        },
      ];
    }
    return missing.map((t) => ({
      resource: `${datastore.name}:${tableName(t)}`,
      status: 'fail' as const,
      message: `${t.kind} ${tableName(t)} has no primary key`,
      evidence: [{ source: 'pg_index.indisprimary', field: tableName(t), value: false }],
    }));
  },
});
