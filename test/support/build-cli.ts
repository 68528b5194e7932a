// Vitest global setup: the CLI tests run bin/continuity.js, which runs the
// bundle in dist/; build it from the current sources first so they never test a stale build.
// @ts-expect-error: a plain ES module without type declarations
import { buildCli } from '../../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await buildCli();
}
