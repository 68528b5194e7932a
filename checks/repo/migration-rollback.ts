import { defineServiceCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import { migrationsInScope, repoPath } from '../../src/migrations/scope';
import type { DownStatus } from '../../src/migrations/types';

const WHY: Record<Exclude<DownStatus, 'present'>, string> = {
  empty: 'its down does nothing',
  missing: 'it has no down/revert script',
  irreversible: 'its down refuses to run',
  'forward-only': 'the tool has no down migrations',
};

export default defineServiceCheck({
  scope: 'service',
  requires: 'repo',
  id: 'repo.migration-rollback',
  title: 'Migrations can be rolled back',
  severity: 'medium',
  description:
    'The share of migrations with a real down or revert script (sqitch revert, golang-migrate .down.sql, Flyway U scripts, dbmate migrate:down, Liquibase rollback, down()/downgrade()). An empty or no-op down counts as none; forward-only tools and ORM auto-migration have none.',
  remediation:
    'Write a down/revert script for every migration and test it (`continuity verify-migrations --repo .` runs each down and up again on a throwaway PostgreSQL), or document the roll-forward procedure for forward-only tools.',
  docs: 'docs/migrations.md#repomigration-rollback',
  evaluate({ facts: repo, policy }): FindingDraft[] {
    const { root, sets } = repo;
    const resource = `repo:${root}`;
    const all = sets.flatMap((set) => set.migrations.map((migration) => ({ set, migration })));
    const auto = sets.filter((s) => s.autoMigration);
    if (all.length === 0) {
      if (auto.length === 0) return []; // no migrations at all: repo.migration-tool reports it
      return [{
        resource,
        status: 'fail',
        message: 'the schema is changed by ORM auto-migration, which cannot be rolled back',
        evidence: auto.map((s) => ({ source: repoPath(repo, s.marker), field: 'auto-migration', value: s.tool })),
        answerText: `No: the schema is changed by ${auto.map((s) => s.tool).join(', ')} at start-up, which has no rollback.`,
      }];
    }
    const reversible = all.filter((m) => m.migration.down.status === 'present');
    const share = reversible.length / all.length;
    const lacking = all.filter((m) => m.migration.down.status !== 'present');
    const percent = Math.round(share * 100);
    const evidence: Evidence[] = [
      { source: 'repository', field: 'migrations', value: all.length },
      { source: 'repository', field: 'with a real down/revert', value: reversible.length },
      ...sets.filter((s) => !s.autoMigration).map((s) => ({
        source: repoPath(repo, s.directory),
        field: `${s.tool} down scripts`,
        value: `${s.migrations.filter((m) => m.down.status === 'present').length} of ${s.migrations.length}`,
      })),
    ];
    const examples = lacking.slice(-5).map((m) => `${m.migration.id} (${WHY[m.migration.down.status as Exclude<DownStatus, 'present'>]})`);
    const verdict = share >= policy.migrations.minRollbackShare ? 'pass' : 'fail';
    const answerText =
      lacking.length === 0
        ? `Yes: all ${all.length} migrations have a down/revert script.`
        : reversible.length === 0
          ? `No: none of the ${all.length} migrations has a working down/revert script (${examples.join(', ')}).`
          : `Partly: ${reversible.length} of ${all.length} migrations (${percent}%) have a real down/revert script; without one: ${examples.join(', ')}${lacking.length > examples.length ? ` and ${lacking.length - examples.length} more` : ''}.`;
    const findings: FindingDraft[] = [{
      resource,
      status: verdict,
      message: `${reversible.length} of ${all.length} migrations (${percent}%) have a real down/revert script (policy minimum ${Math.round(policy.migrations.minRollbackShare * 100)}%)`,
      evidence,
      answerText,
    }];
    // One located finding per migration in scope that cannot be rolled back, for SARIF/JUnit.
    const inScope = new Set(migrationsInScope(repo, policy.migrations.compatibilityWindow).map((m) => m.migration));
    for (const { set, migration } of lacking) {
      if (!inScope.has(migration)) continue;
      const file = repoPath(repo, migration.up);
      findings.push({
        resource: `repo:${file}`,
        status: verdict === 'pass' ? 'warn' : 'fail',
        message: `${set.tool} migration ${migration.id} cannot be rolled back: ${WHY[migration.down.status as Exclude<DownStatus, 'present'>]}${migration.down.detail ? ` (${migration.down.detail})` : ''}`,
        evidence: [{ source: migration.down.path ? repoPath(repo, migration.down.path) : file, field: 'down', value: migration.down.status }],
        location: { path: file, line: 1 },
      });
    }
    return findings;
  },
});
