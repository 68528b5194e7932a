import { defineServiceCheck, type FindingDraft } from '../../src/engine/types';
import { severityRank, type Evidence } from '../../src/model';
import type { RuleCategory } from '../../src/migrations/rules/rule';
import { countsChangedFiles, describeScope, linted, migrationsInScope, shownDirectory, type ScopedMigration } from '../../src/migrations/scope';
import { PARSER_PG_MAJOR, type LintHit } from '../../src/migrations/types';
import { plural } from '../../src/util';

const LINTER = `continuity lint (PostgreSQL ${PARSER_PG_MAJOR} parser)`;

/** Hits that make the compatibility answer "No" (old or new application code breaks) or the migration fail or lose data. */
function breaking(hit: LintHit): boolean {
  return hit.category === 'compatibility' && severityRank(hit.severity) >= severityRank('medium');
}
function failing(hit: LintHit): boolean {
  return (hit.category === 'deploy' || hit.category === 'data-loss') && severityRank(hit.severity) >= severityRank('medium');
}
/** Lock and rewrite hazards worth naming; low ones (a missing lock_timeout) are counted apart. */
function hazard(hit: LintHit): boolean {
  return hit.category === 'locking' && severityRank(hit.severity) >= severityRank('medium');
}

const CATEGORY_ORDER: RuleCategory[] = ['compatibility', 'data-loss', 'deploy', 'locking'];

/** Most severe first; then compatibility, data loss, deploy, locking; then file order. */
function mostSevereFirst(a: LintHit, b: LintHit): number {
  return severityRank(b.severity) - severityRank(a.severity) || CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) || a.path.localeCompare(b.path) || a.line - b.line;
}

function examples(hits: LintHit[], count = 3): string {
  return [...hits].sort(mostSevereFirst).slice(0, count).map((h) => `${h.rule} at ${h.path}:${h.line}`).join('; ');
}

export default defineServiceCheck({
  scope: 'service',
  requires: 'repo',
  id: 'repo.migration-compatibility',
  title: 'Schema changes keep forward/backward compatibility',
  severity: 'high',
  description:
    `Lints the SQL of the newest migrations (or those added since --since REF) with the PostgreSQL ${PARSER_PG_MAJOR} parser, including DO blocks, routines the migrations call (PL/pgSQL parser) and the SQL that Knex, Sequelize, TypeORM, node-pg-migrate and db-migrate schema-builder calls run. The answer counts only changes that break old or new application code (dropped or renamed tables, columns, views, functions, types and enum values, type changes, NOT NULL without a default or a validated CHECK); lock and rewrite hazards (indexes without CONCURRENTLY, constraints without NOT VALID, table rewrites, missing lock_timeout) and migrations that would fail when applied (CONCURRENTLY in a transaction, BEGIN without COMMIT) are their own findings and lines. Lock levels come from a table proved on PostgreSQL ${PARSER_PG_MAJOR}; migrations for other databases are named and not linted.`,
  remediation:
    'Use the expand/contract pattern: add new structures first, deploy code that uses both, migrate data, then remove the old in a later release. Each rule\'s doc gives the safe form; suppress a reviewed exception inline with `-- continuity-ignore <rule>: <reason>`.',
  docs: 'docs/migrations.md#repomigration-compatibility',
  evaluate({ facts: repo, policy }): FindingDraft[] {
    const { name, lint } = repo;
    const window = policy.migrations.compatibilityWindow;
    const resource = `repo:${name}`;
    const scoped = migrationsInScope(repo, window);
    if (scoped.length === 0) {
      const since = repo.since;
      if (!since) return [];
      const changed = countsChangedFiles(repo);
      const none = `no migration was added${changed ? ' (nor a changeset to an existing changelog)' : ''} since ${since.ref}`;
      return [{
        resource,
        status: 'pass',
        message: none,
        evidence: [{ source: `git diff --diff-filter=${changed ? 'AM' : 'A'} ${since.ref}`, field: 'migrations added', value: 0 }],
        answerText: `Yes: ${none}.`,
      }];
    }
    const lintable = scoped.filter(({ set, migration }) => linted(set, migration));
    const otherDialects = scoped.filter(({ set, migration }) => !linted(set, migration));
    const scopedPaths = new Set(lintable.flatMap(({ migration }) => migration.sql.map((s) => s.path)));
    const files = lint.filter((f) => scopedPaths.has(f.path));
    const hits = files.flatMap((f) => f.hits);
    // One finding per hit: its rule names it beside its line (two rules may flag one statement), and a second hit of
    // a rule on the same line is numbered.
    const seen = new Map<string, number>();
    const resourceOf = (hit: (typeof hits)[number]) => {
      const base = `repo:${hit.path}:${hit.line}#${hit.rule}`;
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      return count === 1 ? base : `${base}/${count}`;
    };
    const findings: FindingDraft[] = hits.map((hit) => ({
      resource: resourceOf(hit),
      // Lock and rewrite hazards warn; changes that break code, fail when applied or lose data fail.
      status: hit.suppressed ? 'skipped' : hit.category === 'locking' || hit.severity === 'low' ? 'warn' : 'fail',
      severity: hit.severity,
      message: hit.suppressed ? `${hit.rule}: ${hit.message} (suppressed inline: ${hit.suppressed})` : `${hit.rule}: ${hit.message}`,
      evidence: [
        { source: `${hit.path}:${hit.line}`, field: 'statement', value: hit.statement },
        { source: 'continuity lint', field: 'rule', value: `${hit.rule} (${hit.category})` },
      ],
      location: { path: hit.path, line: hit.line },
      rule: hit.rule,
    }));
    for (const file of files.filter((f) => f.parseError)) {
      findings.push({
        resource: `repo:${file.path}:${file.parseError!.line}`,
        status: 'error',
        message: `could not parse as PostgreSQL ${PARSER_PG_MAJOR} SQL: ${file.parseError!.message}; the file is not linted from this statement on`,
        evidence: [{ source: `${file.path}:${file.parseError!.line}`, field: 'parse error', value: file.parseError!.message }],
        location: { path: file.path, line: file.parseError!.line },
      });
    }

    const active = hits.filter((h) => !h.suppressed);
    const migrationsWith = (test: (h: LintHit) => boolean) =>
      lintable.filter(({ migration }) => active.some((h) => test(h) && migration.sql.some((s) => s.path === h.path)));
    const breakingMigrations = migrationsWith(breaking);
    const failingMigrations = migrationsWith(failing);
    const hazards = active.filter(hazard);
    const hazardMigrations = migrationsWith(hazard);
    const lockTimeoutWarnings = active.filter((h) => h.category === 'locking' && h.severity === 'low');
    const statements = files.reduce((n, f) => n + f.statements, 0);
    // What was not linted: a clean lint of the rest is no evidence that these migrations are safe.
    const byPath = new Map(files.map((f) => [f.path, f]));
    const partial = lintable.flatMap(({ migration }) => {
      const paths = [...new Set(migration.sql.map((s) => s.path))];
      const reasons = [
        ...(migration.notAnalysed ? [migration.notAnalysed] : []),
        ...(migration.sql.length === 0 && !migration.notAnalysed && !migration.dataOnly ? ['no SQL could be read statically'] : []),
        ...paths.filter((p) => byPath.get(p)?.parseError).map((p) => `${p} does not parse from line ${byPath.get(p)!.parseError!.line}`),
        ...paths.flatMap((p) => (byPath.get(p)?.notAnalysed ?? []).map((n) => `${p}:${n.line}: ${n.reason}`)),
      ];
      return reasons.length > 0 ? [{ migration, reasons: [...new Set(reasons)].join('; ') }] : [];
    });
    const scope = describeScope(repo, lintable, window);
    const notLinted = describeOtherDialects(otherDialects);
    const evidence: Evidence[] = [
      { source: LINTER, field: 'migrations in scope', value: scoped.length },
      { source: LINTER, field: 'statements linted', value: statements },
      { source: LINTER, field: 'migrations that break application code', value: breakingMigrations.length },
      { source: LINTER, field: 'migrations that fail or lose data when applied', value: failingMigrations.length },
      { source: LINTER, field: 'lock and rewrite hazards', value: hazards.length },
      { source: LINTER, field: 'statements without lock_timeout', value: lockTimeoutWarnings.length },
      { source: LINTER, field: 'suppressed inline', value: hits.length - active.length },
      { source: LINTER, field: 'migrations not fully analysed', value: partial.length },
      ...(notLinted ? [{ source: LINTER, field: 'not linted (other databases)', value: notLinted }] : []),
      ...partial.slice(0, 5).map(({ migration, reasons }) => ({ source: migration.up, field: 'not analysed', value: reasons })),
    ];
    const partly = `${partial.length} migration${partial.length === 1 ? ' was' : 's were'} not fully analysed (e.g. ${partial
      .slice(0, 2)
      .map(({ migration, reasons }) => `${migration.id}: ${reasons}`)
      .join('; ')})`;
    // Lines after the compatibility verdict: what fails when applied, lock hazards, what was not linted.
    const more = [
      failingMigrations.length > 0 ? `${plural(failingMigrations.length, 'migration')} would fail or lose data when applied (e.g. ${examples(active.filter(failing))}).` : '',
      hazards.length > 0 ? `Lock and rewrite hazards: ${hazards.length} in ${plural(hazardMigrations.length, 'migration')} (e.g. ${examples(hazards)}).` : '',
      lockTimeoutWarnings.length > 0 ? `${plural(lockTimeoutWarnings.length, 'statement')} take${lockTimeoutWarnings.length === 1 ? 's' : ''} a blocking lock with no lock_timeout.` : '',
      notLinted ? `Not linted: ${notLinted}.` : '',
    ].filter(Boolean);
    const tail = more.length > 0 ? ` ${more.join(' ')}` : '';
    const failed = breakingMigrations.length > 0 || failingMigrations.length > 0;
    const warned = hazards.length > 0 || lockTimeoutWarnings.length > 0;
    if (breakingMigrations.length > 0) {
      const breaks = breakingMigrations.length === 1 ? 'breaks' : 'break';
      findings.push({
        resource,
        status: 'fail',
        message: `${breakingMigrations.length} of ${lintable.length} migrations in scope ${breaks} old or new application code`,
        evidence,
        answerText: `No: ${breakingMigrations.length} of ${scope} ${breaks} old or new application code (e.g. ${examples(active.filter(breaking))}).${partial.length > 0 ? ` ${partly}.` : ''}${tail}`,
      });
    } else if (lintable.length === 0) {
      findings.push({ resource, status: 'unknown', message: `the migrations in scope are for other databases (${notLinted}); none was linted`, evidence, answerText: `Not assessed: the migrations in scope are for other databases, which continuity does not lint (${notLinted}).` });
    } else if (statements === 0) {
      findings.push({ resource, status: 'unknown', message: `no SQL could be linted in ${scope}`, evidence, answerText: `Not assessed: no SQL could be read from ${scope}.${partial.length > 0 ? ` ${partly}.` : ''}${tail}` });
    } else if (partial.length > 0) {
      findings.push({
        resource,
        status: failed ? 'fail' : 'unknown',
        message: `not fully assessed: no change that breaks application code in the ${plural(statements, 'statement')} linted from ${scope}, but ${partly}`,
        evidence,
        answerText: `Not fully assessed: no change that breaks old or new application code in the ${plural(statements, 'statement')} linted from ${scope}, but ${partly}.${tail}`,
      });
    } else {
      findings.push({
        resource,
        status: failed ? 'fail' : warned ? 'warn' : 'pass',
        message: `no change that breaks application code in ${scope} (${plural(statements, 'statement')} linted)${hazards.length > 0 ? `; ${plural(hazards.length, 'lock or rewrite hazard')}` : ''}`,
        evidence,
        answerText: `Yes: no change in ${scope} breaks old or new application code (${plural(statements, 'statement')} linted).${tail}`,
      });
    }
    return findings;
  },
});

/** Migrations in scope that are not linted because they are written for other databases: `clickhouse (4 migrations in clickhouse/migrations)`. */
function describeOtherDialects(migrations: ScopedMigration[]): string {
  const groups = new Map<string, ScopedMigration[]>();
  for (const m of migrations) {
    const dialect = m.set.dialect === 'postgresql' ? (m.migration.dialects ?? []).join(',') || 'other databases' : m.set.dialect;
    const key = `${dialect}\u0000${m.set.directory}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups]
    .map(([key, list]) => {
      const [dialect, directory] = key.split('\u0000');
      return `${dialect} (${plural(list.length, 'migration')} in ${shownDirectory(directory!)})`;
    })
    .join(', ');
}
