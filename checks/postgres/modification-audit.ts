import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { GRANTS } from '../../src/datastores/postgres/grants';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.modification-audit',
  title: 'Production data modifications are recorded',
  severity: 'medium',
  protection: true,
  description:
    'Seeds 001 and 002 require every modification of production data to be reviewed and traceable: the server logs data-modifying statements (log_statement = mod or all) or pgaudit logs writes.',
  remediation:
    "Set log_statement = 'mod' (or load pgaudit and set pgaudit.log = 'write, ddl'), and ship the server log to durable storage.",
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.settings.ok) return [unreadable(resource, facts.settings)];
    const s = facts.settings.value;
    const logStatement = s.log_statement?.setting;
    const preload = s.shared_preload_libraries?.setting;
    const pgauditLog = s['pgaudit.log']?.setting;
    const evidence = [
      { source: 'pg_settings', field: 'log_statement', value: logStatement ?? null },
      { source: 'pg_settings', field: 'shared_preload_libraries', value: preload ?? 'unreadable' },
      { source: 'pg_settings', field: 'pgaudit.log', value: pgauditLog ?? null },
    ];
    if (logStatement === 'mod' || logStatement === 'all') {
      return [{ resource, status: 'pass', message: `log_statement = ${logStatement} records data modifications`, evidence }];
    }
    const pgauditLoaded = preload?.split(',').map((x) => x.trim()).includes('pgaudit');
    const classes = (pgauditLog ?? '').toLowerCase().split(',').map((x) => x.trim());
    if (pgauditLoaded && (classes.includes('write') || classes.includes('all'))) {
      return [{ resource, status: 'pass', message: `pgaudit logs writes (pgaudit.log = ${pgauditLog})`, evidence }];
    }
    if (preload === undefined && logStatement !== undefined) {
      return [
        {
          resource,
          status: 'unknown',
          message: `log_statement = ${logStatement} does not record modifications, and whether pgaudit is loaded could not be read; to allow it: ${GRANTS.settings}`,
          evidence,
        },
      ];
    }
    return [
      {
        resource,
        status: 'fail',
        message: `data modifications are not recorded: log_statement = ${logStatement ?? 'unknown'}${pgauditLoaded ? `, pgaudit.log = ${pgauditLog ?? 'none'}` : ', pgaudit not loaded'}`,
        evidence,
      },
    ];
  },
});
