import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { objectKey, qualifiedName } from '../../src/datastores/postgres/identifiers';
import type { PgIndex } from '../../src/datastores/postgres/facts';
import { byResource, Catalog, dropIndexRemediation } from './_catalog';

function samePrefix(shorter: number[], longer: number[], length = shorter.length): boolean {
  return shorter.length >= length && longer.length >= length && shorter.slice(0, length).every((v, i) => longer[i] === v);
}

/**
 * Whether `candidate` is made redundant by `other`: same table, access method, predicate
 * and expressions; the candidate's key columns lead the other's with the same operator
 * class, collation and sort options (ASC/DESC, NULLS FIRST/LAST) each; its INCLUDE columns
 * are among the other's columns. A unique or constraint-backing index is redundant only
 * with an identical one that enforces the same, never with a non-unique one.
 */
export function redundantWith(candidate: PgIndex, other: PgIndex): boolean {
  if (candidate.oid === other.oid || candidate.tableOid !== other.tableOid || !other.isValid) return false;
  if (candidate.method !== other.method || candidate.expressions !== other.expressions) return false;
  if (candidate.predicate !== other.predicate) return false;
  const keys = candidate.keyColumns.length;
  if (!samePrefix(candidate.keyColumns, other.keyColumns)) return false;
  for (const column of ['operatorClasses', 'collations', 'sortOptions'] as const) {
    if (!samePrefix(candidate[column], other[column], keys)) return false;
  }
  const otherColumns = new Set([...other.keyColumns, ...other.includeColumns]);
  if (!candidate.includeColumns.every((c) => otherColumns.has(c))) return false;
  const identical =
    keys === other.keyColumns.length && candidate.includeColumns.length === other.includeColumns.length;
  const enforces = (i: PgIndex) => i.isUnique || i.backsConstraint;
  if (enforces(candidate)) {
    if (keys !== other.keyColumns.length || !other.isUnique || candidate.nullsNotDistinct !== other.nullsNotDistinct) return false;
    // Two unique indexes on the same keys: keep the one backing a constraint, else the older (lower oid).
    if (candidate.backsConstraint !== other.backsConstraint) return !candidate.backsConstraint;
    return candidate.oid > other.oid;
  }
  if (identical && !enforces(other)) return candidate.oid > other.oid;
  return true;
}

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.duplicate-index',
  title: 'No duplicate indexes',
  severity: 'low',
  description:
    'An index whose key columns lead another index on the same table, with the same method, expressions, predicate, operator classes, collations and sort order, serves no query the other cannot, and slows every write. Indexes on partitioned tables are judged once, on the parent; a partition\'s own indexes on the partition.',
  remediation:
    'DROP INDEX CONCURRENTLY the redundant index after confirming no constraint depends on it (an index on a partitioned table cannot be dropped concurrently).',
  evaluate({ datastore, facts }): FindingDraft[] {
    if (!facts.indexes.ok) return [unreadable(datastore.name, facts.indexes)];
    const catalog = new Catalog(facts.tables.ok ? facts.tables.value : [], facts.indexes.value, facts.columns.ok ? facts.columns.value : []);
    const findings: FindingDraft[] = [];
    for (const candidate of facts.indexes.value) {
      // A partition's index attached to a partitioned index goes with it: judged on the parent.
      if (candidate.attachedTo !== null) continue;
      const cover = catalog
        .indexes(candidate.tableOid)
        .filter((other) => redundantWith(candidate, other))
        .sort((a, b) => a.oid - b.oid)[0];
      if (!cover) continue;
      const table = catalog.tableByOid.get(candidate.tableOid) ?? { schema: candidate.schema, name: `#${candidate.tableOid}` };
      const name = qualifiedName(candidate.schema, candidate.name);
      const partitions = candidate.partitioned ? catalog.leafIndexes(candidate).length : 0;
      findings.push({
        resource: objectKey(datastore.name, table, candidate.name),
        status: 'warn',
        message: `index ${name} is redundant with ${qualifiedName(cover.schema, cover.name)}`,
        evidence: [
          { source: 'pg_index.indkey', field: candidate.name, value: catalog.describeColumns(candidate) },
          { source: 'pg_index.indkey', field: cover.name, value: catalog.describeColumns(cover) },
          { source: 'pg_am.amname', field: 'method', value: candidate.method },
          ...(candidate.partitioned ? [{ source: 'pg_inherits', field: 'partition indexes dropped with it', value: partitions }] : []),
        ],
        remediation: dropIndexRemediation(name, candidate, table),
      });
    }
    if (findings.length > 0) return byResource(findings);
    return [
      {
        resource: datastore.name,
        status: 'pass',
        message: `no redundant index among ${facts.indexes.value.length}`,
        evidence: [
          { source: 'pg_index', field: 'indexes compared', value: facts.indexes.value.length },
          { source: 'pg_index', field: 'on partitioned tables', value: facts.indexes.value.filter((i) => i.partitioned).length },
        ],
      },
    ];
  },
});
