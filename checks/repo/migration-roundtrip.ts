import { defineServiceCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import { shownDirectory } from '../../src/migrations/scope';
import type { RoundTripOutcome, RoundTripResult } from '../../src/migrations/verify';

const MAX_DIFF_LINES = 8;

const PROBLEM: Record<Exclude<RoundTripOutcome, 'restored'>, string> = {
  'no-down': 'has no down script to verify',
  'down-failed': 'down failed',
  'not-restored': 'down did not restore the schema that preceded the migration',
  'reapply-failed': 'up failed when applied again after the down',
  'reapply-differs': 'up applied again after the down gives a different schema',
  'up-failed': 'up failed on an empty database',
  'not-run': 'was not verified because an earlier up failed',
};

function diffEvidence(result: RoundTripResult, source: string): Evidence[] {
  if (!result.diff) return [];
  return [
    ...result.diff.extra.slice(0, MAX_DIFF_LINES).map((line) => ({ source, field: 'left behind (present after down, absent before up)', value: line })),
    ...result.diff.missing.slice(0, MAX_DIFF_LINES).map((line) => ({ source, field: 'not restored (present before up, absent after down)', value: line })),
  ];
}

export default defineServiceCheck({
  scope: 'service',
  requires: 'migrationRoundTrip',
  id: 'repo.migration-roundtrip',
  title: 'Each down migration restores the previous schema',
  severity: 'high',
  description:
    'verify-migrations applies every up migration on a throwaway PostgreSQL, then from the newest down runs down, up and down again, comparing a normalised catalog fingerprint (tables, columns, constraints, indexes, sequences, views, functions, enum, domain and composite types, triggers, extensions, row level security and policies, comments) before and after each round trip. Supported: golang-migrate, dbmate, sqitch; a set of another tool is skipped, and then every verified down restoring its schema is not fully assessed (unknown), not a pass.',
  remediation: 'Make the down script undo exactly what the up script does (drop what it created, restore what it dropped or changed), then run `continuity verify-migrations --repo .` again.',
  docs: 'docs/migrations.md#repomigration-roundtrip',
  evaluate({ facts: entry }): FindingDraft[] {
    const { name, postgresVersion, sets } = entry;
    const findings: FindingDraft[] = [];
    const summary: string[] = [];
    let restored = 0;
    let total = 0;
    const unverified: string[] = [];
    for (const set of sets) {
      if (set.unsupported) {
        findings.push({ resource: `repo:${shownDirectory(set.directory)}`, status: 'skipped', message: set.unsupported, evidence: [] });
        unverified.push(`${set.tool} (${shownDirectory(set.directory)}): ${set.unsupported}`);
        continue;
      }
      for (const result of set.results) {
        total++;
        const file = result.down ?? result.up;
        const source = `PostgreSQL ${postgresVersion} round trip of ${result.up}`;
        if (result.outcome === 'restored') {
          restored++;
          continue;
        }
        const problem = PROBLEM[result.outcome];
        const detail = result.error ? `: ${result.error}` : result.diff ? ` (${result.diff.extra.length} object(s) left behind, ${result.diff.missing.length} not restored)` : '';
        findings.push({
          resource: `repo:${file}`,
          status: result.outcome === 'not-run' ? 'unknown' : 'fail',
          message: `${set.tool} migration ${result.migration}: ${problem}${detail}`,
          evidence: [{ source, field: 'outcome', value: result.outcome }, ...(result.error ? [{ source, field: 'error', value: result.error }] : []), ...diffEvidence(result, source)],
          location: { path: file, line: 1 },
        });
      }
      summary.push(`${set.tool} (${shownDirectory(set.directory)}): ${set.results.filter((r) => r.outcome === 'restored').length} of ${set.results.length} downs restore the schema`);
    }
    if (total > 0) {
      const said = `${restored} of ${total} migrations round-trip (down, up, down) to identical schemas on PostgreSQL ${postgresVersion}`;
      const evidence = [{ source: `embedded PostgreSQL ${postgresVersion}`, field: 'round trips restored', value: `${restored} of ${total}` }];
      // Every verified down restoring its schema says nothing of the sets that could not be run.
      const partly = restored === total && unverified.length > 0;
      findings.unshift({
        resource: `repo:${name}`,
        status: restored === total ? (partly ? 'unknown' : 'pass') : 'fail',
        message: partly ? `${said}; not fully assessed: not verified: ${unverified.join('; ')}` : said,
        evidence: partly ? [...evidence, { source: 'migration sets', field: 'not verified', value: unverified.join('; ') }] : evidence,
        answerText: partly
          ? `Not fully assessed: verified on PostgreSQL ${postgresVersion}: ${summary.join('; ')}; not verified: ${unverified.join('; ')}.`
          : `Verified on PostgreSQL ${postgresVersion}: ${summary.join('; ')}.`,
      });
    }
    return findings;
  },
});
