// Catalog queries: metadata only, never row data, one query per kind of fact
// per database (never one per table), so their number does not grow with the schema.

export const SETTING_NAMES = [
  'ssl',
  'ssl_min_protocol_version',
  'log_statement',
  'shared_preload_libraries',
  'pgaudit.log',
  'track_counts',
  'server_version_num',
  'server_version',
  'archive_mode',
  'archive_command',
  'archive_library',
  'archive_timeout',
  'wal_segment_size',
];

/** Settings whose per-role and per-database values decide what applies to the application's sessions. */
export const ROLE_SETTING_NAMES = ['log_statement', 'pgaudit.log'];

export const SETTINGS_SQL = `
select name, setting, unit, source from pg_catalog.pg_settings where name = any($1::text[])`;

export const PRIVILEGES_SQL = `
select r.rolsuper as superuser,
       pg_catalog.pg_has_role(current_user, 'pg_read_all_settings', 'usage') as read_all_settings,
       pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'usage') as read_all_stats,
       pg_catalog.current_setting('transaction_read_only') as read_only,
       pg_catalog.current_setting('server_version_num')::int as version_num
from pg_catalog.pg_roles r where r.rolname = current_user`;

export const HBA_SQL = `select * from pg_catalog.pg_hba_file_rules`;

/** TLS use of other client sessions; the scanner's own session is left out. */
export const CONNECTION_TLS_SQL = `
select count(*) filter (where s.ssl) as tls,
       count(*) filter (where not s.ssl) as plaintext
from pg_catalog.pg_stat_ssl s
join pg_catalog.pg_stat_activity a on a.pid = s.pid
where a.backend_type = 'client backend'
  and a.pid <> pg_catalog.pg_backend_pid()
  and a.client_port is not null and a.client_port <> -1`;

/**
 * The relations in scope: user tables, partitioned tables and their partitions,
 * outside system schemas, the configured excluded schemas ($1) and not owned by
 * an extension. Every result is ordered by name (byte order), so that findings do
 * not follow the catalog's physical row order, which differs between servers.
 */
const SCOPE = `
scope as (
  select c.oid, c.relname, c.relkind, c.relrowsecurity, c.relispartition, n.nspname
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p')
    and n.nspname not in ('pg_catalog', 'information_schema')
    and n.nspname not like 'pg\\_toast%'
    and n.nspname not like 'pg\\_temp\\_%'
    and n.nspname <> all($1::text[])
    and not exists (
      select 1 from pg_catalog.pg_depend d
      where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    and not exists (
      select 1 from pg_catalog.pg_depend d
      where d.classid = 'pg_catalog.pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')
)`;

export const TABLES_SQL = `
with ${SCOPE},
primary_keys as (select distinct indrelid from pg_catalog.pg_index where indisprimary)
select s.oid::int8 as oid, s.nspname as schema, s.relname as name, s.relkind as kind,
       inh.inhparent::int8 as partition_of,
       (pk.indrelid is not null) as has_primary_key,
       st.n_live_tup::int8 as live_rows, st.seq_scan::int8 as seq_scans, st.idx_scan::int8 as index_scans
from scope s
left join pg_catalog.pg_inherits inh on s.relispartition and inh.inhrelid = s.oid
left join primary_keys pk on pk.indrelid = s.oid
left join pg_catalog.pg_stat_user_tables st on st.relid = s.oid
order by s.nspname collate "C", s.relname collate "C"`;

/**
 * Foreign keys are declared on a table or a partition (conparentid = 0); the copies
 * PostgreSQL makes on each partition of a partitioned table are left out.
 */
export const FOREIGN_KEYS_SQL = `
with ${SCOPE}
select con.conname as name, con.conrelid::int8 as table_oid, con.conkey::int2[] as columns,
       con.confrelid::regclass::text as referenced_table
from pg_catalog.pg_constraint con
join scope s on s.oid = con.conrelid
where con.contype = 'f' and con.conparentid = 0
order by s.nspname collate "C", s.relname collate "C", con.conname collate "C"`;

/**
 * Every index; indnullsnotdistinct exists from PostgreSQL 15 on. Its rows are wide (the
 * expressions and predicates as text): the collector orders them by name, cheaper than the server.
 */
export function indexesSql(versionNum: number): string {
  const nullsNotDistinct = versionNum >= 150000 ? 'i.indnullsnotdistinct' : 'false';
  return `
with ${SCOPE},
constraint_indexes as (
  select distinct conindid from pg_catalog.pg_constraint where contype in ('p', 'u', 'x') and conindid <> 0)
select i.indexrelid::int8 as oid, i.indrelid::int8 as table_oid, s.nspname as schema, ci.relname as name,
       am.amname as method, i.indnkeyatts::int as key_count, i.indkey::int2[] as columns,
       i.indclass::oid[] as operator_classes, i.indcollation::oid[] as collations, i.indoption::int2[] as sort_options,
       i.indisunique as is_unique, ${nullsNotDistinct} as nulls_not_distinct,
       i.indisprimary as is_primary, (i.indisvalid and i.indisready) as is_valid,
       (ce.conindid is not null) as backs_constraint,
       (ci.relkind = 'I') as partitioned, inh.inhparent::int8 as attached_to,
       case when ci.relkind = 'I' and not i.indisvalid then pg_catalog.pg_get_indexdef(i.indexrelid) end as definition,
       pg_catalog.pg_get_expr(i.indexprs, i.indrelid) as expressions,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid) as predicate,
       (ci.relpages::int8 * pg_catalog.current_setting('block_size')::int8) as size_bytes,
       -- pg_stat_user_indexes.idx_scan, read from the function behind the view (a partitioned index has none)
       case when ci.relkind = 'i' then pg_catalog.pg_stat_get_numscans(i.indexrelid)::int8 end as scans
from pg_catalog.pg_index i
join scope s on s.oid = i.indrelid
join pg_catalog.pg_class ci on ci.oid = i.indexrelid
join pg_catalog.pg_am am on am.oid = ci.relam
left join pg_catalog.pg_inherits inh on ci.relispartition and inh.inhrelid = i.indexrelid
left join constraint_indexes ce on ce.conindid = i.indexrelid`;
}

export const COLUMNS_SQL = `
with ${SCOPE}
select a.attrelid::int8 as table_oid, a.attnum::int as number, a.attname as name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
       d.description as comment
from pg_catalog.pg_attribute a
join scope s on s.oid = a.attrelid
left join pg_catalog.pg_description d
  on d.classoid = 'pg_catalog.pg_class'::regclass and d.objoid = a.attrelid and d.objsubid = a.attnum
where a.attnum > 0 and not a.attisdropped
order by s.nspname collate "C", s.relname collate "C", a.attnum`;

export const ROLES_SQL = `
select rolname as name, rolsuper as superuser, rolcanlogin as can_login from pg_catalog.pg_roles
order by rolname collate "C"`;

/**
 * Per-role and per-database values ($1: setting names) that apply in this database:
 * ALTER ROLE r SET, ALTER ROLE r IN DATABASE d SET, ALTER DATABASE d SET.
 */
export const ROLE_SETTINGS_SQL = `
select r.rolname as role, d.datname as database,
       pg_catalog.split_part(cfg, '=', 1) as name, pg_catalog.substr(cfg, pg_catalog.strpos(cfg, '=') + 1) as value
from pg_catalog.pg_db_role_setting s
left join pg_catalog.pg_roles r on r.oid = s.setrole
left join pg_catalog.pg_database d on d.oid = s.setdatabase
cross join lateral pg_catalog.unnest(s.setconfig) cfg
where (s.setdatabase = 0 or d.datname = pg_catalog.current_database())
  and pg_catalog.split_part(cfg, '=', 1) = any($1::text[])
order by r.rolname collate "C" nulls first, d.datname collate "C" nulls first, 3`;

/** WAL archiving as the archiver reports it, on the server's clock. */
export const ARCHIVER_SQL = `
select pg_catalog.now() as read_at, pg_catalog.pg_is_in_recovery() as in_recovery,
       a.archived_count::int8, a.last_archived_wal, a.last_archived_time,
       a.failed_count::int8, a.last_failed_wal, a.last_failed_time,
       case when pg_catalog.pg_is_in_recovery() then null
            else pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_insert_lsn()) end as current_wal
from pg_catalog.pg_stat_archiver a`;

/** Segments waiting for the archiver (pg_monitor may list archive_status). */
export const ARCHIVE_BACKLOG_SQL = `
select count(*)::int8 as ready from pg_catalog.pg_ls_archive_statusdir() where name like '%.ready'`;

/**
 * Reset times of the statistics: the database's (pg_stat_reset(), and a reset of one
 * table's counters), and two shared ones that PostgreSQL resets with every counter when
 * it discards them after a crash (the database's own time is then empty).
 */
export const STATS_SINCE_SQL = `
select d.stats_reset as database_reset, a.stats_reset as archiver_reset, b.stats_reset as bgwriter_reset,
       pg_catalog.pg_postmaster_start_time() as server_start
from pg_catalog.pg_stat_database d, pg_catalog.pg_stat_archiver a, pg_catalog.pg_stat_bgwriter b
where d.datname = pg_catalog.current_database()`;

/**
 * For each table in scope: row level security, and which of the API roles ($2)
 * can read it. Column grants count: PostgREST serves granted columns too.
 */
export const API_ROLE_ACCESS_SQL = `
with ${SCOPE}
select s.oid::int8 as table_oid, s.relrowsecurity as row_security,
       array(select r from unnest($2::text[]) r where pg_catalog.has_any_column_privilege(r, s.oid, 'SELECT')) as readable_by
from scope s
where not s.relispartition
order by s.nspname collate "C", s.relname collate "C"`;
