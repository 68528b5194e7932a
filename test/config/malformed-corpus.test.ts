// The malformed-config corpus (test/fixtures/malformed-configs): every file is
// refused with exit code 2 and a message naming the file, the line and the key.
// Each file says the key it expects on its first line ("# expect: <key path>",
// "(yaml)" for YAML-level errors) and marks the expected line with "# <-".
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { loadConfigForCommand } from '../../src/cli/config';
import { EXIT } from '../../src/cli/exit-codes';
import { runCli } from '../support/cli';

const DIR = path.resolve(import.meta.dirname, '../fixtures/malformed-configs');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

afterEach(() => vi.restoreAllMocks());

function expectation(file: string): { key: string; line: number } {
  const lines = readFileSync(path.join(DIR, file), 'utf8').split('\n');
  const key = /^# expect: (.*)$/.exec(lines[0]!)![1]!;
  const line = lines.findIndex((l) => l.endsWith('# <-')) + 1;
  return { key, line };
}

it('holds at least 60 malformed configs', () => {
  expect(FILES.length).toBeGreaterThanOrEqual(60);
});

it.each(FILES)('%s: exit 2 naming the file, line and key', async (file) => {
  const { key, line } = expectation(file);
  expect(line).toBeGreaterThan(0);
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const loaded = await loadConfigForCommand(path.join(DIR, file));
  expect(loaded).toEqual({ exitCode: EXIT.usage });
  const where = `${path.join(DIR, file)}:${line}: `;
  expect(stderr).toContain(key === '(yaml)' ? where : `${where}${key}: `);
});

it('gives exit 2 through the real CLI, for a YAML alias bomb, a 6-field cron and a URL with userinfo', async () => {
  for (const file of ['yaml-alias-bomb.yaml', 'service-cron-six-fields.yaml', 'sink-webhook-userinfo.yaml']) {
    // Refused before anything is written: the fixture directory serves as the working directory.
    const result = await runCli(['scan', '--config', path.join(DIR, file)], { cwd: DIR });
    expect([file, result.code]).toEqual([file, EXIT.usage]);
    expect(result.stderr).toContain(`${file}:${expectation(file).line}: `);
    expect(result.stderr).not.toContain('    at ');
  }
});
