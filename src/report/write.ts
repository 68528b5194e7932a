import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScanResult } from '../model';
import { renderServiceMarkdown } from './markdown';
import { writeHtmlReports } from './html';

/** Each output format writes its files into the output directory and returns their paths. */
export type FormatWriter = (scan: ScanResult, outDir: string) => Promise<string[]>;

/** Write then rename, so a reader never sees half a report. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

export const FORMATS: Record<string, FormatWriter> = {
  json: async (scan, outDir) => {
    const file = path.join(outDir, 'scan.json');
    await writeFileAtomic(file, `${JSON.stringify(scan, null, 2)}\n`);
    return [file];
  },
  md: async (scan, outDir) =>
    Promise.all(
      scan.services.map(async (service) => {
        const file = path.join(outDir, `${service.name}.md`);
        await writeFileAtomic(file, renderServiceMarkdown(scan, service));
        return file;
      }),
    ),
  // Called lazily: html.ts imports writeFileAtomic from this module.
  html: (scan, outDir) => writeHtmlReports(scan, outDir),
};

export async function writeReports(scan: ScanResult, outDir: string, formats: string[]): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) written.push(...(await FORMATS[format]!(scan, outDir)));
  return written;
}
