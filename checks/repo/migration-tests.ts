import { defineServiceCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';

export default defineServiceCheck({
  scope: 'service',
  requires: 'repo',
  id: 'repo.migration-tests',
  title: 'Migrations are tested in CI',
  severity: 'low',
  description:
    'Database tests exist (sqitch verify scripts, pgTAP tests) and a CI workflow runs them (pg_prove, supabase test db, sqitch verify, continuity verify-migrations), or a CI job applies every up migration and then every down (a round trip on a throwaway database).',
  remediation:
    'Add sqitch verify scripts or pgTAP tests for the schema and run them in CI, e.g. `pg_prove -d "$DATABASE_URL" test/*.sql`, `supabase test db`, or `continuity verify-migrations --repo .`; or apply every migration up and then down in a CI job against a service-container database.',
  docs: 'docs/migrations.md#repomigration-tests',
  evaluate({ facts: repo }): FindingDraft[] {
    const { name, sets, ci, pgTapTests } = repo;
    if (sets.length === 0) return [];
    const verifyScripts = sets.flatMap((s) => s.migrations.filter((m) => m.verify).map((m) => m.verify!));
    const evidence: Evidence[] = [
      { source: 'repository', field: 'sqitch verify scripts', value: verifyScripts.length },
      { source: 'repository', field: 'pgTAP test files', value: pgTapTests.length },
      ...pgTapTests.slice(0, 5).map((f) => ({ source: f, field: 'pgTAP test', value: true })),
      ...ci.tests.map((t) => ({ source: `${t.file}:${t.line}`, field: `CI runs ${t.kind}${t.job ? ` (job ${t.job})` : ''}`, value: t.command })),
    ];
    const found = [
      ...(verifyScripts.length > 0 ? [`${verifyScripts.length} sqitch verify script${verifyScripts.length === 1 ? '' : 's'}`] : []),
      ...(pgTapTests.length > 0 ? [`${pgTapTests.length} pgTAP test file${pgTapTests.length === 1 ? '' : 's'}`] : []),
    ];
    const runs = ci.tests.map((t) => `${t.kind} (${t.file}:${t.line})`);
    const resource = `repo:${name}`;
    if (found.length === 0 && runs.length === 0) {
      return [{ resource, status: 'fail', message: 'no database tests found (sqitch verify, pgTAP, an up-then-down CI job) and none run in CI', evidence, answerText: 'Database tests: none found.' }];
    }
    if (runs.length === 0) {
      return [{ resource, status: 'warn', message: `${found.join(' and ')} found, but no CI workflow runs them`, evidence, answerText: `Database tests: ${found.join(', ')}, not run by CI.` }];
    }
    return [{
      resource,
      status: 'pass',
      message: `database tests run in CI: ${runs.join(', ')}`,
      evidence,
      answerText: `Database tests: ${found.length > 0 ? `${found.join(', ')}, ` : ''}run in CI by ${runs.join(', ')}.`,
    }];
  },
});
