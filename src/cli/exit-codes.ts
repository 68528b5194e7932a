/** Documented in the README. */
export const EXIT = {
  ok: 0,
  findingsAtOrAboveFailOn: 1,
  usage: 2,
  scanFailed: 3,
} as const;
