// Vitest global setup, once before any test file: build the CLI bundle from the
// current sources (the CLI tests run bin/continuity.js, which runs dist/), and
// make sure a Chromium for the browser tests is ready (inflated once, not by
// several test files at the same time).
// @ts-expect-error: a plain ES module without type declarations
import { buildCli } from '../../scripts/build.mjs';
import { chromiumExecutable } from './browser';

export default async function setup(): Promise<void> {
  await Promise.all([buildCli(), chromiumExecutable()]);
}
