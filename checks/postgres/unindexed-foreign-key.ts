import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { groupBy } from '../../src/util';
import { tableName, type PgForeignKey, type PgIndex } from '../../src/datastores/postgres/facts';

/** An index supports the key when its leading key columns are exactly the key's columns, it is valid and not partial. */
export function supportsForeignKey(index: PgIndex, fk: PgForeignKey): boolean {
  if (index.tableOid !== fk.tableOid || !index.isValid || index.predicate !== null) return false;
  if (index.method !== 'btree' && index.method !== 'hash' && index.method !== 'gist' && index.method !== 'gin') return false;
  const leading = index.keyColumns.slice(0, fk.columns.length);
  if (leading.length < fk.columns.length || leading.includes(0)) return false;
  if (index.method === 'hash' && index.keyColumns.length !== 1) return false;
  const wanted = new Set(fk.columns);
  return leading.every((c) => wanted.has(c)) && new Set(leading).size === wanted.size;
}

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.unindexed-foreign-key',
  title: 'Foreign keys have a supporting index',
  severity: 'medium',
  description:
    'A foreign key whose referencing columns lead no valid, non-partial index makes joins on it and deletes or key updates on the referenced table scan the whole referencing table.',
  remediation: 'CREATE INDEX CONCURRENTLY on the referencing columns, in the foreign key\'s order.',
  evaluate({ datastore, facts }): FindingDraft[] {
    const { tables, foreignKeys, indexes, columns } = facts;
    for (const fact of [tables, foreignKeys, indexes, columns]) if (!fact.ok) return [unreadable(datastore.name, fact)];
    if (!tables.ok || !foreignKeys.ok || !indexes.ok || !columns.ok) return [];
    const tableByOid = new Map(tables.value.map((t) => [t.oid, t]));
    const columnName = new Map(columns.value.map((c) => [`${c.tableOid}:${c.number}`, c.name]));
    const indexesByTable = groupBy(indexes.value, (i) => i.tableOid);
    const findings: FindingDraft[] = [];
    for (const fk of foreignKeys.value) {
      const table = tableByOid.get(fk.tableOid);
      if (!table) continue;
      if ((indexesByTable.get(fk.tableOid) ?? []).some((i) => supportsForeignKey(i, fk))) continue;
      const cols = fk.columns.map((c) => columnName.get(`${fk.tableOid}:${c}`) ?? `#${c}`);
      findings.push({
        resource: `${datastore.name}:${tableName(table)}`,
        status: 'fail',
        message: `foreign key ${fk.name} (${cols.join(', ')}) -> ${fk.referencedTable} has no supporting index`,
        evidence: [
          { source: 'pg_constraint', field: `${tableName(table)}.${fk.name}`, value: `(${cols.join(', ')}) references ${fk.referencedTable}` },
          { source: 'pg_index', field: `indexes on ${tableName(table)}`, value: (indexesByTable.get(fk.tableOid) ?? []).map((i) => i.name).join(', ') || 'none' },
        ],
        remediation: `CREATE INDEX CONCURRENTLY ON ${tableName(table)} (${cols.join(', ')});`,
      });
    }
    if (findings.length > 0) return findings;
    return [
      {
        resource: datastore.name,
        status: 'pass',
        message: `all ${foreignKeys.value.length} foreign keys have a supporting index`,
        evidence: [{ source: 'pg_constraint, pg_index', field: 'foreign keys checked', value: foreignKeys.value.length }],
      },
    ];
  },
});
