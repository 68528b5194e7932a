import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { tableKey } from '../../src/datastores/postgres/identifiers';
import { tableName } from '../../src/datastores/postgres/facts';
import { byResource, Catalog } from './_catalog';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.missing-primary-key',
  title: 'Tables have a primary key',
  severity: 'medium',
  description:
    'A table without a primary key has no guaranteed row identity: logical replication cannot replicate its updates and deletes, and rows cannot be addressed safely when data must be corrected. A partitioned table is judged once, with its partitions (a primary key on the parent is one on every partition).',
  remediation:
    'Add a primary key (ALTER TABLE ... ADD PRIMARY KEY, building the unique index CONCURRENTLY first on a large table; on a partitioned table the key must include the partition key).',
  evaluate({ datastore, facts }): FindingDraft[] {
    if (!facts.tables.ok) return [unreadable(datastore.name, facts.tables)];
    const catalog = new Catalog(facts.tables.value);
    const roots = catalog.roots();
    const partitions = facts.tables.value.length - roots.length;
    const missing = roots.filter((t) => !t.hasPrimaryKey);
    if (missing.length === 0) {
      return [
        {
          resource: datastore.name,
          status: 'pass',
          message: `all ${roots.length} tables have a primary key${partitions > 0 ? ` (and their ${partitions} partitions through them)` : ''}`,
          evidence: [
            { source: 'pg_index.indisprimary', field: 'tables checked', value: roots.length },
            { source: 'pg_inherits', field: 'partitions covered by their parent', value: partitions },
          ],
        },
      ];
    }
    return byResource(
      missing.map((t): FindingDraft => {
        const below = catalog.descendants(t);
        const keyed = below.filter((p) => p.hasPrimaryKey).length;
        return {
          resource: tableKey(datastore.name, t),
          status: 'fail',
          message:
            `${t.kind} ${tableName(t)} has no primary key` +
            (below.length > 0 ? ` (${below.length} partitions, ${keyed} with a key of their own)` : ''),
          evidence: [
            { source: 'pg_index.indisprimary', field: tableName(t), value: false },
            ...(below.length > 0 ? [{ source: 'pg_inherits', field: 'partitions with a primary key of their own', value: `${keyed} of ${below.length}` }] : []),
          ],
        };
      }),
    );
  },
});
