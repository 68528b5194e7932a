import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { tableKey } from '../../src/datastores/postgres/identifiers';
import { statisticsOff, statisticsWindow, tableName } from '../../src/datastores/postgres/facts';
import { byResource, Catalog } from './_catalog';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.sequential-scan-heavy',
  title: 'Large tables are read through indexes',
  severity: 'medium',
  description:
    'A large table read mostly by sequential scans (pg_stat_user_tables) usually lacks the index its queries need. A partitioned table is judged on the rows and scans of all its partitions. Until the statistics cover policy.sequentialScan.minStatsAgeDays (after pg_stat_reset(), a crash restart or a failover) the answer is unknown.',
  remediation:
    'Find the queries scanning the table (pg_stat_statements, EXPLAIN) and add the index they need, with CREATE INDEX CONCURRENTLY.',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    if (!facts.tables.ok) return [unreadable(datastore.name, facts.tables)];
    if (!facts.statsSince.ok) return [unreadable(datastore.name, facts.statsSince)];
    const untracked = statisticsOff(datastore.name, facts);
    if (untracked) return [untracked];
    const { minLiveRows, minIndexScanShare, minStatsAgeDays } = policy.sequentialScan;
    const window = statisticsWindow(datastore.name, facts.statsSince, minStatsAgeDays, now);
    if (window.tooYoung) return [window.tooYoung];
    const catalog = new Catalog(facts.tables.value);
    // A partitioned table has no statistics of its own: its partitions' are added up.
    const usage = catalog.roots().map((table) => {
      const leaves = catalog.leaves(table);
      const sum = (pick: (t: (typeof leaves)[number]) => number | null) => leaves.reduce((total, t) => total + (pick(t) ?? 0), 0);
      return { table, partitions: table.kind === 'partitioned table' ? leaves.length : 0, liveRows: sum((t) => t.liveRows), seq: sum((t) => t.seqScans), idx: sum((t) => t.indexScans) };
    });
    const large = usage.filter((u) => u.liveRows >= minLiveRows);
    const unscanned = large.filter((u) => u.seq + u.idx === 0);
    const findings: FindingDraft[] = [];
    for (const u of large) {
      if (u.seq + u.idx === 0) continue;
      const share = u.idx / (u.seq + u.idx);
      if (share >= minIndexScanShare) continue;
      findings.push({
        resource: tableKey(datastore.name, u.table),
        status: 'warn',
        message: `${tableName(u.table)} (${u.liveRows} live rows${u.partitions > 0 ? ` in ${u.partitions} partitions` : ''}) is read by index in only ${(share * 100).toFixed(1)}% of scans`,
        evidence: [
          window.evidence,
          { source: 'pg_stat_user_tables', field: 'n_live_tup', value: u.liveRows },
          { source: 'pg_stat_user_tables', field: 'seq_scan', value: u.seq },
          { source: 'pg_stat_user_tables', field: 'idx_scan', value: u.idx },
          ...(u.partitions > 0 ? [{ source: 'pg_inherits', field: 'partitions judged', value: u.partitions }] : []),
        ],
      });
    }
    if (findings.length > 0) return byResource(findings);
    const judged = large.length - unscanned.length;
    return [
      {
        resource: datastore.name,
        status: 'pass',
        message:
          (large.length === 0
            ? `no table has ${minLiveRows} or more live rows`
            : `all ${judged} scanned tables with ${minLiveRows}+ live rows are read by index in at least ${minIndexScanShare * 100}% of scans`) +
          (unscanned.length > 0 ? `; ${unscanned.length} large tables have no scans recorded since ${window.evidence.value}` : ''),
        evidence: [
          window.evidence,
          { source: 'pg_stat_user_tables', field: `tables with n_live_tup >= ${minLiveRows}`, value: large.length },
          { source: 'pg_stat_user_tables', field: 'large tables without scans', value: unscanned.map((u) => tableName(u.table)).join(', ') || 'none' },
          { source: 'pg_inherits', field: 'partitions judged with their parent', value: facts.tables.value.length - usage.length },
        ],
      },
    ];
  },
});
