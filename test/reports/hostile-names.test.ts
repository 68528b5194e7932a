// Hostile names and messages (from a scanned database: table names are free
// text) through every output format: nothing can add a heading, a tag, a link
// target or an HTML element to a report.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { FORMAT_NAMES } from '../../src/report/format-names';
import { inlineMarkdown } from '../../src/report/markdown';
import { writeReports } from '../../src/report/write';
import { finding, scanOf } from '../support/scan-fixtures';

const HOSTILE = [
  'orders-db:public."x\n# Injected heading\n"',
  'orders-db:public."<script>alert(1)</script>"',
  'orders-db:public."[click](javascript:alert(2))"',
  'orders-db:public."<javascript:alert(3)>"',
  'orders-db:public."a\r\n- injected item"',
  'orders-db:public."<img src=x onerror=alert(4)>"',
];

it('keeps hostile names and messages inert in Markdown, HTML, JSON, SARIF and JUnit', async () => {
  const findings = HOSTILE.map((resource, i) =>
    finding({ checkId: i % 2 ? 'pg.fk' : 'pg.ssl', status: 'fail', resource, message: `table ${resource} has no index\n## Injected too`, evidence: [{ source: 'pg_class', field: resource, value: resource }] }),
  );
  const scan = scanOf(findings);
  const out = await mkdtemp(path.join(os.tmpdir(), 'continuity-hostile-'));
  try {
    await writeReports(scan, out, [...FORMAT_NAMES]);
    const files = await readdir(out);
    expect(files.some((f) => f.endsWith('.md'))).toBe(true);
    for (const file of files) {
      const text = await readFile(path.join(out, file), 'utf8');
      if (file.endsWith('.md')) {
        const lines = text.split('\n');
        // The names stay inline, within the report's own lines: none starts a heading or list item of its own.
        expect(lines.filter((l) => /^\s*(#+ Injected|- injected item)/.test(l))).toEqual([]);
        expect(text).not.toMatch(/<(script|img|javascript:)/i);
        expect(text).not.toContain('](javascript:');
      } else if (file.endsWith('.html')) {
        expect(text).not.toMatch(/<(img|javascript:)/i);
        expect(text.match(/<script\b[^>]*>alert/gi)).toBeNull();
        expect(text).not.toMatch(/href="javascript:/i);
      } else if (file.endsWith('.xml')) {
        expect(text).not.toMatch(/<(script|img)\b/i);
      } else {
        // JSON (scan.json, SARIF): the names are data, and parse back unchanged.
        expect(() => JSON.parse(text)).not.toThrow();
      }
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

it('inline Markdown: line breaks, tag openings and link targets are neutralised, plain text is left alone', () => {
  expect(inlineMarkdown('a\n# b\r\nc')).toBe('a # b c');
  expect(inlineMarkdown('<script> </b> <!-- x --> <javascript:y>')).toBe('&lt;script> &lt;/b> &lt;!-- x --> &lt;javascript:y>');
  expect(inlineMarkdown('[x](javascript:alert(1))')).toBe('[x]\\(javascript:alert(1))');
  expect(inlineMarkdown('notAfter: 2025-01-01 -> 2024-12-01; a < b; pg_stat_statements [redacted]')).toBe(
    'notAfter: 2025-01-01 -> 2024-12-01; a < b; pg_stat_statements [redacted]',
  );
});
