import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { objectKey, quoteIdent } from '../../src/datastores/postgres/identifiers';
import { tableName, type PgIndex, type PgTable } from '../../src/datastores/postgres/facts';
import { byResource, Catalog } from './_catalog';

const LOOKUP_METHODS = new Set(['btree', 'hash', 'gist', 'gin']);

/**
 * Whether a partial index's predicate holds for every row the foreign key's lookup
 * (`col = $1`, a strict operator) can find: only `col IS NOT NULL` on the key's own
 * columns, alone or joined by AND. Any other predicate may leave rows out.
 */
export function predicateImpliedByLookup(predicate: string, columns: string[]): boolean {
  const quoted = new Set(columns.map(quoteIdent));
  let text = predicate.trim();
  while (text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  const conjuncts = splitTopLevelAnd(text);
  return conjuncts.every((c) => {
    const match = /^\(?\s*(.+?)\s+IS\s+NOT\s+NULL\s*\)?$/i.exec(c.trim());
    return match !== null && quoted.has(match[1]!);
  });
}

function balanced(text: string): boolean {
  let depth = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function splitTopLevelAnd(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && text.startsWith(' AND ', i)) {
      parts.push(text.slice(start, i));
      start = i + 5;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * An index supports the foreign key's lookup when it is valid, its leading key columns
 * are exactly the key's columns (in any order), and it is not partial, or partial with a
 * predicate the lookup implies.
 */
export function supportsForeignKey(index: PgIndex, columns: number[], columnNames: string[]): boolean {
  if (!index.isValid || !LOOKUP_METHODS.has(index.method)) return false;
  if (index.predicate !== null && !predicateImpliedByLookup(index.predicate, columnNames)) return false;
  const leading = index.keyColumns.slice(0, columns.length);
  if (leading.length < columns.length || leading.includes(0)) return false;
  if (index.method === 'hash' && index.keyColumns.length !== 1) return false;
  const wanted = new Set(columns);
  return leading.every((c) => wanted.has(c)) && new Set(leading).size === wanted.size;
}

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.unindexed-foreign-key',
  title: 'Foreign keys have a supporting index',
  severity: 'medium',
  description:
    'A foreign key whose referencing columns lead no valid index makes joins on it and deletes or key updates on the referenced table scan the whole referencing table. A partial index counts when the lookup implies its predicate (`col IS NOT NULL`). On a partitioned table, a valid index on the parent supports the key, or an index on every partition. Keys declared on a partition are judged on that partition.',
  remediation:
    "CREATE INDEX CONCURRENTLY on the referencing columns, in the foreign key's order; on a partitioned table, CREATE INDEX ... ON ONLY the parent, CREATE INDEX CONCURRENTLY on each partition and ALTER INDEX ... ATTACH PARTITION.",
  evaluate({ datastore, facts }): FindingDraft[] {
    const { tables, foreignKeys, indexes, columns } = facts;
    for (const fact of [tables, foreignKeys, indexes, columns]) if (!fact.ok) return [unreadable(datastore.name, fact)];
    if (!tables.ok || !foreignKeys.ok || !indexes.ok || !columns.ok) return [];
    const catalog = new Catalog(tables.value, indexes.value, columns.value);
    const findings: FindingDraft[] = [];
    let onPartitioned = 0;
    const byPartitionsOnly: string[] = [];
    for (const fk of foreignKeys.value) {
      const table = catalog.tableByOid.get(fk.tableOid);
      if (!table) continue;
      const cols = fk.columns.map((c) => catalog.columnName(fk.tableOid, c) ?? `#${c}`);
      // The key's columns on another table of the tree (partitions may number their columns differently).
      const supported = (on: PgTable) => {
        const numbers = cols.map((name) => catalog.columnNumber(on.oid, name) ?? -1);
        return catalog.indexes(on).some((i) => supportsForeignKey(i, numbers, cols));
      };
      const resource = objectKey(datastore.name, table, fk.name);
      const keyEvidence = { source: 'pg_constraint', field: `${tableName(table)} ${quoteIdent(fk.name)}`, value: `(${cols.join(', ')}) references ${fk.referencedTable}` };
      const indexEvidence = (on: PgTable) => ({
        source: 'pg_index',
        field: `indexes on ${tableName(on)}`,
        value: catalog.indexes(on).map((i) => i.name).sort().join(', ') || 'none',
      });
      const spec = ` (${cols.map(quoteIdent).join(', ')})`;
      if (table.kind === 'partitioned table') onPartitioned++;
      if (supported(table)) continue;
      if (table.kind !== 'partitioned table') {
        findings.push({
          resource,
          status: 'fail',
          message: `foreign key ${fk.name} (${cols.join(', ')}) -> ${fk.referencedTable} has no supporting index`,
          evidence: [keyEvidence, indexEvidence(table)],
          remediation: catalog.indexRecipe(table, spec, cols).statements.join('\n'),
        });
        continue;
      }
      const leaves = catalog.leaves(table);
      const lacking = leaves.filter((leaf) => !supported(leaf));
      if (leaves.length > 0 && lacking.length === 0) {
        byPartitionsOnly.push(`${tableName(table)} ${fk.name}`);
        continue;
      }
      const partial = lacking.length < leaves.length;
      // Where some partitions have an index, give the others one; else build the parent's index, which new partitions inherit.
      const statements = partial
        ? lacking.flatMap((leaf) => catalog.indexRecipe(leaf, spec, cols).statements)
        : leaves.length === 0
          ? [`CREATE INDEX ON ${tableName(table)}${spec};`]
          : catalog.indexRecipe(table, spec, cols).statements;
      findings.push({
        resource,
        status: 'fail',
        message:
          `foreign key ${fk.name} (${cols.join(', ')}) -> ${fk.referencedTable} has no supporting index: ` +
          (partial
            ? `no index on the partitioned table, and ${lacking.length} of its ${leaves.length} partitions have none`
            : `none on the partitioned table or on any of its ${leaves.length} partitions`),
        evidence: [
          keyEvidence,
          indexEvidence(table),
          { source: 'pg_inherits', field: 'partitions judged', value: leaves.length },
          { source: 'pg_index', field: 'partitions without a supporting index', value: lacking.map((l) => tableName(l)).join(', ') },
        ],
        remediation: statements.join('\n'),
      });
    }
    if (findings.length > 0) return byResource(findings);
    return [
      {
        resource: datastore.name,
        status: 'pass',
        message: `all ${foreignKeys.value.length} foreign keys have a supporting index`,
        evidence: [
          { source: 'pg_constraint, pg_index', field: 'foreign keys checked', value: foreignKeys.value.length },
          { source: 'pg_inherits', field: 'on partitioned tables', value: onPartitioned },
          ...(byPartitionsOnly.length > 0
            ? [{ source: 'pg_index', field: 'supported by an index on every partition, none on the parent', value: byPartitionsOnly.sort().join('; ') }]
            : []),
        ],
      },
    ];
  },
});
