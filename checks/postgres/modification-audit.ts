import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { GRANTS } from '../../src/datastores/postgres/grants';
import { quoteIdent } from '../../src/datastores/postgres/identifiers';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import type { Evidence } from '../../src/model';
import { compareText } from './_catalog';

/** pg_settings sources that are the server's own value, not one of the scanner's session. */
const SERVER_SOURCES = new Set(['default', 'configuration file', 'command line', 'environment variable', 'override']);

interface Applied {
  /** undefined: cannot be told. */
  value: string | undefined;
  /** Where the value comes from, as a person would look for it. */
  from: string;
}

/**
 * The value of a setting in a session of `role` in this database, as PostgreSQL applies
 * it at connection: ALTER ROLE ... IN DATABASE, then ALTER ROLE, then ALTER DATABASE, then
 * the server's. The server's value is read from the scanner's own session only where that
 * session took it from the server: a per-role value of the scanner's role says nothing of
 * what the application's roles get.
 */
function appliedSetting(name: string, role: string | null, facts: PostgresFacts, database: string): Applied {
  const overrides = facts.roleSettings.ok ? facts.roleSettings.value.filter((s) => s.name === name) : [];
  const roleInDatabase = role === null ? undefined : overrides.find((s) => s.role === role && s.database !== null);
  if (role !== null && roleInDatabase) return { value: roleInDatabase.value, from: `ALTER ROLE ${quoteIdent(role)} IN DATABASE ${quoteIdent(database)} SET` };
  const roleWide = role === null ? undefined : overrides.find((s) => s.role === role && s.database === null);
  if (role !== null && roleWide) return { value: roleWide.value, from: `ALTER ROLE ${quoteIdent(role)} SET` };
  const databaseWide = overrides.find((s) => s.role === null && s.database !== null);
  if (databaseWide) return { value: databaseWide.value, from: `ALTER DATABASE ${quoteIdent(database)} SET` };
  return serverSetting(name, facts);
}

function serverSetting(name: string, facts: PostgresFacts): Applied {
  if (!facts.settings.ok) return { value: undefined, from: 'pg_settings unreadable' };
  const setting = facts.settings.value[name];
  if (!setting) return { value: undefined, from: 'not visible to the scanner' };
  if (SERVER_SOURCES.has(setting.source)) return { value: setting.setting, from: `server, ${setting.source}` };
  return { value: undefined, from: `the scanner's own session takes it from "${setting.source}", not from the server` };
}

function recordsWrites(logStatement: string | undefined, pgauditLoaded: boolean | undefined, pgauditLog: string | undefined): boolean | undefined {
  if (logStatement === 'mod' || logStatement === 'all') return true;
  const classes = (pgauditLog ?? '').toLowerCase().split(',').map((x) => x.trim());
  if (pgauditLoaded && (classes.includes('write') || classes.includes('all'))) return true;
  if (logStatement === undefined || pgauditLoaded === undefined || (pgauditLoaded && pgauditLog === undefined)) return undefined;
  return false;
}

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.modification-audit',
  title: 'Production data modifications are recorded',
  severity: 'medium',
  protection: true,
  description:
    "Seeds 001 and 002 require every modification of production data to be reviewed and traceable: the server logs data-modifying statements (log_statement = mod or all) or pgaudit logs writes, for every login role in the database. What applies is read from where PostgreSQL takes it (pg_settings.source, and pg_db_role_setting for ALTER ROLE and ALTER DATABASE values), not from the scanner's own session.",
  remediation:
    "Set log_statement = 'mod' (or load pgaudit and set pgaudit.log = 'write, ddl'), remove per-role and per-database values that lower it, and ship the server log to durable storage.",
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.settings.ok) return [unreadable(resource, facts.settings)];
    if (!facts.roleSettings.ok) return [unreadable(resource, facts.roleSettings)];
    if (!facts.roles.ok) return [unreadable(resource, facts.roles)];
    const database = facts.endpoint.database;
    const preload = facts.settings.value.shared_preload_libraries?.setting;
    const pgauditLoaded = preload === undefined ? undefined : preload.split(',').map((x) => x.trim()).includes('pgaudit');
    // Every login role but the scanner's own (administrators' changes are modifications too), and any
    // role without a value of its own: what a new role would get in this database.
    const roles = facts.roles.value.filter((r) => r.canLogin && r.name !== facts.endpoint.user).map((r) => r.name).sort(compareText);
    const ownValue = new Set(facts.roleSettings.value.filter((s) => s.role !== null).map((s) => s.role));
    const judge = (role: string | null, label: string) => {
      const logStatement = appliedSetting('log_statement', role, facts, database);
      const pgauditLog = appliedSetting('pgaudit.log', role, facts, database);
      return { label, logStatement, pgauditLog, records: recordsWrites(logStatement.value, pgauditLoaded, pgauditLog.value) };
    };
    const withoutOwn = roles.filter((r) => !ownValue.has(r));
    const judged = [
      judge(null, withoutOwn.length > 0 ? `${withoutOwn.length} login roles without a value of their own (${withoutOwn.join(', ')})` : 'any role without a value of its own'),
      ...roles.filter((r) => ownValue.has(r)).map((r) => judge(r, `role ${r}`)),
    ];
    const server = serverSetting('log_statement', facts);
    const overrides = facts.roleSettings.value.filter((s) => s.role !== facts.endpoint.user);
    const evidence: Evidence[] = [
      { source: 'pg_settings', field: 'log_statement (server)', value: server.value === undefined ? `unknown: ${server.from}` : `${server.value} (${server.from})` },
      { source: 'pg_settings', field: 'shared_preload_libraries', value: preload ?? 'unreadable' },
      ...(pgauditLoaded ? [{ source: 'pg_settings', field: 'pgaudit.log (server)', value: serverSetting('pgaudit.log', facts).value ?? null }] : []),
      ...overrides.map((s) => ({
        source: 'pg_db_role_setting',
        field: `${s.role === null ? `ALTER DATABASE ${quoteIdent(s.database ?? '')}` : `ALTER ROLE ${quoteIdent(s.role)}${s.database === null ? '' : ` IN DATABASE ${quoteIdent(s.database)}`}`} SET ${s.name}`,
        value: s.value,
      })),
      { source: 'pg_roles', field: 'login roles judged', value: roles.length },
    ];
    const describe = (j: (typeof judged)[number]) => `${j.label}: log_statement = ${j.logStatement.value ?? 'unknown'} (${j.logStatement.from})`;
    const failing = judged.filter((j) => j.records === false);
    if (failing.length > 0) {
      const fixes = failing.map((j) =>
        j.logStatement.from.startsWith('ALTER ROLE') || j.logStatement.from.startsWith('ALTER DATABASE')
          ? `${j.logStatement.from.replace(/ SET$/, '')} SET log_statement = 'mod';`
          : "ALTER SYSTEM SET log_statement = 'mod';\nSELECT pg_reload_conf();",
      );
      return [
        {
          resource,
          status: 'fail',
          message: `data modifications are not recorded for ${failing.map(describe).join('; ')}${pgauditLoaded ? '' : '; pgaudit not loaded'}`,
          evidence,
          remediation: [...new Set(fixes), '-- and ship the server log to durable storage'].join('\n'),
        },
      ];
    }
    const unknown = judged.filter((j) => j.records === undefined);
    if (unknown.length > 0) {
      const scannerOverride = server.value === undefined && facts.settings.value.log_statement !== undefined;
      const hint = scannerOverride
        ? `; remove the scanner role's own value so that its session reads the server's (ALTER ROLE ${quoteIdent(facts.endpoint.user)} RESET log_statement)`
        : preload === undefined
          ? `; whether pgaudit is loaded could not be read; to allow it: ${GRANTS.settings}`
          : '';
      return [
        {
          resource,
          status: 'unknown',
          message: `whether data modifications are recorded could not be established for ${unknown.map(describe).join('; ')}${hint}`,
          evidence,
        },
      ];
    }
    const how = [...new Set(judged.map((j) => (j.logStatement.value === 'mod' || j.logStatement.value === 'all' ? `log_statement = ${j.logStatement.value} (${j.logStatement.from})` : `pgaudit.log = ${j.pgauditLog.value} (${j.pgauditLog.from})`)))];
    return [
      {
        resource,
        status: 'pass',
        message: `data modifications are recorded for every login role in ${database}: ${how.join('; ')}`,
        evidence,
      },
    ];
  },
});
