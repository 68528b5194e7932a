// Lint a generated repository of 2,000 golang-migrate migrations (~20,000
// statements): statements per second and peak memory. Target: >= 20,000/s.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { detectMigrations, lintSets } from '../src/migrations/detect';
import { listRepoFiles } from '../src/migrations/repo-files';
import { loadParser } from '../src/migrations/sql';

const FILES = 2_000;
const TARGET_PER_SECOND = 20_000;

/** Ten statements of the kinds real migrations hold, some of them breaking. */
function migration(i: number): string {
  return `SET lock_timeout = '2s';
CREATE TABLE t${i} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX t${i}_name_idx ON t${i} (name);
ALTER TABLE orders ADD COLUMN c${i} integer;
ALTER TABLE orders ADD CONSTRAINT c${i}_positive CHECK (c${i} > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT c${i}_positive;
CREATE INDEX CONCURRENTLY orders_c${i}_idx ON orders (c${i});
COMMENT ON COLUMN orders.c${i} IS 'generated column ${i}';
CREATE FUNCTION f${i}() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN ${i}; END $$;
ALTER TABLE orders RENAME COLUMN old${i} TO new${i};
`;
}

export async function run(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'continuity-bench-'));
  try {
    const dir = path.join(root, 'db/migrations');
    await mkdir(dir, { recursive: true });
    for (let i = 1; i <= FILES; i++) {
      const name = String(i).padStart(6, '0');
      await writeFile(path.join(dir, `${name}_m${i}.up.sql`), migration(i));
      await writeFile(path.join(dir, `${name}_m${i}.down.sql`), `DROP TABLE t${i};\n`);
    }
    await loadParser();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
    const started = process.hrtime.bigint();
    const repo = await listRepoFiles(root);
    const sets = await detectMigrations(repo);
    const read = process.hrtime.bigint();
    const lint = lintSets(sets);
    const finished = process.hrtime.bigint();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const statements = lint.reduce((n, f) => n + f.statements, 0);
    const hits = lint.reduce((n, f) => n + f.hits.length, 0);
    const lintSeconds = Number(finished - read) / 1e9;
    const totalSeconds = Number(finished - started) / 1e9;
    const perSecond = statements / lintSeconds;
    process.stdout.write(
      [
        `files: ${FILES} migrations (${FILES * 2} files), statements: ${statements}, rule hits: ${hits}`,
        `detect + read: ${(Number(read - started) / 1e6).toFixed(0)} ms; lint: ${(lintSeconds * 1000).toFixed(0)} ms; total: ${(totalSeconds * 1000).toFixed(0)} ms`,
        `lint throughput: ${Math.round(perSecond)} statements/s (${(perSecond / TARGET_PER_SECOND).toFixed(2)}x the ${TARGET_PER_SECOND}/s target)`,
        `end-to-end throughput: ${Math.round(statements / totalSeconds)} statements/s`,
        `peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
