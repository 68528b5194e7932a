// Run squawk-cli (the devDependency, which ships its binary) over SQL files and read its JSON report.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const SQUAWK = path.resolve(import.meta.dirname, '../../node_modules/.bin/squawk');

export interface SquawkHit {
  file: string;
  /** 1-based. */
  line: number;
  rule: string;
  message: string;
}

/** Squawk's findings for the files (PostgreSQL 17 rules), with --assume-in-transaction when asked. */
export async function squawk(files: string[], options: { assumeInTransaction: boolean }): Promise<SquawkHit[]> {
  if (files.length === 0) return [];
  const args = ['--reporter', 'json', '--pg-version', '17.0', ...(options.assumeInTransaction ? ['--assume-in-transaction'] : []), ...files];
  // Squawk exits 1 when it finds something; its report is on stdout either way.
  const { stdout } = await run(SQUAWK, args, { maxBuffer: 256 * 1024 * 1024 }).catch((error: { stdout?: string; code?: number }) => {
    if (error.code === 1 && error.stdout) return { stdout: error.stdout };
    throw error;
  });
  return (JSON.parse(stdout) as { file: string; line: number; rule_name: string; message: string }[]).map((h) => ({ file: h.file, line: h.line + 1, rule: h.rule_name, message: h.message }));
}
