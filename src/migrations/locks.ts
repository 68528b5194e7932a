// The lock table: which relation locks each statement kind takes, whether it
// rewrites the table, and whether PostgreSQL refuses it inside a transaction
// block. Taken from the PostgreSQL 17 documentation (the page named in `docs`
// of each kind) and proved on a real server by test/migrations/locks.server.test.ts,
// which runs every kind's example and reads pg_locks (and pg_class.relfilenode
// for rewrites). Lint rules read locks from here, never from their own lists.
import { NON_VOLATILE_BUILTINS, VOLATILE_BUILTINS } from './pg-functions';
import { functionCalls, relationName, type AstNode, type ParsedStatement } from './sql';

/** PostgreSQL's table-level lock modes, weakest first (explicit-locking.html, "Table-Level Locks"). */
export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/** Conflicting lock modes (explicit-locking.html, table "Conflicting Lock Modes"). */
const CONFLICTS: Record<LockMode, LockMode[]> = {
  'ACCESS SHARE': ['ACCESS EXCLUSIVE'],
  'ROW SHARE': ['EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'ROW EXCLUSIVE': ['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE UPDATE EXCLUSIVE': ['SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  SHARE: ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE ROW EXCLUSIVE': ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  EXCLUSIVE: ['ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'ACCESS EXCLUSIVE': [...LOCK_MODES],
};

export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

/** What application queries a lock held (or waited for) blocks: SELECT takes ACCESS SHARE, INSERT/UPDATE/DELETE ROW EXCLUSIVE. */
export function blocked(mode: LockMode): { reads: boolean; writes: boolean } {
  return { reads: conflicts(mode, 'ACCESS SHARE'), writes: conflicts(mode, 'ROW EXCLUSIVE') };
}

export function describeBlocking(mode: LockMode): string {
  const { reads, writes } = blocked(mode);
  return reads ? 'blocks reads and writes' : writes ? 'blocks writes' : 'blocks no reads or writes';
}

export function stronger(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}

/** The relations a statement kind locks, by their part in the statement. */
export type LockRole = 'table' | 'index' | 'referenced' | 'partition' | 'view';

export interface StatementKind {
  id: string;
  /** The statement as PostgreSQL's documentation names it. */
  title: string;
  /** The documentation page (https://www.postgresql.org/docs/17/<page>) and what it says about the lock. */
  docs: string;
  locks: { role: LockRole; mode: LockMode }[];
  /** The table is rewritten (a new relfilenode: every row copied while the lock is held); false: proved not to be. */
  rewrites?: boolean;
  /** PostgreSQL refuses the statement inside a transaction block ("cannot run inside a transaction block"). */
  noTransactionBlock?: boolean;
  /** Proof on a server: `setup` creates the relations, `sql` is the statement; `relations` names them by role. */
  example: { setup: string; sql: string; relations: Partial<Record<LockRole, string>> };
}

const TABLE = 'create table t (id bigint primary key, a int, b text);';
const PARENT = 'create table parent (id bigint primary key); create table t (id bigint primary key, a int, parent_id bigint);';
const PARTITIONED = 'create table t (id bigint, k int) partition by list (k); create table p partition of t for values in (1);';
const on = (role: LockRole, mode: LockMode) => ({ role, mode });

/** Every statement kind the linter knows the locks of, keyed by id. */
export const STATEMENT_KINDS: Record<string, StatementKind> = Object.fromEntries(
  (
    [
      { id: 'create-table', title: 'CREATE TABLE', docs: 'sql-createtable.html: a new table; no lock on an existing relation', locks: [], example: { setup: '', sql: 'create table t (id bigint)', relations: {} } },
      {
        id: 'create-table-references',
        title: 'CREATE TABLE … REFERENCES',
        docs: 'explicit-locking.html: SHARE ROW EXCLUSIVE is acquired by CREATE TRIGGER and some forms of ALTER TABLE; a foreign key creates triggers on the referenced table',
        locks: [on('referenced', 'SHARE ROW EXCLUSIVE')],
        example: { setup: 'create table parent (id bigint primary key);', sql: 'create table t (id bigint, parent_id bigint references parent (id))', relations: { referenced: 'parent' } },
      },
      { id: 'drop-table', title: 'DROP TABLE', docs: 'explicit-locking.html: ACCESS EXCLUSIVE is acquired by DROP TABLE', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'drop table t', relations: { table: 't' } } },
      { id: 'truncate', title: 'TRUNCATE', docs: 'explicit-locking.html: ACCESS EXCLUSIVE is acquired by TRUNCATE', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'truncate t', relations: { table: 't' } } },
      { id: 'alter-table-add-column', title: 'ALTER TABLE … ADD COLUMN', docs: 'sql-altertable.html: an ACCESS EXCLUSIVE lock is acquired unless explicitly noted; a column with a non-volatile default is added without a rewrite', locks: [on('table', 'ACCESS EXCLUSIVE')], rewrites: false, example: { setup: TABLE, sql: "alter table t add column c text default 'x'", relations: { table: 't' } } },
      {
        id: 'alter-table-add-column-volatile',
        title: 'ALTER TABLE … ADD COLUMN with a volatile default or a serial type',
        docs: 'sql-altertable.html: adding a column with a volatile DEFAULT will require the entire table and its indexes to be rewritten',
        locks: [on('table', 'ACCESS EXCLUSIVE')],
        rewrites: true,
        example: { setup: `${TABLE} insert into t values (1, 1, 'x');`, sql: 'alter table t add column u uuid default gen_random_uuid()', relations: { table: 't' } },
      },
      {
        id: 'alter-table-add-column-generated',
        title: 'ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS (…) STORED / AS IDENTITY',
        docs: 'sql-altertable.html: adding a stored generated column or an identity column requires the entire table and its indexes to be rewritten',
        locks: [on('table', 'ACCESS EXCLUSIVE')],
        rewrites: true,
        example: { setup: `${TABLE} insert into t values (1, 1, 'x');`, sql: 'alter table t add column g int generated always as (a * 2) stored', relations: { table: 't' } },
      },
      {
        id: 'alter-table-add-column-references',
        title: 'ALTER TABLE … ADD COLUMN … REFERENCES',
        docs: 'sql-altertable.html: ADD COLUMN takes ACCESS EXCLUSIVE; the foreign key takes SHARE ROW EXCLUSIVE on the referenced table',
        locks: [on('table', 'ACCESS EXCLUSIVE'), on('referenced', 'SHARE ROW EXCLUSIVE')],
        example: { setup: 'create table parent (id bigint primary key); create table t (id bigint);', sql: 'alter table t add column parent_id bigint references parent (id)', relations: { table: 't', referenced: 'parent' } },
      },
      { id: 'alter-table-drop-column', title: 'ALTER TABLE … DROP COLUMN', docs: 'sql-altertable.html: ACCESS EXCLUSIVE; the column is only marked dropped, not rewritten', locks: [on('table', 'ACCESS EXCLUSIVE')], rewrites: false, example: { setup: TABLE, sql: 'alter table t drop column b', relations: { table: 't' } } },
      {
        id: 'alter-table-alter-column-type',
        title: 'ALTER TABLE … ALTER COLUMN … TYPE',
        docs: 'sql-altertable.html: SET DATA TYPE takes ACCESS EXCLUSIVE and rewrites the table and its indexes unless the old type is binary coercible to the new one',
        locks: [on('table', 'ACCESS EXCLUSIVE')],
        rewrites: true,
        example: { setup: `${TABLE} insert into t values (1, 1, 'x');`, sql: 'alter table t alter column a type bigint', relations: { table: 't' } },
      },
      { id: 'alter-table-set-default', title: 'ALTER TABLE … ALTER COLUMN … SET DEFAULT', docs: 'sql-altertable.html: ACCESS EXCLUSIVE (not noted otherwise); only future rows get the default', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t alter column a set default 0', relations: { table: 't' } } },
      { id: 'alter-table-drop-default', title: 'ALTER TABLE … ALTER COLUMN … DROP DEFAULT', docs: 'sql-altertable.html: ACCESS EXCLUSIVE (not noted otherwise)', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t alter column a drop default', relations: { table: 't' } } },
      { id: 'alter-table-set-not-null', title: 'ALTER TABLE … ALTER COLUMN … SET NOT NULL', docs: 'sql-altertable.html: ACCESS EXCLUSIVE; the table is scanned (not rewritten) unless a valid CHECK constraint proves the column has no NULL', locks: [on('table', 'ACCESS EXCLUSIVE')], rewrites: false, example: { setup: TABLE, sql: 'alter table t alter column a set not null', relations: { table: 't' } } },
      { id: 'alter-table-drop-not-null', title: 'ALTER TABLE … ALTER COLUMN … DROP NOT NULL', docs: 'sql-altertable.html: ACCESS EXCLUSIVE (not noted otherwise)', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: 'create table t (id bigint primary key, a int not null);', sql: 'alter table t alter column a drop not null', relations: { table: 't' } } },
      { id: 'alter-table-add-check', title: 'ALTER TABLE … ADD CHECK', docs: 'sql-altertable.html: ADD CONSTRAINT takes ACCESS EXCLUSIVE (SHARE ROW EXCLUSIVE only for a foreign key) and scans the table unless NOT VALID', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t add constraint a_positive check (a > 0)', relations: { table: 't' } } },
      { id: 'alter-table-add-unique', title: 'ALTER TABLE … ADD UNIQUE / PRIMARY KEY / EXCLUDE', docs: 'sql-altertable.html: ACCESS EXCLUSIVE while the index is built (USING INDEX avoids the build)', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t add constraint a_unique unique (a)', relations: { table: 't' } } },
      {
        id: 'alter-table-add-foreign-key',
        title: 'ALTER TABLE … ADD FOREIGN KEY',
        docs: 'sql-altertable.html: adding a foreign key requires a SHARE ROW EXCLUSIVE lock on the referenced table, in addition to the lock on the table being altered (SHARE ROW EXCLUSIVE)',
        locks: [on('table', 'SHARE ROW EXCLUSIVE'), on('referenced', 'SHARE ROW EXCLUSIVE')],
        example: { setup: PARENT, sql: 'alter table t add constraint t_parent_fk foreign key (parent_id) references parent (id)', relations: { table: 't', referenced: 'parent' } },
      },
      {
        id: 'alter-table-validate-constraint',
        title: 'ALTER TABLE … VALIDATE CONSTRAINT',
        docs: 'sql-altertable.html: VALIDATE CONSTRAINT acquires a SHARE UPDATE EXCLUSIVE lock on the table being altered (and ROW SHARE on a foreign key\'s referenced table)',
        locks: [on('table', 'SHARE UPDATE EXCLUSIVE')],
        example: { setup: `${TABLE} alter table t add constraint a_positive check (a > 0) not valid;`, sql: 'alter table t validate constraint a_positive', relations: { table: 't' } },
      },
      { id: 'alter-table-drop-constraint', title: 'ALTER TABLE … DROP CONSTRAINT', docs: 'sql-altertable.html: ACCESS EXCLUSIVE (not noted otherwise)', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: `${TABLE} alter table t add constraint a_positive check (a > 0);`, sql: 'alter table t drop constraint a_positive', relations: { table: 't' } } },
      { id: 'alter-table-set-statistics', title: 'ALTER TABLE … ALTER COLUMN … SET STATISTICS / SET (attribute_option)', docs: 'sql-altertable.html: SET STATISTICS and SET/RESET attribute options acquire a SHARE UPDATE EXCLUSIVE lock', locks: [on('table', 'SHARE UPDATE EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t alter column a set statistics 500', relations: { table: 't' } } },
      { id: 'alter-table-set-storage', title: 'ALTER TABLE … ALTER COLUMN … SET STORAGE / COMPRESSION', docs: 'sql-altertable.html: ACCESS EXCLUSIVE (not noted otherwise); existing rows are not rewritten', locks: [on('table', 'ACCESS EXCLUSIVE')], rewrites: false, example: { setup: TABLE, sql: 'alter table t alter column b set storage external', relations: { table: 't' } } },
      { id: 'alter-table-set-reloptions', title: 'ALTER TABLE … SET / RESET (storage_parameter)', docs: 'sql-altertable.html: SET ( storage_parameter ) acquires a SHARE UPDATE EXCLUSIVE lock for fillfactor, TOAST and autovacuum parameters', locks: [on('table', 'SHARE UPDATE EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t set (fillfactor = 70)', relations: { table: 't' } } },
      { id: 'alter-table-cluster-on', title: 'ALTER TABLE … CLUSTER ON / SET WITHOUT CLUSTER', docs: 'sql-altertable.html: CLUSTER ON and SET WITHOUT CLUSTER acquire a SHARE UPDATE EXCLUSIVE lock', locks: [on('table', 'SHARE UPDATE EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t cluster on t_pkey', relations: { table: 't' } } },
      { id: 'alter-table-trigger', title: 'ALTER TABLE … ENABLE / DISABLE TRIGGER', docs: 'sql-altertable.html: ENABLE/DISABLE TRIGGER acquires a SHARE ROW EXCLUSIVE lock', locks: [on('table', 'SHARE ROW EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t disable trigger all', relations: { table: 't' } } },
      { id: 'alter-table-row-security', title: 'ALTER TABLE … ENABLE / DISABLE / FORCE ROW LEVEL SECURITY', docs: 'sql-altertable.html: ACCESS EXCLUSIVE (not noted otherwise)', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t enable row level security', relations: { table: 't' } } },
      { id: 'alter-table-set-logged', title: 'ALTER TABLE … SET LOGGED / UNLOGGED', docs: 'sql-altertable.html: changing a table between logged and unlogged rewrites it, under ACCESS EXCLUSIVE', locks: [on('table', 'ACCESS EXCLUSIVE')], rewrites: true, example: { setup: `${TABLE} insert into t values (1, 1, 'x');`, sql: 'alter table t set unlogged', relations: { table: 't' } } },
      { id: 'alter-table-set-schema', title: 'ALTER TABLE … SET SCHEMA / OWNER TO / REPLICA IDENTITY', docs: 'sql-altertable.html: ACCESS EXCLUSIVE (not noted otherwise)', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: `${TABLE} create schema archive;`, sql: 'alter table t set schema archive', relations: { table: 't' } } },
      {
        id: 'alter-table-attach-partition',
        title: 'ALTER TABLE … ATTACH PARTITION',
        docs: 'sql-altertable.html: ATTACH PARTITION acquires a SHARE UPDATE EXCLUSIVE lock on the parent table, in addition to the ACCESS EXCLUSIVE lock on the table being attached',
        locks: [on('table', 'SHARE UPDATE EXCLUSIVE'), on('partition', 'ACCESS EXCLUSIVE')],
        example: { setup: 'create table t (id bigint, k int) partition by list (k); create table p (id bigint, k int);', sql: 'alter table t attach partition p for values in (1)', relations: { table: 't', partition: 'p' } },
      },
      {
        id: 'alter-table-detach-partition',
        title: 'ALTER TABLE … DETACH PARTITION',
        docs: 'sql-altertable.html: DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the parent table (and the partition)',
        locks: [on('table', 'ACCESS EXCLUSIVE'), on('partition', 'ACCESS EXCLUSIVE')],
        example: { setup: PARTITIONED, sql: 'alter table t detach partition p', relations: { table: 't', partition: 'p' } },
      },
      {
        id: 'alter-table-detach-partition-concurrently',
        title: 'ALTER TABLE … DETACH PARTITION … CONCURRENTLY',
        docs: 'sql-altertable.html: with CONCURRENTLY only SHARE UPDATE EXCLUSIVE is taken on the parent table; it cannot run in a transaction block',
        locks: [on('table', 'SHARE UPDATE EXCLUSIVE')],
        noTransactionBlock: true,
        example: { setup: PARTITIONED, sql: 'alter table t detach partition p concurrently', relations: { table: 't' } },
      },
      { id: 'alter-table-other', title: 'ALTER TABLE (any other subcommand: identity, inheritance, access method, tablespace, rules, …)', docs: 'sql-altertable.html: an ACCESS EXCLUSIVE lock is acquired unless explicitly noted', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: 'create table t (id bigint not null);', sql: 'alter table t alter column id add generated always as identity', relations: { table: 't' } } },
      { id: 'rename-table', title: 'ALTER TABLE … RENAME TO', docs: 'sql-altertable.html: RENAME takes ACCESS EXCLUSIVE', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t rename to u', relations: { table: 't' } } },
      { id: 'rename-column', title: 'ALTER TABLE … RENAME COLUMN / RENAME CONSTRAINT', docs: 'sql-altertable.html: RENAME takes ACCESS EXCLUSIVE', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'alter table t rename column a to a2', relations: { table: 't' } } },
      { id: 'rename-index', title: 'ALTER INDEX … RENAME TO', docs: 'sql-alterindex.html: RENAME takes a SHARE UPDATE EXCLUSIVE lock on the index', locks: [on('index', 'SHARE UPDATE EXCLUSIVE')], example: { setup: `${TABLE} create index t_a_idx on t (a);`, sql: 'alter index t_a_idx rename to t_a_index', relations: { index: 't_a_idx' } } },
      { id: 'create-index', title: 'CREATE INDEX', docs: 'explicit-locking.html: SHARE is acquired by CREATE INDEX (without CONCURRENTLY)', locks: [on('table', 'SHARE')], example: { setup: TABLE, sql: 'create index t_a_idx on t (a)', relations: { table: 't' } } },
      {
        id: 'create-index-concurrently',
        title: 'CREATE INDEX CONCURRENTLY',
        docs: 'explicit-locking.html: SHARE UPDATE EXCLUSIVE is acquired by CREATE INDEX CONCURRENTLY; sql-createindex.html: it cannot be executed inside a transaction block',
        locks: [on('table', 'SHARE UPDATE EXCLUSIVE')],
        noTransactionBlock: true,
        example: { setup: TABLE, sql: 'create index concurrently t_a_idx on t (a)', relations: { table: 't' } },
      },
      { id: 'drop-index', title: 'DROP INDEX', docs: 'sql-dropindex.html: a normal DROP INDEX acquires an ACCESS EXCLUSIVE lock on the table', locks: [on('table', 'ACCESS EXCLUSIVE'), on('index', 'ACCESS EXCLUSIVE')], example: { setup: `${TABLE} create index t_a_idx on t (a);`, sql: 'drop index t_a_idx', relations: { table: 't', index: 't_a_idx' } } },
      {
        id: 'drop-index-concurrently',
        title: 'DROP INDEX CONCURRENTLY',
        docs: 'sql-dropindex.html: CONCURRENTLY drops the index without locking out concurrent selects, inserts, updates and deletes; it cannot run inside a transaction block',
        locks: [on('table', 'SHARE UPDATE EXCLUSIVE')],
        noTransactionBlock: true,
        example: { setup: `${TABLE} create index t_a_idx on t (a);`, sql: 'drop index concurrently t_a_idx', relations: { table: 't' } },
      },
      {
        id: 'reindex',
        title: 'REINDEX INDEX / TABLE',
        docs: 'sql-reindex.html: REINDEX locks out writes but not reads of the table, and takes an ACCESS EXCLUSIVE lock on the index being processed, which blocks reads that use it (planning a query on the table opens its indexes)',
        locks: [on('table', 'SHARE'), on('index', 'ACCESS EXCLUSIVE')],
        example: { setup: `${TABLE} create index t_a_idx on t (a);`, sql: 'reindex index t_a_idx', relations: { table: 't', index: 't_a_idx' } },
      },
      {
        id: 'reindex-concurrently',
        title: 'REINDEX … CONCURRENTLY',
        docs: 'sql-reindex.html: CONCURRENTLY takes SHARE UPDATE EXCLUSIVE on the table and its indexes; it cannot run inside a transaction block',
        locks: [on('table', 'SHARE UPDATE EXCLUSIVE')],
        noTransactionBlock: true,
        example: { setup: `${TABLE} create index t_a_idx on t (a);`, sql: 'reindex index concurrently t_a_idx', relations: { table: 't' } },
      },
      {
        id: 'refresh-materialized-view',
        title: 'REFRESH MATERIALIZED VIEW',
        docs: 'explicit-locking.html: ACCESS EXCLUSIVE is acquired by REFRESH MATERIALIZED VIEW (without CONCURRENTLY)',
        locks: [on('view', 'ACCESS EXCLUSIVE')],
        rewrites: true,
        example: { setup: `${TABLE} create materialized view mv as select id from t;`, sql: 'refresh materialized view mv', relations: { view: 'mv' } },
      },
      {
        id: 'refresh-materialized-view-concurrently',
        title: 'REFRESH MATERIALIZED VIEW CONCURRENTLY',
        docs: 'explicit-locking.html: EXCLUSIVE is acquired by REFRESH MATERIALIZED VIEW CONCURRENTLY (reads go on, writes are blocked)',
        locks: [on('view', 'EXCLUSIVE')],
        example: { setup: `${TABLE} create materialized view mv as select id from t; create unique index mv_id on mv (id);`, sql: 'refresh materialized view concurrently mv', relations: { view: 'mv' } },
      },
      { id: 'lock-table', title: 'LOCK TABLE', docs: 'sql-lock.html: the mode named, ACCESS EXCLUSIVE when none is', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'lock table t', relations: { table: 't' } } },
      { id: 'lock-table-share', title: 'LOCK TABLE … IN SHARE MODE (any named mode)', docs: 'sql-lock.html: the lock mode named in the statement', locks: [on('table', 'SHARE')], example: { setup: TABLE, sql: 'lock table t in share mode', relations: { table: 't' } } },
      { id: 'vacuum', title: 'VACUUM', docs: 'explicit-locking.html: SHARE UPDATE EXCLUSIVE is acquired by VACUUM (without FULL); sql-vacuum.html: VACUUM cannot be executed inside a transaction block', locks: [on('table', 'SHARE UPDATE EXCLUSIVE')], noTransactionBlock: true, example: { setup: TABLE, sql: 'vacuum t', relations: { table: 't' } } },
      { id: 'vacuum-full', title: 'VACUUM FULL', docs: 'explicit-locking.html: ACCESS EXCLUSIVE is acquired by VACUUM FULL; sql-vacuum.html: it rewrites the table into a new file', locks: [on('table', 'ACCESS EXCLUSIVE')], rewrites: true, noTransactionBlock: true, example: { setup: TABLE, sql: 'vacuum (full) t', relations: { table: 't' } } },
      { id: 'reindex-schema', title: 'REINDEX SCHEMA / DATABASE / SYSTEM', docs: 'sql-reindex.html: REINDEX SCHEMA, DATABASE and SYSTEM cannot be executed inside a transaction block', locks: [], noTransactionBlock: true, example: { setup: TABLE, sql: 'reindex schema {schema}', relations: {} } },
      { id: 'create-database', title: 'CREATE DATABASE / DROP DATABASE', docs: 'sql-createdatabase.html and sql-dropdatabase.html: cannot be executed inside a transaction block', locks: [], noTransactionBlock: true, example: { setup: '', sql: 'create database lock_probe_db', relations: {} } },
      { id: 'analyze', title: 'ANALYZE', docs: 'explicit-locking.html: SHARE UPDATE EXCLUSIVE is acquired by ANALYZE', locks: [on('table', 'SHARE UPDATE EXCLUSIVE')], example: { setup: TABLE, sql: 'analyze t', relations: { table: 't' } } },
      { id: 'cluster', title: 'CLUSTER', docs: 'explicit-locking.html: ACCESS EXCLUSIVE is acquired by CLUSTER; sql-cluster.html: the table is rewritten in index order', locks: [on('table', 'ACCESS EXCLUSIVE')], rewrites: true, example: { setup: TABLE, sql: 'cluster t using t_pkey', relations: { table: 't' } } },
      { id: 'create-trigger', title: 'CREATE TRIGGER', docs: 'explicit-locking.html: SHARE ROW EXCLUSIVE is acquired by CREATE TRIGGER', locks: [on('table', 'SHARE ROW EXCLUSIVE')], example: { setup: `${TABLE} create function noop() returns trigger language plpgsql as $$ begin return new; end $$;`, sql: 'create trigger t_noop before insert on t for each row execute function noop()', relations: { table: 't' } } },
      { id: 'drop-trigger', title: 'DROP TRIGGER', docs: 'sql-droptrigger.html and explicit-locking.html: ACCESS EXCLUSIVE on the table', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: `${TABLE} create function noop() returns trigger language plpgsql as $$ begin return new; end $$; create trigger t_noop before insert on t for each row execute function noop();`, sql: 'drop trigger t_noop on t', relations: { table: 't' } } },
      { id: 'policy', title: 'CREATE / ALTER / DROP POLICY', docs: 'sql-createpolicy.html: ACCESS EXCLUSIVE on the table', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'create policy t_all on t using (true)', relations: { table: 't' } } },
      { id: 'comment', title: 'COMMENT ON TABLE / COLUMN', docs: 'explicit-locking.html: SHARE UPDATE EXCLUSIVE is acquired by COMMENT ON', locks: [on('table', 'SHARE UPDATE EXCLUSIVE')], example: { setup: TABLE, sql: "comment on column t.a is 'amount'", relations: { table: 't' } } },
      { id: 'create-statistics', title: 'CREATE STATISTICS', docs: 'explicit-locking.html: SHARE UPDATE EXCLUSIVE is acquired by CREATE STATISTICS', locks: [on('table', 'SHARE UPDATE EXCLUSIVE')], example: { setup: TABLE, sql: 'create statistics t_ab (dependencies) on a, b from t', relations: { table: 't' } } },
      { id: 'create-rule', title: 'CREATE RULE', docs: 'explicit-locking.html: ACCESS EXCLUSIVE is acquired by … most forms of ALTER TABLE; CREATE RULE takes it on the table', locks: [on('table', 'ACCESS EXCLUSIVE')], example: { setup: TABLE, sql: 'create rule t_no_delete as on delete to t do instead nothing', relations: { table: 't' } } },
      { id: 'replace-view', title: 'CREATE OR REPLACE VIEW of an existing view', docs: 'sql-createview.html: replacing a view takes ACCESS EXCLUSIVE on it', locks: [on('view', 'ACCESS EXCLUSIVE')], example: { setup: `${TABLE} create view v as select id from t;`, sql: 'create or replace view v as select id, a from t', relations: { view: 'v' } } },
      { id: 'drop-view', title: 'DROP VIEW / DROP MATERIALIZED VIEW', docs: 'explicit-locking.html: ACCESS EXCLUSIVE is acquired by DROP TABLE and the other DROP commands of relations', locks: [on('view', 'ACCESS EXCLUSIVE')], example: { setup: `${TABLE} create view v as select id from t;`, sql: 'drop view v', relations: { view: 'v' } } },
      { id: 'insert', title: 'INSERT', docs: 'explicit-locking.html: ROW EXCLUSIVE is acquired by UPDATE, DELETE, INSERT and MERGE', locks: [on('table', 'ROW EXCLUSIVE')], example: { setup: TABLE, sql: "insert into t values (1, 1, 'x')", relations: { table: 't' } } },
      { id: 'update', title: 'UPDATE / DELETE', docs: 'explicit-locking.html: ROW EXCLUSIVE is acquired by UPDATE, DELETE, INSERT and MERGE', locks: [on('table', 'ROW EXCLUSIVE')], example: { setup: TABLE, sql: 'update t set a = 0', relations: { table: 't' } } },
    ] satisfies StatementKind[]
  ).map((kind) => [kind.id, kind]),
);

/** One statement kind a statement (or one ALTER TABLE subcommand) is, with the relations it names by role. */
export interface ClassifiedKind {
  kind: StatementKind;
  relations: Partial<Record<LockRole, string>>;
  /** LOCK TABLE: the mode the statement names. */
  mode?: LockMode;
}

/** A lock a statement takes on a relation named as the statement writes it. */
export interface RelationLock {
  relation: string;
  role: LockRole;
  mode: LockMode;
  kind: StatementKind;
}

const k = (id: string, relations: ClassifiedKind['relations'], mode?: LockMode): ClassifiedKind => ({ kind: STATEMENT_KINDS[id]!, relations, ...(mode ? { mode } : {}) });

/** LockStmt.mode is PostgreSQL's lock mode number (AccessShareLock = 1 … AccessExclusiveLock = 8). */
function lockModeOfNumber(mode: number | undefined): LockMode {
  return LOCK_MODES[(mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE';
}

/** A boolean option (`CONCURRENTLY false`, `FULL 0`), read as PostgreSQL's parse_bool reads it; undefined when absent or invalid. */
export function booleanOption(options: AstNode[] | undefined, name: string): boolean | undefined {
  const elem = (options ?? []).find((o: AstNode) => o?.DefElem?.defname === name)?.DefElem;
  if (!elem) return undefined;
  const arg = elem.arg;
  if (!arg) return true;
  if (arg.Boolean) return arg.Boolean.boolval === true;
  if (arg.Integer) return (arg.Integer.ival ?? 0) !== 0;
  const text = String(arg.String?.sval ?? '').toLowerCase();
  const prefixOf = (word: string, min = 1) => text.length >= min && word.startsWith(text);
  if (prefixOf('true') || prefixOf('yes') || text === 'on' || text === '1') return true;
  if (prefixOf('false') || prefixOf('no') || prefixOf('off', 2) || text === '0') return false;
  return undefined;
}

function foreignKeyTargets(constraints: AstNode[] | undefined): string[] {
  return (constraints ?? [])
    .map((c: AstNode) => c.Constraint ?? c)
    .filter((c: AstNode) => c?.contype === 'CONSTR_FOREIGN')
    .map((c: AstNode) => relationName(c.pktable));
}

/** The serial type (serial, serial8, bigserial, ...) of a ColumnDef, whose nextval() default fills every row. */
export function serialType(column: AstNode): string | undefined {
  const type = String(column?.typeName?.names?.at(-1)?.String?.sval ?? '');
  return /serial\d?$/.test(type) ? type : undefined;
}

/**
 * The functions a default expression calls that may be volatile (a volatile default is computed for every existing
 * row): volatile built-ins (`known`), and functions that are not built in, whose volatility cannot be known statically.
 */
export function volatileCalls(expr: AstNode): { name: string; known: boolean }[] {
  return functionCalls(expr)
    .filter((name) => !NON_VOLATILE_BUILTINS.has(name) || VOLATILE_BUILTINS.has(name))
    .map((name) => ({ name, known: VOLATILE_BUILTINS.has(name) }));
}

function addColumnKinds(table: string, column: AstNode): ClassifiedKind[] {
  const constraints = (column?.constraints ?? []).map((c: AstNode) => c.Constraint ?? {});
  const references = foreignKeyTargets(constraints);
  if (constraints.some((c: AstNode) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED')) return [k('alter-table-add-column-generated', { table })];
  if (serialType(column) || constraints.some((c: AstNode) => c.contype === 'CONSTR_DEFAULT' && volatileCalls(c.raw_expr).length > 0)) {
    return [k('alter-table-add-column-volatile', { table })];
  }
  return [k(references.length > 0 ? 'alter-table-add-column-references' : 'alter-table-add-column', { table, ...(references[0] ? { referenced: references[0] } : {}) })];
}

const ALTER_TABLE_KIND: Record<string, string> = {
  AT_DropColumn: 'alter-table-drop-column',
  AT_AlterColumnType: 'alter-table-alter-column-type',
  AT_SetNotNull: 'alter-table-set-not-null',
  AT_DropNotNull: 'alter-table-drop-not-null',
  AT_ValidateConstraint: 'alter-table-validate-constraint',
  AT_DropConstraint: 'alter-table-drop-constraint',
  AT_SetStatistics: 'alter-table-set-statistics',
  AT_SetOptions: 'alter-table-set-statistics',
  AT_ResetOptions: 'alter-table-set-statistics',
  AT_SetStorage: 'alter-table-set-storage',
  AT_SetCompression: 'alter-table-set-storage',
  AT_SetRelOptions: 'alter-table-set-reloptions',
  AT_ResetRelOptions: 'alter-table-set-reloptions',
  AT_ClusterOn: 'alter-table-cluster-on',
  AT_DropCluster: 'alter-table-cluster-on',
  AT_EnableTrig: 'alter-table-trigger',
  AT_EnableAlwaysTrig: 'alter-table-trigger',
  AT_EnableReplicaTrig: 'alter-table-trigger',
  AT_DisableTrig: 'alter-table-trigger',
  AT_EnableTrigAll: 'alter-table-trigger',
  AT_DisableTrigAll: 'alter-table-trigger',
  AT_EnableTrigUser: 'alter-table-trigger',
  AT_DisableTrigUser: 'alter-table-trigger',
  AT_EnableRowSecurity: 'alter-table-row-security',
  AT_DisableRowSecurity: 'alter-table-row-security',
  AT_ForceRowSecurity: 'alter-table-row-security',
  AT_NoForceRowSecurity: 'alter-table-row-security',
  AT_SetLogged: 'alter-table-set-logged',
  AT_SetUnLogged: 'alter-table-set-logged',
  AT_ChangeOwner: 'alter-table-set-schema',
  AT_ReplicaIdentity: 'alter-table-set-schema',
};

/** The statement kinds of one ALTER TABLE subcommand. */
function alterTableCommandKinds(table: string, cmd: AstNode): ClassifiedKind[] {
  switch (cmd.subtype) {
    case 'AT_AddColumn':
      return addColumnKinds(table, cmd.def?.ColumnDef);
    case 'AT_AddConstraint': {
      const constraint = cmd.def?.Constraint ?? {};
      if (constraint.contype === 'CONSTR_FOREIGN') return [k('alter-table-add-foreign-key', { table, referenced: relationName(constraint.pktable) })];
      if (constraint.contype === 'CONSTR_CHECK') return [k('alter-table-add-check', { table })];
      return [k('alter-table-add-unique', { table })];
    }
    case 'AT_AttachPartition':
      return [k('alter-table-attach-partition', { table, partition: relationName(cmd.def?.PartitionCmd?.name) })];
    case 'AT_DetachPartition':
      return cmd.def?.PartitionCmd?.concurrent
        ? [k('alter-table-detach-partition-concurrently', { table })]
        : [k('alter-table-detach-partition', { table, partition: relationName(cmd.def?.PartitionCmd?.name) })];
    case 'AT_ColumnDefault':
      return [k(cmd.def ? 'alter-table-set-default' : 'alter-table-drop-default', { table })];
    default:
      return [k(ALTER_TABLE_KIND[cmd.subtype] ?? 'alter-table-other', { table })];
  }
}

/**
 * The statement kinds of a statement (one per ALTER TABLE subcommand), or none
 * for statements that lock no existing relation the table knows of.
 */
export function classifyStatement(statement: ParsedStatement): ClassifiedKind[] {
  const { kind, node } = statement;
  switch (kind) {
    case 'CreateStmt': {
      const references = [...foreignKeyTargets(node.tableElts?.flatMap((e: AstNode) => e.ColumnDef?.constraints ?? [])), ...foreignKeyTargets(node.tableElts?.map((e: AstNode) => e.Constraint).filter(Boolean))];
      return references.length > 0 ? references.map((referenced) => k('create-table-references', { referenced })) : [k('create-table', {})];
    }
    case 'DropStmt': {
      const names = (node.objects ?? []).map((o: AstNode) => (o.List?.items ?? []).map((n: AstNode) => n.String?.sval).join('.'));
      if (node.removeType === 'OBJECT_TABLE') return names.map((table: string) => k('drop-table', { table }));
      if (node.removeType === 'OBJECT_INDEX') return names.map((index: string) => (node.concurrent ? k('drop-index-concurrently', { index }) : k('drop-index', { index })));
      if (node.removeType === 'OBJECT_VIEW' || node.removeType === 'OBJECT_MATVIEW') return names.map((view: string) => k('drop-view', { view }));
      if (node.removeType === 'OBJECT_TRIGGER') return [k('drop-trigger', { table: names[0]!.split('.').slice(0, -1).join('.') })];
      if (node.removeType === 'OBJECT_POLICY' || node.removeType === 'OBJECT_RULE') return [k(node.removeType === 'OBJECT_POLICY' ? 'policy' : 'create-rule', { table: names[0]!.split('.').slice(0, -1).join('.') })];
      return [];
    }
    case 'TruncateStmt':
      return (node.relations ?? []).map((r: AstNode) => k('truncate', { table: relationName(r.RangeVar) }));
    case 'AlterTableStmt': {
      const table = relationName(node.relation);
      const cmds = (node.cmds ?? []).map((c: AstNode) => c.AlterTableCmd ?? {});
      if (node.objtype === 'OBJECT_INDEX') return [];
      if (node.objtype === 'OBJECT_MATVIEW' || node.objtype === 'OBJECT_VIEW') return [k('replace-view', { view: table })];
      return cmds.flatMap((cmd: AstNode) => alterTableCommandKinds(table, cmd));
    }
    case 'RenameStmt': {
      const target = relationName(node.relation);
      if (node.renameType === 'OBJECT_TABLE') return [k('rename-table', { table: target })];
      if (node.renameType === 'OBJECT_COLUMN' || node.renameType === 'OBJECT_TABCONSTRAINT') return [k('rename-column', { table: target })];
      if (node.renameType === 'OBJECT_INDEX') return [k('rename-index', { index: target })];
      if (node.renameType === 'OBJECT_VIEW' || node.renameType === 'OBJECT_MATVIEW') return [k('rename-table', { table: target })];
      return [];
    }
    case 'AlterObjectSchemaStmt':
      return node.objectType === 'OBJECT_TABLE' ? [k('alter-table-set-schema', { table: relationName(node.relation) })] : [];
    case 'IndexStmt':
      return [k(node.concurrent ? 'create-index-concurrently' : 'create-index', { table: relationName(node.relation) })];
    case 'ReindexStmt': {
      if (!['REINDEX_OBJECT_INDEX', 'REINDEX_OBJECT_TABLE'].includes(node.kind)) return [k('reindex-schema', {})];
      // An invalid option value is refused by the server; read as not concurrent, the stronger lock.
      const concurrent = booleanOption(node.params, 'concurrently') === true;
      const target = relationName(node.relation);
      const role = node.kind === 'REINDEX_OBJECT_INDEX' ? 'index' : 'table';
      return [k(concurrent ? 'reindex-concurrently' : 'reindex', { [role]: target })];
    }
    case 'RefreshMatViewStmt':
      return [k(node.concurrent ? 'refresh-materialized-view-concurrently' : 'refresh-materialized-view', { view: relationName(node.relation) })];
    case 'LockStmt': {
      const mode = lockModeOfNumber(node.mode);
      return (node.relations ?? []).map((r: AstNode) => k(mode === 'ACCESS EXCLUSIVE' ? 'lock-table' : 'lock-table-share', { table: relationName(r.RangeVar) }, mode));
    }
    case 'VacuumStmt': {
      const tables = (node.rels ?? []).map((r: AstNode) => relationName(r.VacuumRelation?.relation));
      if (!node.is_vacuumcmd) return tables.map((table: string) => k('analyze', { table }));
      // An invalid FULL value is refused by the server; read as FULL, the stronger lock.
      const full = (node.options ?? []).some((o: AstNode) => o.DefElem?.defname === 'full') && booleanOption(node.options, 'full') !== false;
      return tables.map((table: string) => k(full ? 'vacuum-full' : 'vacuum', { table }));
    }
    case 'CreatedbStmt':
    case 'DropdbStmt':
      return [k('create-database', {})];
    case 'ClusterStmt':
      return node.relation ? [k('cluster', { table: relationName(node.relation) })] : [];
    case 'CreateTrigStmt':
      return [k('create-trigger', { table: relationName(node.relation) })];
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return [k('policy', { table: relationName(node.table) })];
    case 'RuleStmt':
      return [k('create-rule', { table: relationName(node.relation) })];
    case 'CommentStmt': {
      const items = (node.object?.List?.items ?? []).map((n: AstNode) => n.String?.sval);
      if (node.objtype === 'OBJECT_TABLE') return [k('comment', { table: items.join('.') })];
      if (node.objtype === 'OBJECT_COLUMN') return [k('comment', { table: items.slice(0, -1).join('.') })];
      return [];
    }
    case 'CreateStatsStmt':
      return (node.relations ?? []).map((r: AstNode) => k('create-statistics', { table: relationName(r.RangeVar) }));
    case 'ViewStmt':
      return node.replace ? [k('replace-view', { view: relationName(node.view) })] : [];
    case 'InsertStmt':
      return [k('insert', { table: relationName(node.relation) })];
    case 'UpdateStmt':
    case 'DeleteStmt':
      return [k('update', { table: relationName(node.relation) })];
    default:
      return [];
  }
}

/** The locks of classified kinds, strongest per relation. */
export function locksOf(kinds: ClassifiedKind[]): RelationLock[] {
  const byRelation = new Map<string, RelationLock>();
  for (const { kind, relations, mode } of kinds) {
    for (const lock of kind.locks) {
      const relation = relations[lock.role];
      if (!relation) continue;
      const lockMode = mode ?? lock.mode;
      const known = byRelation.get(relation);
      if (!known || stronger(lockMode, known.mode) !== known.mode) byRelation.set(relation, { relation, role: lock.role, mode: lockMode, kind });
    }
  }
  return [...byRelation.values()];
}
