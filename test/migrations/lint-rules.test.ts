// Each lint rule: statements it must flag and statements it must leave alone;
// and the lint engine: transaction blocks, DO blocks and called routines,
// suppressions, parse errors, lock_timeout, what spans migrations of a set.
import { beforeAll, describe, expect, it } from 'vitest';
import { lintMigration, newSetHistory } from '../../src/migrations/lint';
import { LINT_RULES } from '../../src/migrations/rules';
import { loadParser } from '../../src/migrations/sql';
import type { TransactionMode } from '../../src/migrations/types';

beforeAll(loadParser);

function lint(sql: string, transaction: TransactionMode = 'autocommit') {
  return lintMigration([{ path: 'm.sql', sql, line: 1, transaction }])[0]!;
}
function hits(sql: string, transaction: TransactionMode = 'autocommit') {
  return lint(sql, transaction).hits.filter((h) => !h.suppressed);
}
function rulesHit(sql: string, transaction: TransactionMode = 'autocommit') {
  return [...new Set(hits(sql, transaction).map((h) => h.rule))].filter((r) => r !== 'require-lock-timeout');
}

type Case = string | { sql: string; mode: TransactionMode };

const CASES: Record<string, { flagged: Case[]; safe: Case[] }> = {
  'drop-table': { flagged: ['drop table orders', 'drop table if exists app.orders'], safe: ['create table t (id int); drop table t', 'drop view v'] },
  'drop-column': { flagged: ['alter table orders drop column note', 'alter table app.orders drop column if exists note'], safe: ['create table t (a int, b int); alter table t drop column b'] },
  'rename-table': { flagged: ['alter table orders rename to purchases', 'alter table orders set schema archive'], safe: ['create table t (id int); alter table t rename to u'] },
  'rename-column': { flagged: ['alter table orders rename column a to b'], safe: ['create table t (a int); alter table t rename column a to b', 'alter type address rename attribute city to town'] },
  'change-column-type': { flagged: ['alter table orders alter column total type bigint'], safe: ['create table t (a int); alter table t alter column a type bigint'] },
  'set-not-null': {
    flagged: ['alter table orders alter column note set not null', 'alter table orders add constraint note_nn check (note is not null) not valid; alter table orders alter column note set not null'],
    safe: [
      'alter table orders alter column note drop not null',
      'alter table orders add constraint note_nn check (note is not null) not valid; alter table orders validate constraint note_nn; alter table orders alter column note set not null',
      'alter table orders add constraint note_nn check (note is not null); alter table orders alter column note set not null',
    ],
  },
  'add-not-null-column-without-default': {
    flagged: ['alter table orders add column status text not null'],
    safe: [
      "alter table orders add column status text not null default 'new'",
      'alter table orders add column note text',
      'alter table orders add column n int generated always as identity not null',
      'alter table orders add column n serial8 not null',
    ],
  },
  'drop-default-not-null': {
    flagged: ['alter table orders add column tier int not null default 0; alter table orders alter column tier drop default', 'alter table orders add column tier int default 0; alter table orders alter column tier set not null; alter table orders alter column tier drop default'],
    safe: [
      'alter table orders alter column tier drop default',
      'alter table orders add column tier int default 0; alter table orders alter column tier drop default',
      'create table t (a int); alter table t add column b int not null default 0; alter table t alter column b drop default',
      'alter table orders add column tier int not null default 0',
    ],
  },
  'drop-not-null': { flagged: ['alter table orders alter column note drop not null'], safe: ['create table t (a int not null); alter table t alter column a drop not null'] },
  'drop-object': {
    flagged: [
      'drop view order_totals',
      'drop function total(int)',
      'drop type order_state',
      'drop materialized view mv',
      'drop schema legacy cascade',
      'drop sequence order_seq',
      'drop view order_totals; create view order_totals as select 1 as n',
    ],
    safe: [
      { sql: 'drop view order_totals; create view order_totals as select 1 as n', mode: 'tool' },
      'begin; drop function total(int); create function total(bigint) returns int language sql as $$ select 1 $$; commit',"create type s as enum ('a'); drop type s", 'create view v as select 1; drop view v', 'create function f() returns int language sql as $$ select 1 $$; drop function f()', 'drop index i'],
  },
  'rename-object': {
    flagged: ['alter view order_totals rename to totals', 'alter function total(int) rename to order_total', 'alter type order_state rename to state', 'alter schema app rename to core', 'alter function total(int) set schema archive', 'alter type address rename attribute city to town'],
    safe: ['create view v as select 1; alter view v rename to w', 'alter index orders_idx rename to orders_index'],
  },
  'rename-enum-value': { flagged: ["alter type order_state rename value 'new' to 'created'"], safe: ["alter type order_state add value 'archived'", "create type s as enum ('a'); alter type s rename value 'a' to 'b'"] },
  'constraint-without-not-valid': {
    flagged: [
      'alter table orders add constraint fk foreign key (c) references customers (id)',
      'alter table orders add constraint positive check (total > 0)',
      'alter table orders add column customer_id bigint references customers (id)',
      'alter table orders add column total int check (total > 0)',
      { sql: 'alter table orders add constraint positive check (total > 0) not valid; alter table orders validate constraint positive', mode: 'tool' },
      'begin; alter table orders add constraint positive check (total > 0) not valid; alter table orders validate constraint positive; commit',
    ],
    safe: [
      'alter table orders add constraint fk foreign key (c) references customers (id) not valid',
      'alter table orders validate constraint fk',
      'create table t (id int); alter table t add column customer_id bigint references customers (id)',
      'alter table orders add constraint positive check (total > 0) not valid; alter table orders validate constraint positive',
      { sql: 'alter table orders add constraint positive check (total > 0) not valid;\ncommit;\nalter table orders validate constraint positive', mode: 'tool-per-statement' },
    ],
  },
  'index-without-concurrently': {
    flagged: ['create index orders_idx on orders (c)', 'drop index orders_idx', 'create unique index orders_idx on app.orders (c)'],
    safe: ['create index concurrently orders_idx on orders (c)', 'create table t (id int); create index t_idx on t (id); drop index t_idx'],
  },
  'add-unique-constraint': {
    flagged: ['alter table orders add constraint u unique (c)', 'alter table orders add primary key (id)', 'alter table orders add column code text unique', 'alter table rooms add constraint no_overlap exclude using gist (during with &&)'],
    safe: ['alter table orders add constraint u unique using index orders_c_idx', 'create table t (id int); alter table t add column code text unique'],
  },
  'volatile-default': {
    flagged: ['alter table orders add column uid uuid default gen_random_uuid()', 'alter table orders add column n bigserial', 'alter table orders add column uid uuid default uuid_generate_v4()', 'alter table orders add column c int default next_code()'],
    safe: ['alter table orders add column created timestamptz default now()', "alter table orders add column s text default 'x'", "alter table orders add column d date default current_date", "alter table orders add column t text default lower('X')", "alter table orders add column a int[] default array[]::int[]"],
  },
  'table-rewrite': {
    flagged: ['alter table orders add column g int generated always as (total * 2) stored', 'alter table orders set unlogged', 'vacuum full orders', 'vacuum (full) orders', 'cluster orders using orders_pkey', 'alter table orders add column n bigint generated always as identity'],
    safe: ['vacuum (full false) orders', 'vacuum orders', 'create table t (a int); alter table t add column g int generated always as (a * 2) stored', 'alter table orders add column g int'],
  },
  'reindex-without-concurrently': {
    flagged: ['reindex index orders_idx', 'reindex table orders', 'reindex (concurrently false) index orders_idx', 'reindex (concurrently off) table orders', 'reindex schema app'],
    safe: ['reindex index concurrently orders_idx', 'reindex (concurrently) table orders', 'reindex (concurrently true) index orders_idx', 'reindex schema concurrently app', 'reindex system app'],
  },
  'refresh-without-concurrently': { flagged: ['refresh materialized view order_totals'], safe: ['refresh materialized view concurrently order_totals', 'create materialized view mv as select 1; refresh materialized view mv'] },
  'detach-partition-without-concurrently': { flagged: ['alter table events detach partition events_2020'], safe: ['alter table events detach partition events_2020 concurrently'] },
  'domain-constraint-without-not-valid': {
    flagged: ['alter domain positive_int add constraint positive check (value > 0)'],
    safe: ['alter domain positive_int add constraint positive check (value > 0) not valid', 'create domain d as int; alter domain d add constraint c check (value > 0)', 'create domain d as int check (value > 0)'],
  },
  'require-lock-timeout': {
    flagged: [
      'alter table orders add column note text',
      'reindex index orders_idx',
      'refresh materialized view order_totals',
      'lock table orders',
      'create index orders_idx on orders (c)',
      "set lock_timeout = '2s'; set lock_timeout = 0; alter table orders add column note text",
      // SET LOCAL outside a transaction block has no effect (the server warns).
      "set local lock_timeout = '2s'; alter table orders add column note text",
      'reindex schema app',
    ],
    safe: [
      "set lock_timeout = '2s'; alter table orders add column note text",
      'alter table orders validate constraint fk',
      'alter table orders set (fillfactor = 70)',
      'create index concurrently orders_idx on orders (c)',
      { sql: "set local lock_timeout = '2s'; alter table orders add column note text", mode: 'tool' },
    ],
  },
  'concurrently-in-transaction': {
    flagged: [
      'begin; create index concurrently i on orders (c); commit',
      { sql: 'drop index concurrently i; select 1', mode: 'implicit' },
      { sql: 'create index concurrently i on orders (c)', mode: 'tool' },
      { sql: 'select 1; commit; create index concurrently i on orders (c)', mode: 'implicit' },
      { sql: 'vacuum orders; select 1', mode: 'implicit' },
      { sql: 'alter table events detach partition events_2020 concurrently', mode: 'tool-per-statement' },
      { sql: 'reindex (concurrently) index i', mode: 'tool' },
    ],
    safe: [
      'create index concurrently i on orders (c)',
      'begin; select 1; commit; create index concurrently i on orders (c)',
      { sql: 'create index concurrently i on orders (c)', mode: 'implicit' },
      { sql: 'create index concurrently i on o (c); create index concurrently j on o (d)', mode: 'flyway' },
      { sql: 'reindex (concurrently false) index i', mode: 'tool' },
    ],
  },
  'nested-transaction': {
    flagged: [{ sql: 'begin; alter table orders add column a int; commit', mode: 'tool' }, 'begin; begin; select 1; commit', 'commit', { sql: 'select 1; commit; select 2', mode: 'implicit' }],
    safe: ['begin; select 1; commit', { sql: 'select 1; select 2', mode: 'tool' }],
  },
  'uncommitted-transaction': { flagged: ['begin; alter table orders add column a int', { sql: 'select 1; begin; select 2', mode: 'implicit' }], safe: ['begin; select 1; commit', 'begin; select 1; rollback', { sql: 'begin; select 1', mode: 'tool' }, { sql: 'select 1; commit; begin; select 2', mode: 'tool' }] },
  'duplicate-column': {
    flagged: ['create table t (a int, a text)', 'insert into orders (a, b, a) values (1, 2, 3)', 'update orders set a = 1, a = 2'],
    safe: ['create table t (a int, b text)', 'update orders set a[1] = 1, a[2] = 2', 'insert into orders (a, b) values (1, 2)'],
  },
  'identifier-too-long': {
    flagged: [`create table ${'t'.repeat(64)} (id int)`, `alter table orders add column "${'é'.repeat(32)}" int`],
    safe: [`create table ${'t'.repeat(63)} (id int)`, `select '${'x'.repeat(100)}'`],
  },
  'truncate-cascade': { flagged: ['truncate orders cascade'], safe: ['truncate orders'] },
  'drop-database': { flagged: ['drop database legacy'], safe: ['create database scratch'] },
};

const sqlOf = (c: Case) => (typeof c === 'string' ? c : c.sql);
const modeOf = (c: Case): TransactionMode => (typeof c === 'string' ? 'autocommit' : c.mode);

describe('lint rules', () => {
  it('every rule has test cases, an id, a category, a title and a doc', () => {
    expect(Object.keys(CASES).sort()).toEqual(LINT_RULES.map((r) => r.id).sort());
    for (const rule of LINT_RULES) {
      expect(rule.doc.length).toBeGreaterThan(40);
      expect(['compatibility', 'locking', 'deploy', 'data-loss']).toContain(rule.category);
    }
  });

  for (const [rule, { flagged, safe }] of Object.entries(CASES)) {
    describe(rule, () => {
      for (const c of flagged) {
        it(`flags (${modeOf(c)}): ${sqlOf(c)}`, () => {
          expect(hits(sqlOf(c), modeOf(c)).map((h) => h.rule)).toContain(rule);
        });
      }
      for (const c of safe) {
        it(`leaves alone (${modeOf(c)}): ${sqlOf(c)}`, () => {
          expect(hits(sqlOf(c), modeOf(c)).map((h) => h.rule)).not.toContain(rule);
        });
      }
    });
  }
});

describe('lint engine', () => {
  it('lints the statements of DO blocks, on their own lines, with the block\'s transaction', () => {
    const sql = "select 1;\ndo $$\nbegin\n  alter table orders drop column note;\n  alter type order_state rename value 'a' to 'b';\nend $$;";
    const file = lint(sql);
    expect(file.hits.filter((h) => h.rule !== 'require-lock-timeout').map((h) => `${h.line} ${h.rule}`)).toEqual(['4 drop-column', '5 rename-enum-value']);
    expect(file.notAnalysed).toBeUndefined();
  });

  it('says a DO block with dynamic SQL was not fully analysed, with its line', () => {
    const file = lint("do $$\nbegin\n  execute 'alter table ' || quote_ident('orders') || ' drop column note';\nend $$;");
    expect(file.notAnalysed).toEqual([{ line: 3, reason: 'DO block runs dynamic SQL (EXECUTE) that cannot be read statically' }]);
  });

  it('lints the body of a routine when the migration (or a later one of the set) calls it, not when it only defines it', () => {
    const define = 'create function purge() returns void language plpgsql as $$ begin drop table audit_log; end $$;';
    expect(rulesHit(define)).toEqual([]);
    expect(rulesHit(`${define}\nselect purge();`)).toEqual(['drop-table']);
    const history = newSetHistory();
    lintMigration([{ path: '1.sql', sql: define, line: 1, transaction: 'autocommit' }], LINT_RULES, undefined, history);
    const later = lintMigration([{ path: '2.sql', sql: 'call purge();', line: 1, transaction: 'autocommit' }], LINT_RULES, undefined, history)[0]!;
    expect(later.hits.map((h) => h.rule).filter((r) => r !== 'require-lock-timeout')).toEqual(['drop-table']);
  });

  it('uses a CHECK (col IS NOT NULL) validated in an earlier migration of the set to accept SET NOT NULL', () => {
    const history = newSetHistory();
    const run = (sql: string) => lintMigration([{ path: 'm.sql', sql, line: 1, transaction: 'autocommit' }], LINT_RULES, undefined, history)[0]!.hits.map((h) => h.rule);
    run('alter table orders add constraint note_nn check (note is not null) not valid;');
    expect(run('alter table orders alter column note set not null;')).toContain('set-not-null');
    run('alter table orders validate constraint note_nn;');
    expect(run('alter table orders alter column note set not null;')).not.toContain('set-not-null');
  });

  it('names tables schema-qualified as the SQL writes them, and tells schemas apart', () => {
    expect(hits('alter table app.orders drop column note').find((h) => h.rule === 'drop-column')!.message).toBe('drops column app.orders.note, which running code may still use');
    expect(rulesHit('create table app.t (a int); alter table audit.t drop column a')).toContain('drop-column');
  });

  it('carries each hit\'s category', () => {
    const byRule = Object.fromEntries(hits("alter table orders drop column a; create index i on orders (b); truncate t cascade").map((h) => [h.rule, h.category]));
    expect(byRule).toMatchObject({ 'drop-column': 'compatibility', 'index-without-concurrently': 'locking', 'truncate-cascade': 'data-loss' });
  });

  it('reports file lines, counting multi-byte characters and leading comments correctly', () => {
    const sql = "-- crème brûlée\n/* note */\nselect 1;\n\n-- next\nalter table orders\n  drop column note;";
    expect(hits(sql).find((h) => h.rule === 'drop-column')!.line).toBe(6);
  });

  it('honours a suppression with a reason on the line before or on the statement, and not one without a reason', () => {
    const suppressed = lint('-- continuity-ignore drop-column: dead since v2\nalter table o drop column a;\nalter table o drop column b; -- continuity-ignore drop-column: also dead\n');
    expect(suppressed.hits.filter((h) => h.rule === 'drop-column').map((h) => h.suppressed)).toEqual(['dead since v2', 'also dead']);
    const unreasoned = hits('-- continuity-ignore drop-column\nalter table o drop column a;');
    expect(unreasoned.find((h) => h.rule === 'drop-column')!.message).toContain('without a reason is not honoured');
  });

  it('reports a parse error with its line instead of passing the file', () => {
    const file = lintMigration([{ path: 'm.sql', sql: 'select 1;\nalter tabel o;', line: 10, transaction: 'autocommit' }])[0]!;
    expect(file.parseError!.line).toBe(11);
  });

  it('parses statements and DO blocks holding the word ERROR, and gives the parser\'s own message for a real error', () => {
    const file = lint("create type level as enum ('INFO', 'ERROR');\ndo $$\nbegin\n  raise exception 'ERROR: orders has rows';\n  alter table orders drop column note;\nend $$;");
    expect(file.parseError).toBeUndefined();
    expect(file.notAnalysed).toBeUndefined();
    expect(file.hits.filter((h) => h.rule === 'drop-column').map((h) => h.line)).toEqual([5]);
    expect(lint("select 'unterminated;").parseError!.message).toMatch(/^unterminated quoted string/);
  });

  it('still lints the statements before a parse error, and none after it', () => {
    const file = lint('alter table o drop column a;\nalter tabel o;\nalter table o drop column b;');
    expect(file.parseError!.line).toBe(2);
    expect(file.statements).toBe(1);
    expect(file.hits.filter((h) => h.rule === 'drop-column').map((h) => h.line)).toEqual([1]);
  });

  it('counts the failing statement when judging a file sent as one query', () => {
    expect(lint('create index concurrently i on o (c);\nalter tabel o;', 'implicit').hits.map((h) => h.rule)).toContain('concurrently-in-transaction');
  });
});
