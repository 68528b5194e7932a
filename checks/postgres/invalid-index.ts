import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { objectKey, qualifiedName, quoteIdent } from '../../src/datastores/postgres/identifiers';
import { tableName, type PgIndex, type PgTable } from '../../src/datastores/postgres/facts';
import { byResource, Catalog } from './_catalog';

/**
 * What follows the table in an index's definition (` USING btree (a) WHERE ...`), read
 * from pg_get_indexdef(), whose prefix is `CREATE [UNIQUE] INDEX <name> ON [ONLY] <table>`.
 */
function definitionAfterTable(index: PgIndex, table: PgTable): string | undefined {
  if (!index.definition) return undefined;
  for (const only of ['ONLY ', '']) {
    const prefix = `CREATE ${index.isUnique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(index.name)} ON ${only}${tableName(table)}`;
    if (index.definition.startsWith(prefix)) return index.definition.slice(prefix.length);
  }
  return undefined;
}

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.invalid-index',
  title: 'No invalid indexes',
  severity: 'high',
  description:
    'An invalid index (usually left by a failed CREATE INDEX CONCURRENTLY) is maintained on every write but never used by queries. An index on a partitioned table is invalid while some partition has no index attached to it.',
  remediation:
    'REINDEX INDEX CONCURRENTLY the invalid index (or drop it and create it again); for an index on a partitioned table, create the missing partition indexes and ALTER INDEX ... ATTACH PARTITION them.',
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
    const catalog = new Catalog(facts.tables.ok ? facts.tables.value : [], facts.indexes.value);
    return byResource(
      invalid.map((i): FindingDraft => {
        const table = catalog.tableByOid.get(i.tableOid);
        const name = qualifiedName(i.schema, i.name);
        const resource = objectKey(datastore.name, table ?? { schema: i.schema, name: `#${i.tableOid}` }, i.name);
        if (!i.partitioned || !table) {
          return {
            resource,
            status: 'fail',
            message: `index ${name} is invalid`,
            evidence: [{ source: 'pg_index.indisvalid', field: name, value: false }],
            remediation: `REINDEX INDEX CONCURRENTLY ${name};`,
          };
        }
        const attachedOn = new Set(catalog.attached(i).map((a) => a.tableOid));
        const missing = catalog.partitions(table).filter((p) => !attachedOn.has(p.oid));
        const spec = definitionAfterTable(i, table);
        const recipe = spec
          ? catalog.indexRecipe(table, spec, [i.name], { existing: i.name, unique: i.isUnique, needed: (p) => !attachedOn.has(p.oid) }).statements
          : [];
        return {
          resource,
          status: 'fail',
          message: `index ${name} on partitioned table ${tableName(table)} is invalid: ${missing.length} of its ${catalog.partitions(table).length} partitions have no index attached to it`,
          evidence: [
            { source: 'pg_index.indisvalid', field: name, value: false },
            { source: 'pg_inherits', field: 'partitions without an attached index', value: missing.map((p) => tableName(p)).join(', ') || 'none' },
          ],
          ...(recipe.length > 0 ? { remediation: recipe.join('\n') } : {}),
        };
      }),
    );
  },
});
