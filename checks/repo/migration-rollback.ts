import { defineServiceCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import { migrationsInScope, shownDirectory } from '../../src/migrations/scope';
import type { DownStatus, Migration, MigrationSet } from '../../src/migrations/types';

const WHY: Record<Exclude<DownStatus, 'present'>, string> = {
  empty: 'its down does nothing',
  partial: 'its down leaves a step undone',
  missing: 'no down/revert script',
  irreversible: 'its down refuses to run',
  'forward-only': 'the tool has no down migrations',
};

/** A share as a percentage that never rounds a gap away: 394 of 395 is 99.7%, not 100%; 1 of 2000 is 0.1%, not 0%. */
function percentOf(part: number, whole: number): string {
  if (part === whole) return '100%';
  if (part === 0) return '0%';
  const share = (part / whole) * 100;
  const shown = Number.isInteger(share) ? share.toString() : share.toFixed(1);
  if (shown === '100.0') return '99.9%';
  if (shown === '0.0') return '0.1%';
  return `${shown.replace(/\.0$/, '')}%`;
}

/** Migrations without a real down, newest first, grouped by why: each reason is said once. */
function withoutDown(lacking: { set: MigrationSet; migration: Migration }[], limit: number): string {
  const shown = lacking.slice(-limit).reverse();
  const byReason = new Map<string, string[]>();
  for (const { migration } of shown) {
    const why = WHY[migration.down.status as Exclude<DownStatus, 'present'>];
    byReason.set(why, [...(byReason.get(why) ?? []), migration.id]);
  }
  const groups = [...byReason].map(([why, ids]) => `${ids.join(', ')} (${why})`).join('; ');
  return `${groups}${lacking.length > shown.length ? ` and ${lacking.length - shown.length} more` : ''}`;
}

export default defineServiceCheck({
  scope: 'service',
  requires: 'repo',
  id: 'repo.migration-rollback',
  title: 'Migrations can be rolled back',
  severity: 'medium',
  description:
    'The share of migrations with a real down or revert script (sqitch revert, golang-migrate .down.sql, Flyway U scripts, dbmate/goose down sections, Liquibase rollback, down()/downgrade()). An empty or no-op down (only comments, BEGIN/COMMIT, a callback, an empty SQL string, return null) counts as none, and so does a down that leaves a step undone (a Django migration whose RunPython or RunSQL step has a no-op reverse); forward-only tools and ORM auto-migration have none. The same migrations kept for several databases are counted once.',
  remediation:
    'Write a down/revert script for every migration and test it (`continuity verify-migrations --repo .` runs each down and up again on a throwaway PostgreSQL), or document the roll-forward procedure for forward-only tools.',
  docs: 'docs/migrations.md#repomigration-rollback',
  evaluate({ facts: repo, policy }): FindingDraft[] {
    const { name, sets } = repo;
    const resource = `repo:${name}`;
    const counted = sets.filter((s) => !s.autoMigration && !s.variantOf);
    const all = counted.flatMap((set) => set.migrations.map((migration) => ({ set, migration })));
    const auto = sets.filter((s) => s.autoMigration);
    if (all.length === 0) {
      if (auto.length === 0) return []; // no migrations at all: repo.migration-tool reports it
      return [{
        resource,
        status: 'fail',
        message: 'the schema is changed by ORM auto-migration, which cannot be rolled back',
        evidence: auto.map((s) => ({ source: s.marker, field: 'auto-migration', value: s.tool })),
        answerText: `No: the schema is changed by ${auto.map((s) => s.tool).join(', ')} at start-up, which has no rollback.`,
      }];
    }
    const reversible = all.filter((m) => m.migration.down.status === 'present');
    const share = reversible.length / all.length;
    const forwardOnly = counted.filter((s) => s.forwardOnly);
    const lacking = all.filter((m) => m.migration.down.status !== 'present' && !m.set.forwardOnly);
    const percent = percentOf(reversible.length, all.length);
    const evidence: Evidence[] = [
      { source: 'repository', field: 'migrations', value: all.length },
      { source: 'repository', field: 'with a real down/revert', value: reversible.length },
      ...counted.map((s) => ({
        source: shownDirectory(s.directory),
        field: `${s.tool} down scripts`,
        value: `${s.migrations.filter((m) => m.down.status === 'present').length} of ${s.migrations.length}`,
      })),
    ];
    // Forward-only tools are named once, with why, rather than once per migration.
    const forwardOnlyText = forwardOnly
      .map((s) => `${s.tool} (${shownDirectory(s.directory)}, ${s.migrations.length} migration${s.migrations.length === 1 ? '' : 's'}) is forward-only: ${s.migrations[0]?.down.detail ?? 'the tool has no down migrations'}`)
      .join('; ');
    const verdict = share >= policy.migrations.minRollbackShare ? 'pass' : 'fail';
    const lackingText = lacking.length > 0 ? `without one: ${withoutDown(lacking, 5)}` : '';
    const reasons = [lackingText, forwardOnlyText].filter(Boolean).join('. ');
    const answerText =
      reversible.length === all.length
        ? all.length === 1
          ? 'Yes: the only migration has a real down/revert script.'
          : `Yes: all ${all.length} migrations have a real down/revert script.`
        : reversible.length === 0
          ? `No: none of the ${all.length} migrations has a working down/revert script (${reasons}).`
          : `Partly: ${reversible.length} of ${all.length} migrations (${percent}) have a real down/revert script; ${reasons}.`;
    const findings: FindingDraft[] = [{
      resource,
      status: verdict,
      message: `${reversible.length} of ${all.length} migrations (${percent}) have a real down/revert script (policy minimum ${Math.round(policy.migrations.minRollbackShare * 100)}%)`,
      evidence,
      answerText,
    }];
    // One located finding per migration in scope that cannot be rolled back, for SARIF/JUnit.
    const inScope = new Set(migrationsInScope(repo, policy.migrations.compatibilityWindow).map((m) => m.migration));
    // A file that holds several migrations (Liquibase changesets) names each by its id.
    const perFile = new Map<string, number>();
    for (const { migration } of all) perFile.set(migration.up, (perFile.get(migration.up) ?? 0) + 1);
    for (const { set, migration } of all.filter((m) => m.migration.down.status !== 'present')) {
      if (!inScope.has(migration)) continue;
      findings.push({
        resource: perFile.get(migration.up)! > 1 ? `repo:${migration.up}#${migration.id}` : `repo:${migration.up}`,
        status: verdict === 'pass' ? 'warn' : 'fail',
        message: `${set.tool} migration ${migration.id} cannot be ${migration.down.status === 'partial' ? 'fully ' : ''}rolled back: ${WHY[migration.down.status as Exclude<DownStatus, 'present'>]}${migration.down.detail ? ` (${migration.down.detail})` : ''}`,
        evidence: [{ source: migration.down.path ?? migration.up, field: 'down', value: migration.down.status }],
        location: { path: migration.up, line: 1 },
      });
    }
    return findings;
  },
});
