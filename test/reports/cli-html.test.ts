// Every scan writes the HTML reports next to the Markdown and JSON: the CLI's default formats.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model';
import { runCli } from '../support/cli';

describe('continuity scan (default formats)', () => {
  let out: string | undefined;
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('writes out/index.html and out/<service>.html beside the Markdown and JSON', async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'continuity-cli-html-'));
    const { code, stdout } = await runCli(['scan', '--out', out], { env: { CONTINUITY_LOG_LEVEL: 'silent' } });
    expect(code).toBe(0);
    const scan = JSON.parse(await readFile(path.join(out, 'scan.json'), 'utf8')) as ScanResult;
    const service = scan.services[0]!.name;
    for (const file of ['scan.json', `${service}.md`, 'index.html', `${service}.html`]) {
      expect(existsSync(path.join(out, file)), file).toBe(true);
      expect(stdout).toContain(`\n  ${path.join(out, file)}\n`);
    }
    const page = await readFile(path.join(out, `${service}.html`), 'utf8');
    expect(page).toContain(`<h1>${service}</h1>`);
    expect(page).toContain(scan.scanId);
  });
});
