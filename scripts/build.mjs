// `npm run build` (and `npm ci`, through `prepare`): bundle the CLI into dist/
// with esbuild, so `continuity` starts without compiling TypeScript. Each
// dynamic import() becomes its own chunk: a command loads only what it uses.
// The small pure-JavaScript dependencies every command loads are bundled too:
// resolving, linking and lexing their many files in node_modules cost a scan
// more start-up than compiling them (zod alone, ~0.1 s). The others stay in
// node_modules: native binaries, WASM read by path, worker-thread files
// (pino's transports), or large SDKs only some commands load.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUNDLED = new Set(['commander', 'p-limit', 'yaml', 'zod']);

/**
 * zod re-exports error messages in some forty languages (`z.locales`), half of
 * its bundled size; continuity writes its messages in English, the locale zod
 * configures itself with, so the bundle keeps only that one.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: root,
    }));
  },
};

export async function buildCli() {
  const { dependencies } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
  await rm(`${root}/dist`, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outdir: 'dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: Object.keys(dependencies).filter((name) => !BUNDLED.has(name)),
    // commander is CommonJS: its require() of Node's built-ins needs a require in an ES module.
    banner: { js: "import { createRequire as __continuityRequire } from 'node:module';\nconst require = __continuityRequire(import.meta.url);" },
    plugins: [zodEnglishOnly],
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
