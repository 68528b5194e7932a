// Frameworks as data: `scan --framework` answers SOC 2 and ISO 27001 beside (or
// instead of) CONTINUITY-0003, in Markdown, HTML and JSON, from the same findings.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { buildFleetScan } from '../support/fleet';
import { FIXTURE_REPOS } from '../support/repo-facts';
import type { ScanResult } from '../../src/model';
import { answerFramework, answersOf } from '../../src/report/answers';
import { DEFAULT_FRAMEWORK, framework } from '../../src/frameworks';
import { finding } from '../support/scan-fixtures';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function scanRepo(frameworks: string) {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'continuity-frameworks-'));
  dirs.push(cwd);
  const result = await runCli(['scan', '--repo', path.join(FIXTURE_REPOS, 'golang-migrate'), '--framework', frameworks, '--no-history'], { cwd });
  return { result, out: path.join(cwd, 'out') };
}

describe('scan --framework', () => {
  it('writes SOC 2 and ISO 27001 answers in Markdown, HTML and JSON, and no CONTINUITY-0003 report when it is not chosen', async () => {
    const { result, out } = await scanRepo('soc2,iso27001');
    expect(result.code).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['golang-migrate.html', 'golang-migrate.iso27001.md', 'golang-migrate.soc2.md', 'index.html', 'scan.json']);

    const scan = JSON.parse(await readFile(path.join(out, 'scan.json'), 'utf8')) as ScanResult;
    expect(scan.schemaVersion).toBe(2);
    expect(scan.frameworks!.map((f) => f.id)).toEqual(['soc2', 'iso27001']);
    const soc2 = answersOf(scan.services[0]!, 'soc2')!;
    const changeManagement = soc2.find((a) => a.control === 'CC8.1')!;
    expect(changeManagement.checkIds).toEqual(expect.arrayContaining(['repo.migration-tool', 'repo.migration-rollback']));
    expect(changeManagement.status).toBe('fail');
    expect(answersOf(scan.services[0]!, 'iso27001')!.find((a) => a.control === '8.32')!.status).toBe('fail');

    const markdown = await readFile(path.join(out, 'golang-migrate.soc2.md'), 'utf8');
    expect(markdown).toContain('# SOC 2 Trust Services Criteria: golang-migrate');
    expect(markdown).toMatch(/\| CC8\.1 Change management \| .* \| fail \| Gaps found: /);

    const html = await readFile(path.join(out, 'golang-migrate.html'), 'utf8');
    expect(html).toContain('id="framework-soc2"');
    expect(html).toContain('id="soc2-CC8-1"');
    expect(html).toContain('id="framework-iso27001"');
    expect(html).not.toContain('id="questionnaire"');
    const overview = await readFile(path.join(out, 'index.html'), 'utf8');
    expect(overview).toContain('id="matrix-soc2"');
    expect(overview).toContain('href="golang-migrate.html#soc2-CC8-1"');
  });

  it('keeps CONTINUITY-0003 as <service>.md beside the others when all three are chosen', async () => {
    const { result, out } = await scanRepo('continuity-0003,soc2,iso27001');
    expect(result.code).toBe(0);
    expect((await readdir(out)).filter((f) => f.endsWith('.md')).sort()).toEqual(['golang-migrate.iso27001.md', 'golang-migrate.md', 'golang-migrate.soc2.md']);
    const html = await readFile(path.join(out, 'golang-migrate.html'), 'utf8');
    expect(html.indexOf('id="questionnaire"')).toBeLessThan(html.indexOf('id="framework-soc2"'));
  });

  it('refuses an unknown framework with a usage error (exit 2) naming the known ones', async () => {
    const { result } = await scanRepo('soc2,nist-800-53');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown framework nist-800-53 (known: continuity-0003, iso27001, soc2)');
  });
});

describe('framework answers', () => {
  it('never answer a compliance control "Yes": they say what the evidence shows and how many mapped checks had evidence', () => {
    const scan = buildFleetScan({ services: 3, datastoresPerService: 4, frameworks: ['soc2', 'iso27001'] });
    const answers = scan.services.flatMap((s) => s.frameworks!.flatMap((f) => f.answers));
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(answer.answer).not.toMatch(/^(Yes|No)(,|:|$| \()/);
      if (!answer.answer.startsWith('Not assessed:')) expect(answer.answer).toMatch(/\d+ of \d+ mapped checks? had evidence here$/);
    }
  });
});

describe('CONTINUITY-0003 migrations row', () => {
  it("takes its status and answer from the migration tool; database tests are a line of their own", () => {
    const findings = [
      finding({ checkId: 'repo.migration-tool', status: 'pass', answerText: 'golang-migrate in db: 5 migrations, applied by the deploy job.' }),
      finding({ checkId: 'repo.migration-tests', status: 'fail', answerText: 'Database tests: none found.' }),
    ];
    const row = answerFramework(framework(DEFAULT_FRAMEWORK), findings).find((a) => a.control === 'migrations')!;
    expect(row).toMatchObject({ status: 'pass', answer: 'golang-migrate in db: 5 migrations, applied by the deploy job.\nDatabase tests: none found.' });
    expect(row.details).toEqual(expect.arrayContaining([expect.stringMatching(/^\[fail\]/)]));
  });
});
