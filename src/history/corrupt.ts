// Damaged history files: where the JSON breaks, and moving the file aside so
// the history can go on without it while the bytes stay for a post-mortem.
import { rename } from 'node:fs/promises';

export class CorruptFileError extends Error {
  constructor(
    readonly file: string,
    readonly byteOffset: number,
    detail: string,
  ) {
    super(`${file} is not valid JSON at byte ${byteOffset} (${detail})`);
  }
}

/** Parse a history file; a syntax error becomes a CorruptFileError naming the file and the byte offset. */
export function parseJsonFile<T>(file: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const message = (error as Error).message;
    // V8 quotes the text around the error: not repeated (it is scan data).
    const detail = message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '').replace(/( in JSON)? at position \d+$/, '');
    throw new CorruptFileError(file, syntaxErrorOffset(text, message), detail);
  }
}

/** The byte offset of a JSON syntax error: from V8's message, else the shortest prefix that is already wrong. */
function syntaxErrorOffset(text: string, message: string): number {
  const bytes = (chars: number) => Buffer.byteLength(text.slice(0, chars));
  if (message.startsWith('Unexpected end of JSON input')) return bytes(text.length);
  const position = /at position (\d+)/.exec(message);
  if (position) return bytes(Number(position[1]));
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (wrongAlready(text.slice(0, middle + 1))) high = middle;
    else low = middle + 1;
  }
  return bytes(low);
}

/** True when a prefix fails for a reason other than being cut short. */
function wrongAlready(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('Unexpected end of JSON input')) return false;
    const position = /at position (\d+)/.exec(message);
    return !position || Number(position[1]) < prefix.length;
  }
}

/** Rename a damaged file to `<file>.corrupt-<time>`; returns the new name. */
export async function moveAside(file: string, now = new Date()): Promise<string> {
  const aside = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  await rename(file, aside);
  return aside;
}
