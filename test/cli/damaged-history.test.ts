// A damaged file history never hides a scan: the store repairs what it can,
// names the file, and the reports are written; `diff` fails with one clear line.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'continuity-damaged-'));
  await mkdir(path.join(work, 'repo', 'migrations'), { recursive: true });
  await writeFile(path.join(work, 'repo', 'migrations', '001_orders.sql'), 'create table orders (id bigint);\n');
  await writeFile(path.join(work, 'continuity.yaml'), 'services:\n  - name: orders\n    repo: repo\nhistory:\n  dir: history\n');
});
afterAll(() => rm(work, { recursive: true, force: true }));

const scan = (out: string) => runCli(['scan', '--config', 'continuity.yaml', '--out', out, '--format', 'json,md'], { cwd: work });

it('repairs a corrupt state.json, naming it and the byte offset, and the scan is reported and kept', async () => {
  expect((await scan('out-1')).code).toBe(0);
  expect((await scan('out-2')).code).toBe(0);
  await writeFile(path.join(work, 'history', 'state.json'), '{"version":1,"scans":[');
  const result = await scan('out-3');
  expect(result.code).toBe(0);
  expect(result.stderr).toContain('history/state.json is not valid JSON at byte 22 (Unexpected end of JSON input): moved aside');
  expect(result.stdout).toContain('kept in history');
  expect(await readdir(path.join(work, 'out-3'))).toEqual(['orders.md', 'scan.json']);
  const state = JSON.parse(await readFile(path.join(work, 'history', 'state.json'), 'utf8')) as { scans: unknown[] };
  expect(state.scans).toHaveLength(3);

  const diff = await runCli(['diff', '--history', 'history'], { cwd: work });
  expect(diff.stderr).toBe('');
  expect(diff.code).toBe(0);
});

it('writes the reports when the history cannot be read at all, and exits 3 naming why; diff says it in one line', async () => {
  await writeFile(path.join(work, 'history', 'state.json'), '{"version":99,"scans":[]}');
  const result = await scan('out-4');
  expect(result.code).toBe(3);
  expect(await readdir(path.join(work, 'out-4'))).toEqual(['orders.md', 'scan.json']);
  expect(result.stderr).toContain(
    'continuity: the history could not be read, so this scan is not kept and its reports hold no changes: history/state.json has version 99; this continuity reads version 1',
  );
  const diff = await runCli(['diff', '--history', 'history'], { cwd: work });
  expect(diff.code).toBe(3);
  expect(diff.stderr).toBe('continuity: cannot open the history: history/state.json has version 99; this continuity reads version 1\n');
});
