// What the scanner role needs granted to read a fact it could not read; shown as the hint. Pure.
export const GRANTS = {
  hba: 'GRANT SELECT ON pg_catalog.pg_hba_file_rules TO continuity_scanner; GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO continuity_scanner;',
  stats: 'GRANT pg_read_all_stats TO continuity_scanner; (or pg_monitor)',
  settings: 'GRANT pg_read_all_settings TO continuity_scanner; (or pg_monitor)',
  monitor: 'GRANT pg_monitor TO continuity_scanner;',
};
