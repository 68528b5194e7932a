// Every case where continuity and Squawk disagree on the shared corpus, why,
// and the server's evidence: test/migrations/squawk-evidence.server.test.ts runs
// each evidence on a real PostgreSQL 17 (the corpus schema EVIDENCE_SCHEMA
// below, the case's SQL sent as its tool sends it) and fails if the server
// says otherwise. test/migrations/squawk.test.ts fails on a disagreement that
// is not listed here, and on an entry that no longer disagrees.
import type { LockMode } from '../../../src/migrations/locks';

/** The schema the corpus is written against: every table, index, type and routine a case names. */
export const EVIDENCE_SCHEMA = `
create type order_state as enum ('new', 'paid');
create table customers (id bigint primary key);
create table orders (id bigint primary key, customer_id bigint, total int, note text, code text, status text, a int, b int, state order_state default 'new', owner text);
insert into customers values (1);
insert into orders (id, customer_id, total, note) values (1, 1, 10, 'x');
create index orders_note_idx on orders (note);
alter table orders add constraint total_positive check (total > 0) not valid;
create table settings (key text, value text, tags int[]);
create table events (id bigint, created date) partition by range (created);
create table events_2020 partition of events for values from ('2020-01-01') to ('2021-01-01');
create materialized view order_totals as select customer_id, sum(total) as total from orders group by customer_id;
create unique index order_totals_customer on order_totals (customer_id);
create domain positive_int as int;
create table measures (v positive_int);
insert into measures values (1);
create type unused_state as enum ('a');
create function order_total(bigint) returns int language sql as $$ select 1 $$;
create function audit() returns trigger language plpgsql as $$ begin return new; end $$;
create table audit_log (id int);
create table visits (path text);
insert into visits values ('/');
create schema if not exists archive;
`;

/** What the server shows, checked on PostgreSQL 17 with the case's SQL unless the evidence names its own. */
export type Evidence =
  /** The object does not exist before the migration (so no deployed code uses it), and the case runs as its tool sends it. */
  | { kind: 'new-object'; object: string }
  /** The strongest relation lock the statement takes on each relation (null: none), read from pg_locks. */
  | { kind: 'locks'; sql: string; expect: Record<string, LockMode | null> }
  /** The case, sent as its tool sends it, is refused with "cannot run inside a transaction block". */
  | { kind: 'refused' }
  /** After the case ran as its tool sends it, `query` (in the same session) returns `value` in its first column, or the case fails with `error`. */
  | { kind: 'outcome'; query?: string; value?: string; error?: string; notice?: string }
  /** Whether the statement rewrites `table` (its relfilenode changes). */
  | { kind: 'rewrite'; sql: string; table: string; rewrites: boolean }
  /** With client_min_messages = debug1, whether the case makes the server say `pattern`. */
  | { kind: 'notice'; pattern: string; present: boolean };

export interface Disagreement {
  case: string;
  squawkRule: string;
  /** Whether Squawk fired the rule, and whether continuity fired its equivalent. */
  squawk: boolean;
  continuity: boolean;
  why: string;
  evidence: Evidence;
}

const NEW_OBJECT =
  'The object is created earlier in the same migration, so no deployed version of the application uses it and no other session holds a lock on it. Squawk judges the statement alone (outside a transaction even for a table created in the same file); continuity tracks what the migration created.';
const NO_BLOCKING_LOCK =
  'Squawk asks for lock_timeout before any schema change; continuity before a lock that blocks application queries (SHARE and stronger on an existing relation). The server shows this statement takes a lock that conflicts with neither ACCESS SHARE (SELECT) nor ROW EXCLUSIVE (INSERT/UPDATE/DELETE), or no relation lock at all, so it cannot queue application queries behind it.';
const REFUSED =
  'PostgreSQL refuses the statement in the transaction block it runs in. Squawk\'s rule checks only CREATE INDEX CONCURRENTLY, only in files of more than one statement, and knows no implicit transaction of a multi-statement query; continuity checks every statement the lock table marks as refused in a block, in the block its tool runs it in.';

function newObject(id: string, rules: string[], object: string): Disagreement[] {
  return rules.map((squawkRule) => ({ case: id, squawkRule, squawk: true, continuity: false, why: NEW_OBJECT, evidence: { kind: 'new-object', object } }));
}

function noBlockingLock(id: string, sql: string, expect: Record<string, LockMode | null>): Disagreement {
  return { case: id, squawkRule: 'require-lock-timeout', squawk: true, continuity: false, why: NO_BLOCKING_LOCK, evidence: { kind: 'locks', sql, expect } };
}

function refused(id: string): Disagreement {
  return { case: id, squawkRule: 'ban-concurrent-index-creation-in-transaction', squawk: false, continuity: true, why: REFUSED, evidence: { kind: 'refused' } };
}

const SUE: LockMode = 'SHARE UPDATE EXCLUSIVE';

export const DISAGREEMENTS: Disagreement[] = [
  // Objects the migration itself created.
  ...newObject('drop-table-created-same-file', ['ban-drop-table', 'require-lock-timeout'], 'scratch'),
  ...newObject('drop-table-created-in-tool-transaction', ['ban-drop-table', 'require-lock-timeout'], 'scratch'),
  ...newObject('drop-column-created-table', ['ban-drop-column', 'require-lock-timeout'], 't'),
  ...newObject('rename-table-created', ['renaming-table', 'require-lock-timeout'], 't'),
  ...newObject('rename-column-created', ['renaming-column', 'require-lock-timeout'], 't'),
  ...newObject('type-change-created', ['changing-column-type', 'require-lock-timeout'], 't'),
  ...newObject('set-not-null-created', ['adding-not-nullable-field', 'require-lock-timeout'], 't'),
  ...newObject('drop-not-null-created', ['ban-drop-not-null', 'require-lock-timeout'], 't'),
  ...newObject('add-column-not-null-created', ['adding-required-field', 'require-lock-timeout'], 't'),
  ...newObject('add-column-generated-created', ['adding-field-with-default', 'require-lock-timeout'], 't'),
  ...newObject('add-column-serial-created', ['require-lock-timeout'], 't'),
  ...newObject('add-column-references-created', ['adding-foreign-key-constraint'], 't'),
  ...newObject('add-column-unique-created', ['disallowed-unique-constraint', 'require-lock-timeout'], 't'),
  ...newObject('add-fk-created-table-no-transaction', ['adding-foreign-key-constraint', 'constraint-missing-not-valid'], 't'),
  ...newObject('add-check-created-table-no-transaction', ['constraint-missing-not-valid', 'require-lock-timeout'], 't'),
  ...newObject('add-unique-created', ['require-lock-timeout'], 't'),
  ...newObject('create-index-created-table', ['require-lock-timeout'], 't'),
  ...newObject('create-index-created-table-no-transaction', ['require-concurrent-index-creation', 'require-lock-timeout'], 't'),
  ...newObject('drop-index-created', ['require-concurrent-index-deletion', 'require-lock-timeout'], 't'),

  // lock_timeout before statements that block no application query.
  noBlockingLock('drop-database', 'drop database if exists legacy_probe', { orders: null }),
  noBlockingLock('drop-database-if-exists', 'drop database if exists legacy_probe', { orders: null }),
  noBlockingLock('rename-index', 'alter index orders_note_idx rename to orders_note_index', { orders_note_idx: SUE, orders: null }),
  noBlockingLock('create-index-concurrently-tool', 'create index concurrently orders_note_idx2 on orders (note)', { orders: SUE }),
  noBlockingLock('create-index-concurrently-begin', 'create index concurrently orders_note_idx2 on orders (note)', { orders: SUE }),
  noBlockingLock('create-index-concurrently-alone-implicit', 'create index concurrently orders_note_idx2 on orders (note)', { orders: SUE }),
  noBlockingLock('drop-index-concurrently-tool', 'drop index concurrently orders_note_idx', { orders: SUE }),
  noBlockingLock('drop-index-concurrently-begin', 'drop index concurrently orders_note_idx', { orders: SUE }),
  noBlockingLock('reindex-concurrently', 'reindex index concurrently orders_note_idx', { orders: SUE }),
  noBlockingLock('reindex-option-concurrently', 'reindex (concurrently) table orders', { orders: SUE }),
  noBlockingLock('reindex-concurrently-tool', 'reindex table concurrently orders', { orders: SUE }),
  noBlockingLock('detach-partition-concurrently-tool', 'alter table events detach partition events_2020 concurrently', { events: SUE }),
  noBlockingLock('lock-timeout-cic', 'create index concurrently orders_note_idx2 on orders (note)', { orders: SUE }),
  noBlockingLock('lock-timeout-fillfactor', 'alter table orders set (fillfactor = 70)', { orders: SUE }),
  noBlockingLock('lock-timeout-validate', 'alter table orders validate constraint total_positive', { orders: SUE }),
  noBlockingLock('lock-timeout-comment', "comment on table orders is 'customer orders'", { orders: SUE }),
  noBlockingLock('lock-timeout-statistics', 'alter table orders alter column note set statistics 500', { orders: SUE }),
  noBlockingLock('lock-timeout-rename-index', 'alter index orders_note_idx rename to orders_note_index', { orders_note_idx: SUE, orders: null }),
  noBlockingLock('vacuum-plain', 'vacuum orders', { orders: SUE }),
  noBlockingLock('lock-timeout-create-function', 'create function f() returns int language sql as $$ select 1 $$', { orders: null }),
  noBlockingLock('create-domain-with-constraint', 'create domain positive_int2 as int check (value > 0)', { orders: null, measures: null }),
  noBlockingLock('create-domain-plain', 'create domain code as text', { orders: null }),
  noBlockingLock('enum-add-value', "alter type order_state add value 'archived'", { orders: null }),
  noBlockingLock('enum-add-value-after', "alter type order_state add value 'archived' after 'paid'", { orders: null }),
  noBlockingLock('enum-rename-value', "alter type order_state rename value 'paid' to 'settled'", { orders: null }),
  // The corpus type is still used by orders (DROP TYPE refuses that); an unused one shows the lock DROP TYPE takes.
  noBlockingLock('drop-type', 'drop type unused_state', { orders: null }),
  noBlockingLock('drop-function', 'drop function order_total(bigint)', { orders: null }),
  noBlockingLock('rename-function', 'alter function order_total(bigint) rename to total_of_order', { orders: null }),
  noBlockingLock('function-body-not-called', 'create function purge() returns void language plpgsql as $$ begin drop table audit_log; end $$', { audit_log: null }),

  // Statements PostgreSQL refuses where the tool runs them.
  refused('create-index-concurrently-tool'),
  refused('create-index-concurrently-implicit'),
  refused('create-index-concurrently-after-commit-implicit'),
  refused('drop-index-concurrently-tool'),
  refused('drop-index-concurrently-begin'),
  refused('reindex-concurrently-tool'),
  refused('detach-partition-concurrently-tool'),

  {
    case: 'set-schema-table',
    squawkRule: 'renaming-table',
    squawk: false,
    continuity: true,
    why: 'Moving a table to another schema changes its qualified name: code that names it as before no longer finds it. Squawk\'s renaming-table looks at RENAME only.',
    evidence: { kind: 'outcome', query: 'select count(*) from orders', error: 'relation "orders" does not exist' },
  },
  {
    case: 'set-not-null-after-valid-check',
    squawkRule: 'adding-not-nullable-field',
    squawk: true,
    continuity: false,
    why: 'The CHECK (note IS NOT NULL) is added valid (the scan happens there, and constraint-without-not-valid reports it), so SET NOT NULL scans nothing: PostgreSQL 12+ proves the column from the constraint. Squawk accepts only the NOT VALID + VALIDATE form.',
    evidence: { kind: 'notice', pattern: 'existing constraints on column "orders.note" are sufficient to prove that it does not contain nulls', present: true },
  },
  {
    case: 'set-not-null-after-unrelated-validate',
    squawkRule: 'adding-not-nullable-field',
    squawk: false,
    continuity: true,
    why: 'Squawk takes a VALIDATE CONSTRAINT of any constraint on the table as proof for SET NOT NULL; the validated constraint (total > 0) says nothing about note, and the server scans the table under ACCESS EXCLUSIVE.',
    evidence: { kind: 'notice', pattern: 'existing constraints on column "orders.note" are sufficient to prove that it does not contain nulls', present: false },
  },
  {
    case: 'add-column-primary-key',
    squawkRule: 'adding-required-field',
    squawk: false,
    continuity: true,
    why: 'A primary key column is NOT NULL: added without a default to a table with rows, it fails, and inserts of the running version that do not set it fail. Squawk looks for a NOT NULL keyword only.',
    evidence: { kind: 'outcome', error: 'column "id" of relation "visits" contains null values' },
  },
  {
    case: 'add-column-default-stable-function',
    squawkRule: 'adding-field-with-default',
    squawk: true,
    continuity: false,
    why: 'current_date is stable: the default is computed once and stored, with no rewrite. Squawk only knows CURRENT_TIMESTAMP among the SQL value functions.',
    evidence: { kind: 'rewrite', sql: 'alter table orders add column d date default current_date', table: 'orders', rewrites: false },
  },
  {
    case: 'add-column-default-lower',
    squawkRule: 'adding-field-with-default',
    squawk: true,
    continuity: false,
    why: "lower() is immutable: lower('X') is computed once, with no rewrite. Squawk accepts only calls without arguments.",
    evidence: { kind: 'rewrite', sql: "alter table orders add column t text default lower('X')", table: 'orders', rewrites: false },
  },
  {
    case: 'add-column-serial',
    squawkRule: 'adding-field-with-default',
    squawk: false,
    continuity: true,
    why: 'A serial column has a nextval() default, which is volatile: every existing row gets its own value, so the table is rewritten. Squawk does not look at serial types in this rule.',
    evidence: { kind: 'rewrite', sql: 'alter table orders add column n serial', table: 'orders', rewrites: true },
  },
  {
    case: 'add-column-bigserial',
    squawkRule: 'adding-field-with-default',
    squawk: false,
    continuity: true,
    why: 'A bigserial column has a nextval() default, which is volatile: the table is rewritten. Squawk does not look at serial types in this rule.',
    evidence: { kind: 'rewrite', sql: 'alter table orders add column n bigserial', table: 'orders', rewrites: true },
  },
  {
    case: 'reindex-concurrently-false',
    squawkRule: 'require-concurrent-reindex',
    squawk: false,
    continuity: true,
    why: 'CONCURRENTLY false is not concurrent: the server accepts the statement in a transaction block and takes SHARE on the table and ACCESS EXCLUSIVE on the index. Squawk reads the option name, not its value.',
    evidence: { kind: 'locks', sql: 'reindex (concurrently false) index orders_note_idx', expect: { orders: 'SHARE', orders_note_idx: 'ACCESS EXCLUSIVE' } },
  },
  {
    case: 'alter-domain-add-constraint-not-valid',
    squawkRule: 'ban-alter-domain-with-add-constraint',
    squawk: true,
    continuity: false,
    why: 'With NOT VALID, ALTER DOMAIN … ADD CONSTRAINT checks no existing row and locks no table that uses the domain (without it, every such table is scanned under SHARE, which domain-constraint-without-not-valid reports).',
    evidence: { kind: 'locks', sql: 'alter domain positive_int add constraint positive check (value > 0) not valid', expect: { measures: null } },
  },
  {
    case: 'begin-no-commit-tool',
    squawkRule: 'ban-uncommitted-transaction',
    squawk: true,
    continuity: false,
    why: 'Inside the tool\'s transaction the BEGIN is ignored (continuity reports it as nested-transaction, as Squawk does as transaction-nesting) and the tool\'s COMMIT commits the migration: nothing is left uncommitted.',
    evidence: { kind: 'outcome', query: "select (to_regclass('t') is not null)::text", value: 'true', notice: 'there is already a transaction in progress' },
  },
  {
    case: 'lock-timeout-zero',
    squawkRule: 'require-lock-timeout',
    squawk: false,
    continuity: true,
    why: 'lock_timeout = 0 disables the timeout: the ALTER waits for its lock as long as it takes. Squawk counts any SET lock_timeout.',
    evidence: { kind: 'outcome', query: "select current_setting('lock_timeout')", value: '0' },
  },
  {
    case: 'lock-timeout-local-autocommit',
    squawkRule: 'require-lock-timeout',
    squawk: false,
    continuity: true,
    why: 'SET LOCAL outside a transaction block does nothing (the server warns): the ALTER, sent on its own, runs with no lock_timeout. Squawk counts any SET lock_timeout.',
    evidence: { kind: 'outcome', query: "select current_setting('lock_timeout')", value: '0', notice: 'SET LOCAL can only be used in transaction blocks' },
  },
  {
    case: 'do-block-drop-column',
    squawkRule: 'ban-drop-column',
    squawk: false,
    continuity: true,
    why: 'The DO block runs when the migration runs, and drops the column. Squawk does not read PL/pgSQL bodies; continuity reads them with the PL/pgSQL parser.',
    evidence: { kind: 'outcome', query: "select count(*)::text from information_schema.columns where table_schema = current_schema and table_name = 'orders' and column_name = 'note'", value: '0' },
  },
  {
    case: 'function-body-called',
    squawkRule: 'ban-drop-table',
    squawk: false,
    continuity: true,
    why: 'The migration calls the function it creates, whose body drops the table. Squawk does not read function bodies; continuity lints the body of a routine where the migration calls it.',
    evidence: { kind: 'outcome', query: "select (to_regclass('audit_log') is null)::text", value: 'true' },
  },
];
