import type { Check } from '../engine/types';
import { QUESTIONNAIRE } from './questionnaire';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/checks.md: the catalog of checks, rendered from their own metadata so it cannot go stale. */
export function renderCheckCatalog(checks: Check[]): string {
  const rowLabel = (id: string | null) => (id ? (QUESTIONNAIRE.find((r) => r.id === id)?.label ?? id) : '—');
  const lines = [
    '# Check catalog',
    '',
    'Generated from each check\'s metadata by `npm run docs`; do not edit by hand.',
    'Checks marked "protection" are skipped where the policy carries no protection requirement (dev databases, seed 001).',
    '',
    '| Check | Severity | Questionnaire row | What it verifies | Remediation |',
    '|-------|----------|-------------------|------------------|-------------|',
    ...checks.map(
      (c) =>
        `| \`${c.id}\`${c.protection ? ' (protection)' : ''} | ${c.severity} | ${rowLabel(c.questionnaireRow)} | ${cell(c.description)} | ${cell(c.remediation)}${c.docs ? ` ([docs](${c.docs}))` : ''} |`,
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
