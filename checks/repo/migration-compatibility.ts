import { defineServiceCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import { countsChangedFiles, describeScope, migrationsInScope, repoPath } from '../../src/migrations/scope';
import { PARSER_PG_MAJOR, type LintHit } from '../../src/migrations/types';

const BREAKING = new Set(['critical', 'high', 'medium']);
const LINTER = `continuity lint (PostgreSQL ${PARSER_PG_MAJOR} parser)`;

export default defineServiceCheck({
  scope: 'service',
  requires: 'repo',
  id: 'repo.migration-compatibility',
  title: 'Schema changes keep forward/backward compatibility',
  severity: 'high',
  description:
    `Lints the SQL of the newest migrations (or those added since --since REF) with the PostgreSQL ${PARSER_PG_MAJOR} parser for changes that break the running application version or lock tables: dropped or renamed columns and tables, type changes, SET NOT NULL, NOT NULL columns without a default, constraints without NOT VALID, indexes without CONCURRENTLY, CONCURRENTLY in a transaction, direct unique constraints, volatile defaults, missing lock_timeout, TRUNCATE CASCADE.`,
  remediation:
    'Use the expand/contract pattern: add new structures first, deploy code that uses both, migrate data, then remove the old in a later release. Each rule\'s doc gives the safe form; suppress a reviewed exception inline with `-- continuity-ignore <rule>: <reason>`.',
  docs: 'docs/migrations.md#repomigration-compatibility',
  evaluate({ facts: repo, policy }): FindingDraft[] {
    const { root, lint } = repo;
    const window = policy.migrations.compatibilityWindow;
    const scoped = migrationsInScope(repo, window);
    if (scoped.length === 0) {
      const since = repo.since;
      if (!since) return [];
      const changed = countsChangedFiles(repo);
      const none = `no migration was added${changed ? ' (nor a changeset to an existing changelog)' : ''} since ${since.ref}`;
      return [{
        resource: `repo:${root}`,
        status: 'pass',
        message: none,
        evidence: [{ source: `git diff --diff-filter=${changed ? 'AM' : 'A'} ${since.ref}`, field: 'migrations added', value: 0 }],
        answerText: `Yes: ${none}.`,
      }];
    }
    const scopedPaths = new Set(scoped.flatMap(({ migration }) => migration.sql.map((s) => s.path)));
    const files = lint.filter((f) => scopedPaths.has(f.path));
    const hits = files.flatMap((f) => f.hits);
    const findings: FindingDraft[] = [];
    const hitFinding = (hit: LintHit): FindingDraft => {
      const file = repoPath(repo, hit.path);
      return {
        resource: `repo:${file}:${hit.line}`,
        status: hit.suppressed ? 'skipped' : BREAKING.has(hit.severity) ? 'fail' : 'warn',
        severity: hit.severity,
        message: hit.suppressed ? `${hit.rule}: ${hit.message} (suppressed inline: ${hit.suppressed})` : `${hit.rule}: ${hit.message}`,
        evidence: [
          { source: `${file}:${hit.line}`, field: 'statement', value: hit.statement },
          { source: 'continuity lint', field: 'rule', value: hit.rule },
        ],
        location: { path: file, line: hit.line },
        rule: hit.rule,
      };
    };
    findings.push(...hits.map(hitFinding));
    for (const file of files.filter((f) => f.parseError)) {
      const path = repoPath(repo, file.path);
      findings.push({
        resource: `repo:${path}:${file.parseError!.line}`,
        status: 'error',
        message: `could not parse as PostgreSQL ${PARSER_PG_MAJOR} SQL: ${file.parseError!.message}; the file is not linted from this statement on`,
        evidence: [{ source: `${path}:${file.parseError!.line}`, field: 'parse error', value: file.parseError!.message }],
        location: { path, line: file.parseError!.line },
      });
    }

    const active = hits.filter((h) => !h.suppressed);
    const breakingByMigration = scoped.filter(({ migration }) =>
      active.some((h) => BREAKING.has(h.severity) && migration.sql.some((s) => s.path === h.path)),
    );
    const statements = files.reduce((n, f) => n + f.statements, 0);
    // What was not linted: a clean lint of the rest is no evidence that these migrations are safe.
    const parseErrors = new Map(files.filter((f) => f.parseError).map((f) => [f.path, f.parseError!]));
    const partial = scoped.flatMap(({ migration }) => {
      const reasons = [
        ...(migration.notAnalysed ? [migration.notAnalysed] : []),
        ...(migration.sql.length === 0 && !migration.notAnalysed ? ['no SQL could be read statically'] : []),
        ...[...new Set(migration.sql.map((s) => s.path))]
          .filter((p) => parseErrors.has(p))
          .map((p) => `${repoPath(repo, p)} does not parse from line ${parseErrors.get(p)!.line}`),
      ];
      return reasons.length > 0 ? [{ migration, reasons: reasons.join('; ') }] : [];
    });
    const scope = describeScope(repo, scoped.length, window);
    const examples = active
      .filter((h) => BREAKING.has(h.severity))
      .slice(0, 3)
      .map((h) => `${h.rule} at ${repoPath(repo, h.path)}:${h.line}`);
    const evidence: Evidence[] = [
      { source: LINTER, field: 'migrations in scope', value: scoped.length },
      { source: LINTER, field: 'statements linted', value: statements },
      { source: LINTER, field: 'migrations with breaking changes', value: breakingByMigration.length },
      { source: LINTER, field: 'suppressed inline', value: hits.length - active.length },
      { source: LINTER, field: 'migrations not fully analysed', value: partial.length },
      ...partial.slice(0, 5).map(({ migration, reasons }) => ({ source: repoPath(repo, migration.up), field: 'not analysed', value: reasons })),
    ];
    const partly = `${partial.length} migration${partial.length === 1 ? ' was' : 's were'} not fully analysed (e.g. ${partial
      .slice(0, 2)
      .map(({ migration, reasons }) => `${migration.id}: ${reasons}`)
      .join('; ')})`;
    const caveat = partial.length > 0 ? ` ${partly}.` : '';
    const resource = `repo:${root}`;
    if (breakingByMigration.length > 0) {
      findings.push({
        resource,
        status: 'fail',
        message: `${breakingByMigration.length} of ${scoped.length} migrations in scope carry breaking changes`,
        evidence,
        answerText: `No: ${breakingByMigration.length} of ${scope} carry breaking changes (e.g. ${examples.join('; ')}).${caveat}`,
      });
    } else if (statements === 0) {
      findings.push({ resource, status: 'unknown', message: `no SQL could be linted in ${scope}`, evidence, answerText: `Not assessed: no SQL could be read from ${scope}.${caveat}` });
    } else if (partial.length > 0) {
      findings.push({
        resource,
        status: 'unknown',
        message: `not fully assessed: no breaking change in the ${statements} statements linted from ${scope}, but ${partly}`,
        evidence,
        answerText: `Not fully assessed: no breaking change in the ${statements} statements linted from ${scope}, but ${partly}.`,
      });
    } else {
      const warnings = active.length;
      findings.push({
        resource,
        status: warnings > 0 ? 'warn' : 'pass',
        message: `no breaking change in ${scope} (${statements} statements linted)${warnings > 0 ? `; ${warnings} lock warning(s)` : ''}`,
        evidence,
        answerText: `Yes: no breaking change in ${scope} (${statements} statements linted${warnings > 0 ? `, ${warnings} lock warning${warnings === 1 ? '' : 's'}` : ''}).`,
      });
    }
    return findings;
  },
});
