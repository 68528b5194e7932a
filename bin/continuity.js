#!/usr/bin/env node
// The compiled CLI: dist/ is built by `npm run build`, which `npm ci` runs (prepare).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('continuity: dist/main.js is missing; build it with `npm run build` (npm ci does it)\n');
  process.exit(3);
}
stopWhenNpmStops();
// At debug level, the stack traces logs carry point at src/ rather than at the
// bundle. Not otherwise: reading the bundle's source maps costs every command ~20 ms.
if (['debug', 'trace'].includes(process.env.CONTINUITY_LOG_LEVEL ?? '')) process.setSourceMapsEnabled(true);
await import(main.href);

/**
 * Under `npx`, `npm exec` or `npm run`, a SIGTERM reaches npm, which ends the
 * shell it started but not this process: `continuity serve` would be orphaned
 * with its port bound. When the parent goes away, stop as if signalled. Only
 * under npm (npm_command is set): a daemon started with nohup must outlive its shell.
 */
function stopWhenNpmStops() {
  if (!process.env.npm_command) return;
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 250);
  watch.unref();
}
