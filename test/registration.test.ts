// Registration cannot be forgotten: a check or lint rule file that is not in
// its registry never runs, and every other test would stay green.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks';
import { allFrameworks, framework } from '../src/frameworks';
import { LINT_RULES } from '../src/migrations/rules';
import { renderLintRuleTable, withLintRuleTable } from '../src/report/check-catalog';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Module files of a folder tree: not tests, not shared helpers (`_name.ts`). */
async function moduleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, dir), { recursive: true });
  return entries
    .map((e) => String(e).split(path.sep).join('/'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !path.posix.basename(f).startsWith('_'))
    .sort();
}

describe('check registration', () => {
  it('every file under checks/<area>/ default-exports a check named <area>.<file> that ALL_CHECKS registers', async () => {
    const files = (await moduleFiles('checks')).filter((f) => f.includes('/'));
    expect(files.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const file of files) {
      const [area, name] = [path.posix.dirname(file), path.posix.basename(file, '.ts')];
      const check = (await import(path.join(ROOT, 'checks', file))).default;
      if (!check?.id) problems.push(`checks/${file}: no default-exported check (shared helpers are named _${name}.ts)`);
      else if (check.id !== `${area}.${name}`) problems.push(`checks/${file}: id is ${check.id}, expected ${area}.${name}`);
      else if (!ALL_CHECKS.includes(check)) problems.push(`checks/${file}: ${check.id} is not in ALL_CHECKS (checks/index.ts)`);
    }
    expect(problems).toEqual([]);
  });

  it('check ids are unique', () => {
    const ids = ALL_CHECKS.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});

describe('lint rule registration', () => {
  it('every file under src/migrations/rules/ default-exports a rule named after the file that LINT_RULES registers', async () => {
    const files = (await moduleFiles('src/migrations/rules')).filter((f) => f !== 'index.ts' && f !== 'rule.ts');
    expect(files.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const file of files) {
      const name = path.posix.basename(file, '.ts');
      const rule = (await import(path.join(ROOT, 'src/migrations/rules', file))).default;
      if (!rule?.id) problems.push(`${file}: no default-exported rule`);
      else if (rule.id !== name) problems.push(`${file}: id is ${rule.id}, expected ${name}`);
      else if (!LINT_RULES.includes(rule)) problems.push(`${file}: ${rule.id} is not in LINT_RULES (src/migrations/rules/index.ts)`);
    }
    expect(problems).toEqual([]);
  });

  it("docs/migrations.md's rule table is the one rendered from the rules (run `npm run docs`)", async () => {
    const page = await readFile(path.join(ROOT, 'docs/migrations.md'), 'utf8');
    expect(page).toBe(withLintRuleTable(page, renderLintRuleTable(LINT_RULES)));
  });
});

describe('frameworks (frameworks/*.yaml)', () => {
  it('every check answers at least one control of some framework', () => {
    const frameworks = [...allFrameworks().values()];
    const unmapped = ALL_CHECKS.filter((check) => !frameworks.some((f) => f.controls.some((c) => c.checks.includes(check.id))));
    expect(unmapped.map((c) => c.id)).toEqual([]);
  });

  it('every check a framework names exists', () => {
    const known = new Set(ALL_CHECKS.map((c) => c.id));
    const unknown = [...allFrameworks().values()].flatMap((f) =>
      f.controls.flatMap((c) => c.checks.filter((id) => !known.has(id)).map((id) => `${f.id} ${c.id}: ${id}`)),
    );
    expect(unknown).toEqual([]);
  });

  it("a control's answeredBy names only checks of that control", () => {
    const stray = [...allFrameworks().values()].flatMap((f) =>
      f.controls.flatMap((c) => (c.answeredBy ?? []).filter((id) => !c.checks.includes(id)).map((id) => `${f.id} ${c.id}: ${id}`)),
    );
    expect(stray).toEqual([]);
  });

  it('ships CONTINUITY-0003 with the seed questionnaire rows, SOC 2 and ISO 27001', () => {
    expect([...allFrameworks().keys()]).toEqual(['continuity-0003', 'iso27001', 'soc2']);
    expect(framework('continuity-0003').controls.map((c) => c.label)).toEqual([
      'Database schema migrations',
      'Database schema rollbacks upgrade',
      'Forward/Backward compatibility',
      'Indexes',
      'SSL connection',
      'Data sensitivity',
      'Backup policy',
    ]);
  });
});
