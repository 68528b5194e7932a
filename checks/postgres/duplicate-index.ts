import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { PgIndex } from '../../src/datastores/postgres/facts';
import { groupBy } from '../../src/util';

function isPrefix(shorter: number[], longer: number[]): boolean {
  return shorter.length <= longer.length && shorter.every((v, i) => longer[i] === v);
}

/** Whether `candidate` is made redundant by `other` (same table, method, expressions, predicate). */
export function redundantWith(candidate: PgIndex, other: PgIndex): boolean {
  if (candidate.oid === other.oid || candidate.tableOid !== other.tableOid || !other.isValid) return false;
  if (candidate.method !== other.method || candidate.expressions !== other.expressions) return false;
  if (candidate.predicate !== other.predicate) return false;
  if (!isPrefix(candidate.keyColumns, other.keyColumns)) return false;
  if (!isPrefix(candidate.operatorClasses, other.operatorClasses)) return false;
  const identical = candidate.keyColumns.length === other.keyColumns.length;
  // A unique or constraint-backing index enforces something a wider index does not.
  if (candidate.isUnique || candidate.backsConstraint) {
    if (!identical || !(other.isUnique || other.backsConstraint)) return false;
    // Two identical unique indexes: keep the one backing a constraint, else the older (lower oid).
    if (candidate.backsConstraint !== other.backsConstraint) return !candidate.backsConstraint;
    return candidate.oid > other.oid;
  }
  if (identical && !(other.isUnique || other.backsConstraint)) return candidate.oid > other.oid;
  return true;
}

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.duplicate-index',
  title: 'No duplicate indexes',
  severity: 'low',
  description:
    'An index whose key columns are a prefix of another index on the same table (same method, expressions and predicate) serves no query the other cannot, and slows every write.',
  remediation: 'DROP INDEX CONCURRENTLY the redundant index after confirming no constraint depends on it.',
  evaluate({ datastore, facts }): FindingDraft[] {
    if (!facts.indexes.ok) return [unreadable(datastore.name, facts.indexes)];
    const findings: FindingDraft[] = [];
    for (const group of groupBy(facts.indexes.value, (i) => i.tableOid).values()) {
      for (const candidate of group) {
        const cover = group.find((other) => redundantWith(candidate, other));
        if (!cover) continue;
        findings.push({
          resource: `${datastore.name}:${candidate.schema}.${candidate.name}`,
          status: 'warn',
          message: `index ${candidate.schema}.${candidate.name} is redundant with ${cover.schema}.${cover.name}`,
          evidence: [
            { source: 'pg_index.indkey', field: candidate.name, value: candidate.keyColumns.join(' ') },
            { source: 'pg_index.indkey', field: cover.name, value: cover.keyColumns.join(' ') },
            { source: 'pg_am.amname', field: 'method', value: candidate.method },
          ],
          remediation: `DROP INDEX CONCURRENTLY ${candidate.schema}.${candidate.name};`,
        });
      }
    }
    if (findings.length > 0) return findings;
    return [
      {
        resource: datastore.name,
        status: 'pass',
        message: `no redundant index among ${facts.indexes.value.length}`,
        evidence: [{ source: 'pg_index', field: 'indexes compared', value: facts.indexes.value.length }],
      },
    ];
  },
});
