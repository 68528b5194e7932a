import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { statisticsOff } from '../../src/datastores/postgres/facts';

const DAY_MS = 24 * 60 * 60 * 1000;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.unused-index',
  title: 'No large unused indexes',
  severity: 'low',
  description:
    'An index never scanned since statistics began, above a size floor, costs writes and storage for nothing. Unique and primary key indexes are left out: they enforce constraints.',
  remediation: 'Confirm on every replica that the index is unused, then DROP INDEX CONCURRENTLY it.',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    if (!facts.indexes.ok) return [unreadable(datastore.name, facts.indexes)];
    if (!facts.statsSince.ok) return [unreadable(datastore.name, facts.statsSince)];
    const untracked = statisticsOff(datastore.name, facts);
    if (untracked) return [untracked];
    const { minSizeBytes, minStatsAgeDays } = policy.unusedIndex;
    const ageDays = (now.getTime() - Date.parse(facts.statsSince.value.since)) / DAY_MS;
    const statsEvidence = {
      source: facts.statsSince.value.basis === 'stats_reset' ? 'pg_stat_database.stats_reset' : 'pg_postmaster_start_time()',
      field: 'statistics since',
      value: facts.statsSince.value.since,
    };
    if (ageDays < minStatsAgeDays) {
      return [
        {
          resource: datastore.name,
          status: 'skipped',
          message: `usage statistics cover only ${ageDays.toFixed(1)} days (at least ${minStatsAgeDays} needed to call an index unused)`,
          evidence: [statsEvidence],
        },
      ];
    }
    const unused = facts.indexes.value.filter(
      (i) => i.scans === 0 && !i.isUnique && !i.isPrimary && !i.backsConstraint && i.sizeBytes >= minSizeBytes,
    );
    if (unused.length === 0) {
      return [
        {
          resource: datastore.name,
          status: 'pass',
          message: `no index of ${minSizeBytes} bytes or more has gone unused over ${ageDays.toFixed(0)} days`,
          evidence: [statsEvidence, { source: 'pg_stat_user_indexes', field: 'indexes checked', value: facts.indexes.value.length }],
        },
      ];
    }
    return unused.map((i) => ({
      resource: `${datastore.name}:${i.schema}.${i.name}`,
      status: 'warn' as const,
      message: `index ${i.schema}.${i.name} (${i.sizeBytes} bytes) has not been scanned in ${ageDays.toFixed(0)} days`,
      evidence: [statsEvidence, { source: 'pg_stat_user_indexes', field: 'idx_scan', value: 0 }, { source: 'pg_class.relpages', field: 'size bytes', value: i.sizeBytes }],
      remediation: `DROP INDEX CONCURRENTLY ${i.schema}.${i.name};`,
    }));
  },
});
