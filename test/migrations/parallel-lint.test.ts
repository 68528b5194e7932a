// Linting on two threads gives the results of linting in order on one: the
// worker (dist/lint-worker.js, built by the global setup) lints the second
// half of the migrations; where a set's later migrations depend on its earlier
// ones (a routine they call, a CHECK that proves NOT NULL), the main thread
// lints them again with the set's history.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintSets } from '../../src/migrations/detect';
import { loadParser } from '../../src/migrations/sql';
import { lintSetsInParallel, startLintHelper, type LintHelper } from '../../src/migrations/parallel-lint';
import type { MigrationSet } from '../../src/migrations/types';
import type { ScanResult } from '../../src/model';
import { runCli } from '../support/cli';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WORKER = new URL(`file://${ROOT}/dist/lint-worker.js`);

/** A golang-migrate set whose migration `i` runs `sql(i)`. */
function set(directory: string, count: number, sql: (i: number) => string): MigrationSet {
  return {
    tool: 'golang-migrate',
    directory,
    marker: `${directory}/1_m.up.sql`,
    forwardOnly: false,
    autoMigration: false,
    notes: [],
    dialect: 'postgresql',
    dialectSource: 'default',
    migrations: Array.from({ length: count }, (_, n) => {
      const up = `${directory}/${n + 1}_m.up.sql`;
      return { id: `${n + 1}_m`, up, down: { status: 'missing' }, sql: [{ path: up, sql: sql(n + 1), line: 1, transaction: 'implicit' }] };
    }),
  } as MigrationSet;
}

/** Filler of the kinds the bench uses, some of them hits; about 250 characters a migration. */
const filler = (i: number) =>
  i % 2
    ? `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX t${i}_name_idx ON t${i} (name);\n`
    : `SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN c${i} integer;\nALTER TABLE orders RENAME COLUMN old${i} TO new${i};\n`;

/** Migration `i` of `count` in a set whose second half depends on its first: a routine created early and called late, a CHECK validated early that proves a late SET NOT NULL. */
function dependent(i: number, count: number, other: (i: number) => string): string {
  if (i === 3) return "CREATE FUNCTION purge_legacy() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE orders DROP COLUMN legacy; END $$;\n";
  if (i === 4) return 'ALTER TABLE orders ADD CONSTRAINT orders_email_nn CHECK (email IS NOT NULL) NOT VALID;\n';
  if (i === 5) return 'ALTER TABLE orders VALIDATE CONSTRAINT orders_email_nn;\n';
  if (i === count - 2) return 'SELECT purge_legacy();\n';
  if (i === count - 1) return "SET lock_timeout = '2s';\nALTER TABLE orders ALTER COLUMN email SET NOT NULL;\nALTER TABLE orders ALTER COLUMN phone SET NOT NULL;\n";
  return other(i);
}

const dependentSet = (count: number) => set('db/app', count, (i) => dependent(i, count, filler));

/** Counts the units the helper was given. */
function counted(helper: LintHelper): LintHelper & { sent: number } {
  const spy = {
    sent: 0,
    lint: (units: Parameters<LintHelper['lint']>[0]) => {
      spy.sent += units.length;
      return helper.lint(units);
    },
    close: () => helper.close(),
  };
  return spy;
}

const hitsOf = (files: ReturnType<typeof lintSets>, file: string) => files.find((f) => f.path === file)?.hits.map((h) => `${h.rule} ${h.line}`) ?? [];

let dir: string;
beforeAll(async () => {
  await loadParser();
  dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-parallel-lint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lintSetsInParallel', () => {
  it('gives the one-thread results when the worker lints the half that depends on the first', async () => {
    const sets = [dependentSet(1600)];
    const helper = counted(startLintHelper(WORKER)!);
    try {
      const parallel = await lintSetsInParallel(sets, helper);
      expect(helper.sent).toBeGreaterThan(500);
      expect(parallel).toEqual(lintSets(sets));
      // The routine's DROP COLUMN is found where it is called, and only phone's SET NOT NULL lacks a proof.
      expect(hitsOf(parallel, 'db/app/1598_m.up.sql')).toContain('drop-column 1');
      expect(hitsOf(parallel, 'db/app/1599_m.up.sql').filter((h) => h.startsWith('set-not-null'))).toEqual(['set-not-null 3']);
    } finally {
      await helper.close();
    }
  });

  it('gives the one-thread results over several sets, split inside one', async () => {
    const sets = [set('db/a', 500, filler), dependentSet(700), set('db/c', 900, filler)];
    const helper = counted(startLintHelper(WORKER)!);
    try {
      const parallel = await lintSetsInParallel(sets, helper);
      expect(helper.sent).toBeGreaterThan(500);
      expect(parallel).toEqual(lintSets(sets));
    } finally {
      await helper.close();
    }
  });

  it('lints on this thread alone when the worker fails', async () => {
    const broken = path.join(dir, 'broken-worker.js');
    await writeFile(broken, "throw new Error('the worker fails to load');\n");
    const sets = [dependentSet(1600)];
    const helper = startLintHelper(new URL(`file://${broken}`))!;
    try {
      expect(await lintSetsInParallel(sets, helper)).toEqual(lintSets(sets));
    } finally {
      await helper.close();
    }
  });

  it('starts no second helper while one runs on a two-core budget, and none for a worker bundle that is absent', async () => {
    expect(startLintHelper(new URL(`file://${dir}/absent.js`))).toBeUndefined();
    const first = startLintHelper(WORKER)!;
    try {
      const others = Array.from({ length: 64 }, () => startLintHelper(WORKER));
      const started = others.filter((h) => h !== undefined);
      await Promise.all(started.map((h) => h!.close()));
      // One helper per spare core at most.
      expect(started.length + 1).toBeLessThanOrEqual(Math.max(1, os.availableParallelism() - 1));
    } finally {
      await first.close();
    }
  });
});

describe('continuity scan --repo on a repository large enough for a lint worker', () => {
  it('finds what the later migrations owe to the earlier ones', async () => {
    const repo = path.join(dir, 'repo');
    const migrations = path.join(repo, 'db/migrations');
    await mkdir(migrations, { recursive: true });
    const count = 1_200;
    // Filler that no rule flags (a table and its index created together), with a comment to give the files some size.
    const quiet = (i: number) => `-- ${'migration filler '.repeat(8)}\nCREATE TABLE t${i} (id bigint PRIMARY KEY, name text, note text);\nCREATE INDEX t${i}_name_idx ON t${i} (name);\n`;
    for (let i = 1; i <= count; i++) await writeFile(path.join(migrations, `${String(i).padStart(5, '0')}_m.up.sql`), dependent(i, count, quiet));
    const out = path.join(dir, 'out');
    const result = await runCli(['scan', '--repo', repo, '--format', 'json', '--out', out, '--no-history']);
    expect(result.stderr).toBe('');
    const scan = JSON.parse(await readFile(path.join(out, 'scan.json'), 'utf8')) as ScanResult;
    const hits = scan.services[0]!.findings.filter((f) => f.checkId === 'repo.migration-compatibility' && f.location).map((f) => `${f.location!.path}:${f.location!.line} ${f.rule}`);
    // The call runs the routine's DROP COLUMN (without a lock_timeout); email's SET NOT NULL is proved by the validated CHECK, phone's is not.
    expect(hits.sort()).toEqual([`db/migrations/0${count - 2}_m.up.sql:1 drop-column`, `db/migrations/0${count - 2}_m.up.sql:1 require-lock-timeout`, `db/migrations/0${count - 1}_m.up.sql:3 set-not-null`]);
  }, 60_000);
});
