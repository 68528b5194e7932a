/** The output formats; src/report/write.ts has one writer per name (the compiler checks it). */
export const FORMAT_NAMES = ['md', 'json', 'html', 'sarif', 'junit'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export function isFormatName(name: string): name is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(name);
}
