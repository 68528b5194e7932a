import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ScanResult } from '../model';
import { renderEstateMarkdown, renderServiceMarkdown } from './markdown';
import { writeHtmlReports } from './html';
import { renderSarif } from './sarif';
import { renderJunit } from './junit';

/** Each output format writes its files into the output directory and returns their paths. */
export type FormatWriter = (scan: ScanResult, outDir: string) => Promise<string[]>;

/**
 * Write a temporary file, fsync it, rename it over the target and fsync the
 * directory: a reader never sees half a file, and after a crash (even SIGKILL
 * or power loss) the target holds either the old or the new content.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, file);
  const directory = await open(path.dirname(file), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

export const FORMATS: Record<string, FormatWriter> = {
  json: async (scan, outDir) => {
    const file = path.join(outDir, 'scan.json');
    await writeFileAtomic(file, `${JSON.stringify(scan, null, 2)}\n`);
    return [file];
  },
  md: async (scan, outDir) => {
    const written = await Promise.all(
      scan.services.map(async (service) => {
        const file = path.join(outDir, `${service.name}.md`);
        await writeFileAtomic(file, renderServiceMarkdown(scan, service));
        return file;
      }),
    );
    if (scan.estate.findings.length > 0) {
      const file = path.join(outDir, '_estate.md');
      await writeFileAtomic(file, renderEstateMarkdown(scan));
      written.push(file);
    }
    return written;
  },
  // Called lazily: html.ts imports writeFileAtomic from this module.
  html: (scan, outDir) => writeHtmlReports(scan, outDir),
  sarif: async (scan, outDir) => {
    const file = path.join(outDir, 'continuity.sarif');
    await writeFileAtomic(file, renderSarif(scan));
    return [file];
  },
  junit: async (scan, outDir) => {
    const file = path.join(outDir, 'continuity-junit.xml');
    await writeFileAtomic(file, renderJunit(scan));
    return [file];
  },
};

/** The usage error for formats that are not in FORMATS, or undefined when all are known. */
export function unknownFormatError(formats: string[]): string | undefined {
  const unknown = formats.filter((f) => !(f in FORMATS));
  return unknown.length > 0 ? `unknown format ${unknown.join(', ')} (known: ${Object.keys(FORMATS).join(', ')})` : undefined;
}

export async function writeReports(scan: ScanResult, outDir: string, formats: string[]): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) written.push(...(await FORMATS[format]!(scan, outDir)));
  return written;
}
