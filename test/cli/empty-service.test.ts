// A service with nothing to scan must not pass a CI gate with zero findings.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'continuity-empty-'));
  await writeFile(path.join(work, 'continuity.yaml'), 'services:\n  - name: empty\n');
});
afterAll(() => rm(work, { recursive: true, force: true }));

it('exits 3 naming the service when nothing was assessed, even with --fail-on', async () => {
  const result = await runCli(['scan', '--config', 'continuity.yaml', '--out', 'out', '--format', 'md', '--fail-on', 'high', '--no-history'], { cwd: work });
  expect(result.code).toBe(3);
  expect(result.stderr).toBe(
    'continuity: nothing was assessed for empty: no datastore and no repository (services[].datastores, services[].repo)\n',
  );
});
