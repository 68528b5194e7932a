import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { quoteIdent, roleKey } from '../../src/datastores/postgres/identifiers';
import { byResource } from './_catalog';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.superuser-login-roles',
  title: 'Only administrators log in as superuser',
  severity: 'high',
  description:
    'A login role with superuser bypasses every permission and row security policy; seed 002 asks that changes are not made as superuser. Roles listed in policy.adminRoles are expected.',
  remediation: 'ALTER ROLE <name> NOSUPERUSER, granting only the privileges the application needs; list true administrators in policy.adminRoles.',
  evaluate({ datastore, facts, policy }): FindingDraft[] {
    if (!facts.roles.ok) return [unreadable(datastore.name, facts.roles)];
    const logins = facts.roles.value.filter((r) => r.canLogin);
    const unexpected = logins.filter((r) => r.superuser && !policy.adminRoles.includes(r.name));
    const findings: FindingDraft[] = unexpected.map((r) => ({
      resource: roleKey(datastore.name, r.name),
      status: 'fail',
      message: `login role ${r.name} is a superuser and is not a listed administrator`,
      evidence: [{ source: 'pg_roles', field: `${r.name}.rolsuper`, value: true }],
      remediation: `ALTER ROLE ${quoteIdent(r.name)} NOSUPERUSER;`,
    }));
    if (facts.privileges.superuser) {
      findings.push({
        resource: roleKey(datastore.name, facts.endpoint.user),
        status: 'warn',
        message: `the scanner connects as superuser ${facts.endpoint.user}; give it a role with pg_monitor only`,
        evidence: [{ source: 'pg_roles', field: `${facts.endpoint.user}.rolsuper`, value: true }],
        remediation: 'Create the least-privilege scanner role from the README and use it in the connection URL.',
      });
    }
    if (findings.length > 0) return byResource(findings);
    return [
      {
        resource: datastore.name,
        status: 'pass',
        message: `no unexpected superuser among ${logins.length} login roles`,
        evidence: [
          { source: 'pg_roles', field: 'login roles', value: logins.length },
          { source: 'pg_roles', field: 'superuser login roles', value: logins.filter((r) => r.superuser).map((r) => r.name).join(', ') || 'none' },
        ],
      },
    ];
  },
});
