import type { Check } from '../engine/types';
import { allFrameworks, controlsOfCheck, DEFAULT_FRAMEWORK } from '../frameworks';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/checks.md: the catalog of checks, rendered from their metadata and the framework files so it cannot go stale. */
export function renderCheckCatalog(checks: Check[]): string {
  const frameworks = [...allFrameworks().values()];
  const answers = (frameworkId: string, checkId: string) =>
    controlsOfCheck(frameworkId, checkId)
      .map((c) => (frameworkId === DEFAULT_FRAMEWORK ? c.label : c.id))
      .join(', ') || '—';
  const lines = [
    '# Check catalog',
    '',
    'Generated from each check\'s metadata and the framework files in `frameworks/` by `npm run docs`; do not edit by hand.',
    'Checks marked "protection" are skipped where the policy carries no protection requirement (dev databases, seed 001).',
    '',
    `| Check | Severity | ${frameworks.map((f) => f.title).join(' | ')} | What it verifies | Remediation |`,
    `|-------|----------|${frameworks.map(() => '---').join('|')}|------------------|-------------|`,
    ...checks.map(
      (c) =>
        `| \`${c.id}\`${c.protection ? ' (protection)' : ''} | ${c.severity} | ${frameworks.map((f) => answers(f.id, c.id)).join(' | ')} | ${cell(c.description)} | ${cell(c.remediation)}${c.docs ? ` ([docs](${c.docs}))` : ''} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** The lint rule table of docs/migrations.md, rendered from the rules' metadata. */
export function renderLintRuleTable(rules: readonly { id: string; severity: string; flags: string }[]): string {
  return ['| rule | severity | flags |', '| --- | --- | --- |', ...rules.map((r) => `| ${r.id} | ${r.severity} | ${cell(r.flags)} |`), ''].join('\n');
}

const LINT_TABLE_START = /<!-- lint-rules:start[^\n]*-->\n/;
const LINT_TABLE_END = '<!-- lint-rules:end -->';

/** docs/migrations.md with its generated lint rule table replaced; the rest of the page is written by hand. */
export function withLintRuleTable(page: string, table: string): string {
  const start = LINT_TABLE_START.exec(page);
  const end = page.indexOf(LINT_TABLE_END);
  if (!start || end < start.index) throw new Error('docs/migrations.md has lost its lint-rules:start / lint-rules:end markers');
  return page.slice(0, start.index + start[0].length) + table + page.slice(end);
}
