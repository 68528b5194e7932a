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
