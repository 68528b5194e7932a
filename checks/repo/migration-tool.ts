import { defineServiceCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import { repoPath } from '../../src/migrations/scope';

export default defineServiceCheck({
  scope: 'service',
  requires: 'repo',
  id: 'repo.migration-tool',
  title: 'Schema migrations are made with a migration tool that CI applies',
  severity: 'medium',
  description:
    'Finds every migration tool in the repository (sqitch, Supabase CLI, golang-migrate, Flyway, Liquibase, dbmate, Knex, TypeORM, Sequelize, node-pg-migrate, Prisma, Rails, Alembic, Django) and whether a CI workflow runs it. ORM schema sync at start-up (GORM AutoMigrate, Sequelize sync, TypeORM synchronize, Hibernate ddl-auto) leaves no reviewable migrations and fails.',
  remediation:
    'Keep schema changes as versioned migration files in the repository and apply them from the deployment pipeline (e.g. `sqitch deploy`, `migrate up`, `flyway migrate`, `supabase db push`), not by hand or by the ORM at start-up.',
  docs: 'docs/migrations.md#repomigration-tool',
  evaluate({ service, facts: repo }): FindingDraft[] {
    const { root, sets, ci } = repo;
    const resource = `repo:${root}`;
    const evidence: Evidence[] = [{ source: 'repository', field: 'path', value: root }];
    if (sets.length === 0) {
      return [{
        resource,
        status: 'fail',
        message: `no migration tool found in ${root}`,
        evidence: [...evidence, { source: 'repository', field: 'migration tools', value: 'none found' }],
        answerText: `No migration tool was found in ${root}.`,
      }];
    }
    const parts: string[] = [];
    let reviewable = 0;
    let appliedByCi = 0;
    for (const set of sets) {
      const where = repoPath(repo, set.directory);
      evidence.push({ source: repoPath(repo, set.marker.replace(/:\d+$/, '')), field: `${set.tool} ${set.autoMigration ? 'auto-migration' : 'migrations'}`, value: set.autoMigration ? set.marker : set.migrations.length });
      if (set.autoMigration) {
        parts.push(`${set.notes[0] ?? `${set.tool} changes the schema at start-up`} (${repoPath(repo, set.marker)})`);
        continue;
      }
      reviewable++;
      const newest = set.migrations[set.migrations.length - 1];
      const apply = ci.applies.find((a) => a.tool === set.tool);
      if (apply) {
        appliedByCi++;
        evidence.push({ source: `${repoPath(repo, apply.file)}:${apply.line}`, field: `CI runs ${set.tool}`, value: apply.command });
      }
      parts.push(
        `${set.tool} in ${where}: ${set.migrations.length} migration${set.migrations.length === 1 ? '' : 's'}${newest ? `, newest ${newest.id}` : ''}${set.forwardOnly ? ' (forward-only tool)' : ''}; ${apply ? `applied by CI (${repoPath(repo, apply.file)}:${apply.line}: \`${apply.command}\`)` : 'no CI workflow found that applies them'}.`,
      );
    }
    const answerText = parts.join(' ');
    if (reviewable === 0) {
      return [{ resource, status: 'fail', message: `the schema is changed by ORM auto-migration at start-up in ${service.name}'s repository; there are no reviewable migrations`, evidence, answerText }];
    }
    if (appliedByCi < reviewable) {
      return [{ resource, status: 'warn', message: 'migrations are versioned, but no CI workflow was found that applies every tool\'s migrations', evidence, answerText, remediation: 'Run the migration tool from the deployment pipeline so that what is merged is what is applied.' }];
    }
    return [{ resource, status: sets.some((s) => s.autoMigration) ? 'warn' : 'pass', message: 'migrations are versioned and applied by CI', evidence, answerText }];
  },
});
