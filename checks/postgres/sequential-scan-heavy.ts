import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { statisticsOff } from '../../src/datastores/postgres/facts';
import { tableName } from '../../src/datastores/postgres/facts';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.sequential-scan-heavy',
  title: 'Large tables are read through indexes',
  severity: 'medium',
  description:
    'A large table read mostly by sequential scans (pg_stat_user_tables) usually lacks the index its queries need.',
  remediation:
    'Find the queries scanning the table (pg_stat_statements, EXPLAIN) and add the index they need, with CREATE INDEX CONCURRENTLY.',
  evaluate({ datastore, facts, policy }): FindingDraft[] {
    if (!facts.tables.ok) return [unreadable(datastore.name, facts.tables)];
    const untracked = statisticsOff(datastore.name, facts);
    if (untracked) return [untracked];
    const { minLiveRows, minIndexScanShare } = policy.sequentialScan;
    const large = facts.tables.value.filter((t) => t.liveRows !== null && t.liveRows >= minLiveRows);
    const findings: FindingDraft[] = [];
    for (const t of large) {
      const seq = t.seqScans ?? 0;
      const idx = t.indexScans ?? 0;
      if (seq + idx === 0) continue;
      const share = idx / (seq + idx);
      if (share >= minIndexScanShare) continue;
      findings.push({
        resource: `${datastore.name}:${tableName(t)}`,
        status: 'warn',
        message: `${tableName(t)} (${t.liveRows} live rows) is read by index in only ${(share * 100).toFixed(1)}% of scans`,
        evidence: [
          { source: 'pg_stat_user_tables', field: 'n_live_tup', value: t.liveRows },
          { source: 'pg_stat_user_tables', field: 'seq_scan', value: seq },
          { source: 'pg_stat_user_tables', field: 'idx_scan', value: idx },
        ],
      });
    }
    if (findings.length > 0) return findings;
    return [
      {
        resource: datastore.name,
        status: 'pass',
        message:
          large.length === 0
            ? `no table has ${minLiveRows} or more live rows`
            : `all ${large.length} tables with ${minLiveRows}+ live rows are read by index in at least ${minIndexScanShare * 100}% of scans`,
        evidence: [{ source: 'pg_stat_user_tables', field: `tables with n_live_tup >= ${minLiveRows}`, value: large.length }],
      },
    ];
  },
});
