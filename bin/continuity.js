#!/usr/bin/env node
// The compiled CLI: dist/ is built by `npm run build`, which `npm ci` runs (prepare).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('continuity: dist/main.js is missing; build it with `npm run build` (npm ci does it)\n');
  process.exit(3);
}
// Stack traces point at src/ rather than at the bundle.
process.setSourceMapsEnabled(true);
await import(main.href);
