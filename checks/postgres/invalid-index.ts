import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.invalid-index',
  title: 'No invalid indexes',
  severity: 'high',
  description:
    'An invalid index (usually left by a failed CREATE INDEX CONCURRENTLY) is maintained on every write but never used by queries.',
  remediation: 'DROP INDEX CONCURRENTLY the invalid index and create it again, or REINDEX INDEX CONCURRENTLY it.',
  evaluate({ datastore, facts }): FindingDraft[] {
    if (!facts.indexes.ok) return [unreadable(datastore.name, facts.indexes)];
    const invalid = facts.indexes.value.filter((i) => !i.isValid);
    if (invalid.length === 0) {
      return [
        {
          resource: datastore.name,
          status: 'pass',
          message: `all ${facts.indexes.value.length} indexes are valid`,
          evidence: [{ source: 'pg_index.indisvalid', field: 'indexes checked', value: facts.indexes.value.length }],
        },
      ];
    }
    return invalid.map((i) => ({
      resource: `${datastore.name}:${i.schema}.${i.name}`,
      status: 'fail' as const,
      message: `index ${i.schema}.${i.name} is invalid`,
      evidence: [{ source: 'pg_index.indisvalid', field: `${i.schema}.${i.name}`, value: false }],
      remediation: `REINDEX INDEX CONCURRENTLY ${i.schema}.${i.name};`,
    }));
  },
});
