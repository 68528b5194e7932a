import { describe, expect, it } from 'vitest';
import check from './superuser-login-roles';
import { observed, postgresFacts, run } from '../../test/support/postgres-facts';

const roles = (...r: [string, boolean, boolean][]) => observed('pg_roles', r.map(([name, superuser, canLogin]) => ({ name, superuser, canLogin })));

describe('postgres.superuser-login-roles', () => {
  it('passes when only listed administrators are superusers', () => {
    expect(run(check, postgresFacts({ roles: roles(['postgres', true, true], ['app', false, true], ['nologin_su', true, false]) }))[0]!.status).toBe('pass');
  });
  it('fails for an application login role with superuser', () => {
    const findings = run(check, postgresFacts({ roles: roles(['postgres', true, true], ['app', true, true], ['Ops Admin', true, true]) }));
    expect(findings).toEqual([
      expect.objectContaining({ status: 'fail', resource: 'db:role "Ops Admin"', remediation: 'ALTER ROLE "Ops Admin" NOSUPERUSER;' }),
      expect.objectContaining({ status: 'fail', resource: 'db:role app', remediation: 'ALTER ROLE app NOSUPERUSER;' }),
    ]);
  });
  it('warns when the scanner itself connects as superuser', () => {
    const facts = postgresFacts({ roles: roles(['postgres', true, true]), privileges: { superuser: true, readAllSettings: true, readAllStats: true } });
    expect(run(check, facts)[0]!.status).toBe('warn');
  });
});
