import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { objectKey, qualifiedName } from '../../src/datastores/postgres/identifiers';
import { statisticsOff, statisticsWindow } from '../../src/datastores/postgres/facts';
import { byResource, Catalog, dropIndexRemediation } from './_catalog';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.unused-index',
  title: 'No large unused indexes',
  severity: 'low',
  description:
    'An index never scanned since statistics began, above a size floor, costs writes and storage for nothing. Unique and primary key indexes are left out: they enforce constraints. An index on a partitioned table is judged by the scans and size of its partitions\' indexes. Until the statistics cover policy.unusedIndex.minStatsAgeDays (after pg_stat_reset(), a crash restart or a failover) the answer is unknown.',
  remediation: 'Confirm on every replica that the index is unused, then DROP INDEX CONCURRENTLY it.',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    if (!facts.indexes.ok) return [unreadable(datastore.name, facts.indexes)];
    if (!facts.statsSince.ok) return [unreadable(datastore.name, facts.statsSince)];
    const untracked = statisticsOff(datastore.name, facts);
    if (untracked) return [untracked];
    const { minSizeBytes, minStatsAgeDays } = policy.unusedIndex;
    const window = statisticsWindow(datastore.name, facts.statsSince, minStatsAgeDays, now);
    if (window.tooYoung) return [window.tooYoung];
    const catalog = new Catalog(facts.tables.ok ? facts.tables.value : [], facts.indexes.value);
    const judged = facts.indexes.value.filter((i) => i.attachedTo === null && !i.isUnique && !i.isPrimary && !i.backsConstraint);
    const findings: FindingDraft[] = [];
    for (const index of judged) {
      // A partitioned index has no statistics of its own: its partitions' indexes hold them.
      const leaves = catalog.leafIndexes(index);
      if (leaves.length === 0 || leaves.some((l) => l.scans === null)) continue;
      const scans = leaves.reduce((sum, l) => sum + (l.scans ?? 0), 0);
      const sizeBytes = leaves.reduce((sum, l) => sum + l.sizeBytes, 0);
      if (scans > 0 || sizeBytes < minSizeBytes) continue;
      const table = catalog.tableByOid.get(index.tableOid) ?? { schema: index.schema, name: `#${index.tableOid}` };
      const name = qualifiedName(index.schema, index.name);
      findings.push({
        resource: objectKey(datastore.name, table, index.name),
        status: 'warn',
        message: `index ${name} (${sizeBytes} bytes${index.partitioned ? ` over ${leaves.length} partitions` : ''}) has not been scanned in ${window.ageDays.toFixed(0)} days`,
        evidence: [
          window.evidence,
          { source: 'pg_stat_user_indexes', field: 'idx_scan', value: 0 },
          { source: 'pg_class.relpages', field: 'size bytes', value: sizeBytes },
          ...(index.partitioned ? [{ source: 'pg_inherits', field: 'partition indexes judged', value: leaves.length }] : []),
        ],
        remediation: dropIndexRemediation(name, index, table),
      });
    }
    if (findings.length > 0) return byResource(findings);
    return [
      {
        resource: datastore.name,
        status: 'pass',
        message: `no index of ${minSizeBytes} bytes or more has gone unused over ${window.ageDays.toFixed(0)} days`,
        evidence: [window.evidence, { source: 'pg_stat_user_indexes', field: 'indexes checked', value: judged.length }],
      },
    ];
  },
});
