import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { tableName } from '../../src/datastores/postgres/facts';
import { classifyColumn } from '../../src/sensitivity';
import { groupBy } from '../../src/util';
import type { Evidence } from '../../src/model';
import { EXPOSED_BY_DEFAULT_WITHOUT_TABLES, SUPABASE_MANAGED_SCHEMAS } from '../../src/datastores/supabase-project/schemas';

const MAX_COLUMNS_LISTED = 10;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'supabase.rls-disabled-in-api',
  title: 'Tables exposed through the Supabase Data API have row level security',
  severity: 'high',
  description:
    'A table in a schema the Data API exposes, readable by the anon or authenticated role, without row level security can be read in full by anyone holding the public anon key (or any signed-up user). Severity is raised to critical when the table holds sensitive columns. Same rule as Supabase splinter lint 0013.',
  remediation:
    'ALTER TABLE ... ENABLE ROW LEVEL SECURITY and add policies for the access the application needs; or REVOKE SELECT from anon and authenticated; or move the table to a schema the Data API does not expose.',
  docs: 'https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public',
  evaluate({ datastore, facts }): FindingDraft[] {
    if (datastore.type !== 'supabase-project') return [];
    const resource = datastore.name;
    if (!facts.apiRoleAccess) {
      return [
        {
          resource,
          status: 'unknown',
          message:
            "the Data API roles anon and authenticated were not found in this database (or pg_roles could not be read): is the configured url the project's database?",
          evidence: [{ source: 'pg_roles', field: 'anon, authenticated', value: facts.roles.ok ? 'absent' : `unreadable: ${facts.roles.reason}` }],
        },
      ];
    }
    if (!facts.apiRoleAccess.ok) return [unreadable(resource, facts.apiRoleAccess)];
    if (!facts.tables.ok) return [unreadable(resource, facts.tables)];
    if (!facts.dataApiSchemas) {
      return [{ resource, status: 'unknown', message: 'the schemas the Data API exposes were not read', evidence: [] }];
    }
    if (!facts.dataApiSchemas.ok) {
      const finding = unreadable(resource, facts.dataApiSchemas);
      return [{ ...finding, message: `the schemas the Data API exposes are unknown: ${finding.message}; or set exposedSchemas in config` }];
    }
    const exposedSchemas = facts.dataApiSchemas.value;
    const schemasSource = facts.dataApiSchemas.source;
    // The scan leaves Supabase's own schemas out, so an exposed one was not looked at: say so rather than pass it.
    const unscanned = exposedSchemas.filter((s) => SUPABASE_MANAGED_SCHEMAS.includes(s) && !EXPOSED_BY_DEFAULT_WITHOUT_TABLES.includes(s));
    if (unscanned.length > 0) {
      return [
        {
          resource,
          status: 'unknown',
          message: `the exposed schemas ${unscanned.join(', ')} are Supabase-managed and left out of the database scan, so their tables' row level security was not checked`,
          evidence: [{ source: schemasSource, field: 'exposed schemas', value: exposedSchemas.join(', ') }],
        },
      ];
    }
    const tableByOid = new Map(facts.tables.value.map((t) => [t.oid, t]));
    const columnsByTable = facts.columns.ok ? groupBy(facts.columns.value, (c) => c.tableOid) : undefined;
    const inApi = facts.apiRoleAccess.value.flatMap((access) => {
      const table = tableByOid.get(access.tableOid);
      return table && exposedSchemas.includes(table.schema) ? [{ table, access }] : [];
    });
    const source = 'pg_class.relrowsecurity, has_any_column_privilege';
    const exposed = inApi.filter(({ access }) => !access.rowSecurity && access.readableBy.length > 0);
    if (exposed.length === 0) {
      return [
        {
          resource,
          status: 'pass',
          message: `no table in the exposed schemas (${exposedSchemas.join(', ')}) is readable by anon or authenticated without row level security (${inApi.length} tables checked)`,
          evidence: [
            { source: schemasSource, field: 'exposed schemas', value: exposedSchemas.join(', ') },
            { source, field: 'tables in exposed schemas', value: inApi.length },
            { source, field: 'with row level security', value: inApi.filter(({ access }) => access.rowSecurity).length },
          ],
        },
      ];
    }
    return exposed.map(({ table, access }) => {
      const name = tableName(table);
      const sensitive = (columnsByTable?.get(table.oid) ?? []).flatMap((c) => {
        const found = classifyColumn({ table: table.name, name: c.name, type: c.type, comment: c.comment });
        return found ? [{ column: c.name, ...found }] : [];
      });
      const evidence: Evidence[] = [
        { source: 'pg_class', field: `${name}.relrowsecurity`, value: false },
        { source: 'has_any_column_privilege', field: `${name} SELECT`, value: access.readableBy.join(', ') },
        ...sensitive
          .slice(0, MAX_COLUMNS_LISTED)
          .map((s) => ({ source: s.basis === 'comment' ? 'pg_description' : 'pg_attribute', field: `${name}.${s.column}`, value: s.class })),
      ];
      if (!columnsByTable) evidence.push({ source: 'pg_attribute', field: 'columns', value: 'unreadable: sensitivity not assessed' });
      const who = access.readableBy.includes('anon') ? 'anyone with the anon key' : 'any signed-in user';
      const classes = [...new Set(sensitive.map((s) => s.class))];
      return {
        resource: `${resource}:${name}`,
        status: 'fail' as const,
        message:
          `${name} is exposed through the Data API without row level security: ${who} can read every row` +
          (sensitive.length > 0 ? `, including ${sensitive.length} sensitive column(s) (${classes.join(', ')})` : ''),
        evidence,
        remediation: `ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;\n-- then CREATE POLICY ... ON ${name} for the reads the application needs: without a policy, anon and authenticated read nothing`,
        ...(sensitive.length > 0 ? { severity: 'critical' as const, answer: 'yes' as const } : {}),
      };
    });
  },
});
