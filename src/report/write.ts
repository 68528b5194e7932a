import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file';
import type { ScanResult } from '../model';
import { DEFAULT_FRAMEWORK } from '../frameworks';
import { answerFrameworks } from './answers';
import type { ReportTrends } from './trends';

/** What the reports show beyond the scan itself: trends from the history, when there is one. */
export interface ReportContext {
  trends?: ReportTrends;
}

/** Each output format writes its files into the output directory and returns their paths; its renderer loads when it runs. */
export type FormatWriter = (scan: ScanResult, outDir: string, context: ReportContext) => Promise<string[]>;

export const FORMATS: Record<string, FormatWriter> = {
  json: async (scan, outDir) => {
    const file = path.join(outDir, 'scan.json');
    await writeFileAtomic(file, `${JSON.stringify(scan, null, 2)}\n`);
    return [file];
  },
  md: async (scan, outDir) => {
    const { renderEstateMarkdown, renderFrameworkMarkdown, renderServiceMarkdown } = await import('./markdown');
    // <service>.md is the CONTINUITY-0003 questionnaire; other frameworks are <service>.<framework>.md.
    const frameworks = (scan.frameworks ?? []).map((f) => f.id);
    const written = (
      await Promise.all(
        scan.services.map(async (service) =>
          Promise.all(
            frameworks.map(async (id) => {
              const questionnaire = id === DEFAULT_FRAMEWORK;
              const file = path.join(outDir, questionnaire ? `${service.name}.md` : `${service.name}.${id}.md`);
              await writeFileAtomic(file, questionnaire ? renderServiceMarkdown(scan, service) : renderFrameworkMarkdown(scan, service, id));
              return file;
            }),
          ),
        ),
      )
    ).flat();
    if (scan.estate.findings.length > 0) {
      const file = path.join(outDir, '_estate.md');
      await writeFileAtomic(file, renderEstateMarkdown(scan));
      written.push(file);
    }
    return written;
  },
  html: async (scan, outDir, context) => (await import('./html')).writeHtmlReports(scan, outDir, context),
  sarif: async (scan, outDir) => {
    const file = path.join(outDir, 'continuity.sarif');
    await writeFileAtomic(file, (await import('./sarif')).renderSarif(scan));
    return [file];
  },
  junit: async (scan, outDir) => {
    const file = path.join(outDir, 'continuity-junit.xml');
    await writeFileAtomic(file, (await import('./junit')).renderJunit(scan));
    return [file];
  },
};

/** The usage error for formats that are not in FORMATS, or undefined when all are known. */
export function unknownFormatError(formats: string[]): string | undefined {
  const unknown = formats.filter((f) => !(f in FORMATS));
  return unknown.length > 0 ? `unknown format ${unknown.join(', ')} (known: ${Object.keys(FORMATS).join(', ')})` : undefined;
}

/** Write a scan in the given formats; a scan not yet answered for any framework is answered for CONTINUITY-0003. */
export async function writeReports(scan: ScanResult, outDir: string, formats: string[], context: ReportContext = {}): Promise<string[]> {
  if (!scan.frameworks) answerFrameworks(scan, [DEFAULT_FRAMEWORK]);
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) written.push(...(await FORMATS[format]!(scan, outDir, context)));
  return written;
}
