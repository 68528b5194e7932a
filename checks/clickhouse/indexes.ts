import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { NOTHING_VISIBLE } from '../../src/datastores/clickhouse/facts';

const MAX_LISTED = 10;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'clickhouse',
  id: 'clickhouse.indexes',
  title: 'ClickHouse tables are ordered for their queries',
  severity: 'low',
  description:
    'ClickHouse has no secondary indexes in the PostgreSQL sense: a MergeTree table is sorted by its ORDER BY key, whose prefix is the sparse primary index, and may have data-skipping indexes. From system.tables and system.data_skipping_indices: each MergeTree table with no sorting key (ORDER BY tuple()) is flagged, and the Indexes row says what applies. Whether the queries use the keys is not read, so the row is never answered "Yes" from ClickHouse alone.',
  remediation:
    "Give the table an ORDER BY key that starts with the columns its queries filter on (a new table and INSERT … SELECT: the sorting key of a MergeTree table cannot be replaced), and add data-skipping indexes (minmax, set, bloom_filter) for other frequent filters.",
  docs: 'https://clickhouse.com/docs/guides/best-practices/sparse-primary-indexes',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.tables.ok) return [unreadable(resource, facts.tables)];
    if (facts.tables.value.length === 0) {
      return [{ resource, status: 'unknown', message: NOTHING_VISIBLE, evidence: [{ source: facts.tables.source, field: 'tables listed', value: 0 }] }];
    }
    const mergeTree = facts.tables.value.filter((t) => t.engine.endsWith('MergeTree'));
    const skipping = facts.skippingIndexes.ok ? facts.skippingIndexes.value : [];
    const skippingNote = facts.skippingIndexes.ok ? `${skipping.length} data-skipping index(es)` : `data-skipping indexes not read (${facts.skippingIndexes.reason})`;
    const evidence = [
      { source: facts.tables.source, field: 'MergeTree tables', value: mergeTree.length },
      { source: facts.tables.source, field: 'other tables (no index applies)', value: facts.tables.value.length - mergeTree.length },
      ...mergeTree.slice(0, MAX_LISTED).map((t) => ({ source: facts.tables.source, field: `${t.database}.${t.name} ORDER BY`, value: t.sortingKey || 'tuple()' })),
      { source: facts.skippingIndexes.source, field: 'data-skipping indexes', value: facts.skippingIndexes.ok ? skipping.map((i) => `${i.database}.${i.table}.${i.name} (${i.type})`).join(', ') : `failed: ${facts.skippingIndexes.reason}` },
    ];
    if (mergeTree.length === 0) {
      return [
        {
          resource,
          status: 'pass',
          message: `no MergeTree table: indexes do not apply to the ${facts.tables.value.length} table(s) of ${resource}`,
          evidence,
          answerText: `Not applicable to ClickHouse ${resource}: it has no MergeTree table, the only engine family with indexes.`,
        },
      ];
    }
    const unordered = mergeTree.filter((t) => !t.sortingKey.trim());
    const findings: FindingDraft[] = unordered.map((t) => ({
      resource: `${resource}:table/${t.database}.${t.name}`,
      status: 'warn',
      message: `${t.database}.${t.name} (${t.engine}) has no sorting key (ORDER BY tuple()): every query reads the whole table`,
      evidence: [{ source: facts.tables.source, field: 'sorting_key', value: '' }],
    }));
    const ordered = mergeTree.length - unordered.length;
    const said = `ClickHouse ${resource}: ${ordered} of ${mergeTree.length} MergeTree tables are sorted by a primary key (ORDER BY), ${skippingNote}; whether the queries filter on those keys is not read`;
    findings.unshift({
      resource,
      status: unordered.length ? 'warn' : 'pass',
      message: said,
      evidence,
      answerText: `Not fully assessed: ${said}${unordered.length ? `; ${unordered.length} table(s) have no sorting key` : ''}.`,
    });
    return findings;
  },
});
