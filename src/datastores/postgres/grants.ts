// What the scanner role needs granted to read a fact it could not read; shown as the hint. Pure.
export const GRANTS = {
  hba: 'GRANT SELECT ON pg_catalog.pg_hba_file_rules TO continuity_scanner; GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO continuity_scanner;',
  stats: 'GRANT pg_read_all_stats TO continuity_scanner; (or pg_monitor)',
  settings: 'GRANT pg_read_all_settings TO continuity_scanner; (or pg_monitor)',
  monitor: 'GRANT pg_monitor TO continuity_scanner;',
  statements:
    "shared_preload_libraries = 'pg_stat_statements' in postgresql.conf (a restart), then CREATE EXTENSION pg_stat_statements; in this database, and GRANT pg_read_all_stats TO continuity_scanner; (or pg_monitor)",
  /** EXPLAIN checks the privileges the statement itself needs. */
  explainSelect: (table: string) =>
    `GRANT SELECT ON ${table} TO continuity_scanner; (or GRANT pg_read_all_data TO continuity_scanner; on PostgreSQL 14+: EXPLAIN needs the privilege, the scanner never reads rows)`,
  explainWrite: (privilege: 'UPDATE' | 'DELETE', table: string) =>
    `GRANT ${privilege} ON ${table} TO continuity_scanner; (EXPLAIN needs the privilege the statement needs; the scanner's session stays read-only and never runs it)`,
};
