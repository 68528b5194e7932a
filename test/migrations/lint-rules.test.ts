// Each lint rule: statements it must flag and statements it must leave alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { lintMigration } from '../../src/migrations/lint';
import { LINT_RULES } from '../../src/migrations/rules';
import { loadParser } from '../../src/migrations/sql';
import type { TransactionMode } from '../../src/migrations/types';

beforeAll(loadParser);

function hits(sql: string, transaction: TransactionMode = 'never') {
  return lintMigration([{ path: 'm.sql', sql, line: 1, transaction }])[0]!.hits.filter((h) => !h.suppressed);
}
function rulesHit(sql: string, transaction: TransactionMode = 'never') {
  return [...new Set(hits(sql, transaction).map((h) => h.rule))].filter((r) => r !== 'require-lock-timeout');
}

const CASES: Record<string, { flagged: string[]; safe: string[] }> = {
  'drop-table': { flagged: ['drop table orders'], safe: ['create table t (id int); drop table t', 'drop view v'] },
  'drop-column': { flagged: ['alter table orders drop column note'], safe: ['create table t (a int, b int); alter table t drop column b'] },
  'rename-table': { flagged: ['alter table orders rename to purchases'], safe: ['create table t (id int); alter table t rename to u'] },
  'rename-column': { flagged: ['alter table orders rename column a to b'], safe: ['create table t (a int); alter table t rename column a to b'] },
  'change-column-type': { flagged: ['alter table orders alter column total type bigint'], safe: ['create table t (a int); alter table t alter column a type bigint'] },
  'set-not-null': { flagged: ['alter table orders alter column note set not null'], safe: ['alter table orders alter column note drop not null'] },
  'add-not-null-column-without-default': {
    flagged: ['alter table orders add column status text not null'],
    safe: [
      "alter table orders add column status text not null default 'new'",
      'alter table orders add column note text',
      'alter table orders add column n int generated always as identity not null',
      'alter table orders add column n serial8 not null',
    ],
  },
  'constraint-without-not-valid': {
    flagged: [
      'alter table orders add constraint fk foreign key (c) references customers (id)',
      'alter table orders add constraint positive check (total > 0)',
      'alter table orders add column customer_id bigint references customers (id)',
      'alter table orders add column total int check (total > 0)',
    ],
    safe: [
      'alter table orders add constraint fk foreign key (c) references customers (id) not valid',
      'alter table orders validate constraint fk',
      'create table t (id int); alter table t add column customer_id bigint references customers (id)',
    ],
  },
  'index-without-concurrently': {
    flagged: ['create index orders_idx on orders (c)', 'drop index orders_idx'],
    safe: ['create index concurrently orders_idx on orders (c)', 'create table t (id int); create index t_idx on t (id); drop index t_idx'],
  },
  'concurrently-in-transaction': {
    flagged: ['begin; create index concurrently i on orders (c); commit', 'drop index concurrently i; select 1'],
    safe: ['create index concurrently i on orders (c)', 'begin; select 1; commit; create index concurrently i on orders (c)'],
  },
  'add-unique-constraint': {
    flagged: ['alter table orders add constraint u unique (c)', 'alter table orders add primary key (id)', 'alter table orders add column code text unique'],
    safe: ['alter table orders add constraint u unique using index orders_c_idx', 'create table t (id int); alter table t add column code text unique'],
  },
  'volatile-default': {
    flagged: ['alter table orders add column uid uuid default gen_random_uuid()', 'alter table orders add column n bigserial'],
    safe: ['alter table orders add column created timestamptz default now()', "alter table orders add column s text default 'x'"],
  },
  'require-lock-timeout': {
    flagged: ['alter table orders add column note text'],
    safe: ["set lock_timeout = '2s'; alter table orders add column note text", 'alter table orders validate constraint fk'],
  },
  'truncate-cascade': { flagged: ['truncate orders cascade'], safe: ['truncate orders'] },
};

describe('lint rules', () => {
  it('every rule has a test case, an id, a title and a doc', () => {
    expect(Object.keys(CASES).sort()).toEqual(LINT_RULES.map((r) => r.id).sort());
    for (const rule of LINT_RULES) expect(rule.doc.length).toBeGreaterThan(40);
  });

  for (const [rule, { flagged, safe }] of Object.entries(CASES)) {
    describe(rule, () => {
      for (const sql of flagged) {
        it(`flags: ${sql}`, () => {
          // concurrently-in-transaction needs a multi-statement file for the second case.
          expect(hits(sql, sql.startsWith('drop index concurrently') ? 'multi-statement' : 'never').map((h) => h.rule)).toContain(rule);
        });
      }
      for (const sql of safe) {
        it(`leaves alone: ${sql}`, () => {
          expect(hits(sql).map((h) => h.rule)).not.toContain(rule);
        });
      }
    });
  }
});

describe('lint engine', () => {
  it('does not look inside DO blocks and function bodies', () => {
    const sql = `do $$ begin alter table orders drop column note; end $$;
create function f() returns void language plpgsql as $$ begin drop table orders; truncate orders cascade; end $$;`;
    expect(hits(sql)).toEqual([]);
  });

  it('reports file lines, counting multi-byte characters and leading comments correctly', () => {
    const sql = "-- crème brûlée\n/* note */\nselect 1;\n\n-- next\nalter table orders\n  drop column note;";
    expect(hits(sql).find((h) => h.rule === 'drop-column')!.line).toBe(6);
  });

  it('honours a suppression with a reason on the line before or on the statement, and not one without a reason', () => {
    const suppressed = lintMigration([{ path: 'm.sql', sql: '-- continuity-ignore drop-column: dead since v2\nalter table o drop column a;\nalter table o drop column b; -- continuity-ignore drop-column: also dead\n', line: 1, transaction: 'never' }])[0]!;
    expect(suppressed.hits.filter((h) => h.rule === 'drop-column').map((h) => h.suppressed)).toEqual(['dead since v2', 'also dead']);
    const unreasoned = hits('-- continuity-ignore drop-column\nalter table o drop column a;');
    expect(unreasoned.find((h) => h.rule === 'drop-column')!.message).toContain('without a reason is not honoured');
  });

  it('applies tool transaction modes: dbmate/Supabase always, golang-migrate for multi-statement files, Flyway refuses to mix', () => {
    expect(rulesHit('create index concurrently i on o (c)', 'always')).toContain('concurrently-in-transaction');
    expect(rulesHit('create index concurrently i on o (c)', 'multi-statement')).not.toContain('concurrently-in-transaction');
    expect(rulesHit('create index concurrently i on o (c); create index concurrently j on o (d)', 'flyway')).not.toContain('concurrently-in-transaction');
    expect(rulesHit('alter table o add column x int; create index concurrently j on o (x)', 'flyway')).toContain('concurrently-in-transaction');
  });

  it('reports a parse error with its line instead of passing the file', () => {
    const [file] = lintMigration([{ path: 'm.sql', sql: 'select 1;\nalter tabel o;', line: 10, transaction: 'never' }]);
    expect(file!.parseError!.line).toBe(11);
  });

  it('still lints the statements before a parse error, and none after it', () => {
    const sql = 'alter table o drop column a;\nalter tabel o;\nalter table o drop column b;';
    const [file] = lintMigration([{ path: 'm.sql', sql, line: 1, transaction: 'never' }]);
    expect(file!.parseError!.line).toBe(2);
    expect(file!.statements).toBe(1);
    expect(file!.hits.filter((h) => h.rule === 'drop-column').map((h) => h.line)).toEqual([1]);
  });

  it('counts the failing statement when judging a golang-migrate file as one transaction', () => {
    const [file] = lintMigration([{ path: 'm.sql', sql: 'create index concurrently i on o (c);\nalter tabel o;', line: 1, transaction: 'multi-statement' }]);
    expect(file!.hits.map((h) => h.rule)).toContain('concurrently-in-transaction');
  });
});
