// End to end: the repository collector and checks through the engine, the
// questionnaire rows, SARIF validated against the 2.1.0 schema, JUnit, --since.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks';
import { repoOnlyConfig, serviceCollectorsFor } from '../../src/cli/repo-options';
import { runScan } from '../../src/engine/scan';
import { SERVICE_COLLECTORS } from '../../src/engine/registry';
import { silentLogger } from '../../src/log';
import { renderJunit } from '../../src/report/junit';
import { renderSarif } from '../../src/report/sarif';
import { FIXTURE_REPOS } from '../support/repo-facts';
import { questionnaireOf } from '../support/questionnaire';

async function scanRepo(repo: string, since?: string) {
  return runScan({
    config: repoOnlyConfig(repo),
    configPath: null,
    collectors: [],
    serviceCollectors: serviceCollectorsFor(SERVICE_COLLECTORS, since),
    checks: ALL_CHECKS,
    log: silentLogger,
  });
}

const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

describe('scan --repo', () => {
  it('answers the three migration rows of the questionnaire from the repository, with evidence', async () => {
    const scan = await scanRepo(path.join(FIXTURE_REPOS, 'sqitch'));
    const rows = Object.fromEntries(questionnaireOf(scan.services[0]!).map((q) => [q.control, q]));
    expect(scan.services[0]!.name).toBe('sqitch');
    expect(rows.migrations!.answer).toMatch(/^sqitch in db: 4 migrations, newest add_applicant_fk; applied by the deploy job deploy \(\.gitlab-ci\.yml:10: `sqitch deploy`; job deploy, stage deploy\)\.\nDatabase tests: 2 sqitch verify scripts, 1 pgTAP test file, run in CI by/);
    expect(rows.rollbacks!.answer).toBe('Partly: 3 of 4 migrations (75%) have a real down/revert script; without one: add_applicant_email (no down/revert script).');
    expect(rows.compatibility!.answer).toMatch(/^No: 1 of all 4 migrations breaks old or new application code \(e\.g\. add-not-null-column-without-default at db\/deploy\/add_applicant_email\.sql:3\)\. 1 migration would fail or lose data when applied \(e\.g\. concurrently-in-transaction at db\/deploy\/add_applicant_fk\.sql:4\)/);
    expect(rows.compatibility!.status).toBe('fail');
    expect(rows.compatibility!.details.some((d) => d.includes('concurrently-in-transaction'))).toBe(true);
    expect(rows.indexes!.answer).toMatch(/^Not assessed/);
  });

  it('writes SARIF that validates against the SARIF 2.1.0 schema, with rule metadata and file/line locations', async () => {
    const scan = await scanRepo(path.join(FIXTURE_REPOS, 'dbmate'));
    const sarif = JSON.parse(renderSarif(scan));
    const schema = JSON.parse(await readFile(path.join(FIXTURE_REPOS, '../sarif/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }) // the schema's language pattern is not valid with the u flag;
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...sarif, runs: [{ ...sarif.runs[0], results: [{ ruleId: 'x', level: 'fatal', message: {} }] }] })).toBe(false);
    const run = sarif.runs[0];
    const unique = run.results.find((r: { ruleId: string }) => r.ruleId === 'repo.migration-compatibility/add-unique-constraint');
    expect(unique.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'db/migrations/20240104000000_unique_email.sql', uriBaseId: '%SRCROOT%' });
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBeUndefined();
    expect(unique.locations[0].physicalLocation.region.startLine).toBe(2);
    expect(run.tool.driver.rules[unique.ruleIndex].fullDescription.text).toContain('CREATE UNIQUE INDEX CONCURRENTLY');
    const suppressed = run.results.find((r: { ruleId: string }) => r.ruleId === 'repo.migration-compatibility/drop-column');
    expect(suppressed.suppressions[0].justification).toContain('never read');
  });

  it('writes JUnit XML with one failing test case per failing finding', async () => {
    const scan = await scanRepo(path.join(FIXTURE_REPOS, 'golang-migrate'));
    const xml = renderJunit(scan);
    const failing = scan.services[0]!.findings.filter((f) => f.status === 'fail').length;
    expect(xml).toContain(`failures="${failing}"`);
    expect(xml.match(/<failure /g)!.length).toBe(failing);
    expect(xml).toMatch(/<testcase classname="repo\.migration-compatibility\/rename-column" name="repo:services\/orders\/db\/migrations\/000005_rename_total\.up\.sql:2#rename-column" file="services\/orders\/db\/migrations\/000005_rename_total\.up\.sql" line="2">/);
  });

  it('--since lints only the migrations added after the ref', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-since-'));
    temporary.push(dir);
    await cp(path.join(FIXTURE_REPOS, 'golang-migrate'), dir, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const migrations = path.join(dir, 'services/orders/db/migrations');
    await writeFile(path.join(migrations, '000006_drop_note.up.sql'), 'ALTER TABLE orders DROP COLUMN note;\n');
    await writeFile(path.join(migrations, '000006_drop_note.down.sql'), 'ALTER TABLE orders ADD COLUMN note text;\n');
    const scan = await scanRepo(dir, 'HEAD');
    const compatibility = scan.services[0]!.findings.filter((f) => f.checkId === 'repo.migration-compatibility');
    expect(compatibility.filter((f) => f.rule).map((f) => f.rule).sort()).toEqual(['drop-column', 'require-lock-timeout']);
    expect(compatibility.find((f) => f.answerText)!.answerText).toMatch(/^No: 1 of the 1 migration added since HEAD breaks old or new application code/);
  });

  it('--since also lints changesets appended to an existing Liquibase changelog', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-since-'));
    temporary.push(dir);
    await cp(path.join(FIXTURE_REPOS, 'liquibase'), dir, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const changelog = path.join(dir, 'src/main/resources/db/changelog/db.changelog-master.xml');
    const appended = '  <changeSet id="5" author="ops">\n    <sql>ALTER TABLE bill DROP COLUMN due</sql>\n  </changeSet>\n</databaseChangeLog>';
    await writeFile(changelog, (await readFile(changelog, 'utf8')).replace('</databaseChangeLog>', appended));
    const scan = await scanRepo(dir, 'HEAD');
    const compatibility = scan.services[0]!.findings.filter((f) => f.checkId === 'repo.migration-compatibility');
    expect(compatibility.some((f) => f.rule === 'drop-column' && f.location?.line === 18)).toBe(true);
    const summary = compatibility.find((f) => f.answerText)!;
    expect(summary.status).toBe('fail');
    expect(summary.answerText).toContain('of the 4 migrations added since HEAD (every changeset of a changelog added or changed since HEAD counts)');
  });
});
