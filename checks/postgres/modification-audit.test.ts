import { describe, expect, it } from 'vitest';
import check from './modification-audit';
import { observed, postgresFacts, run } from '../../test/support/postgres-facts';
import type { PgRoleSetting } from '../../src/datastores/postgres/facts';

type Source = 'configuration file' | 'default' | 'user' | 'database';
const settings = (values: Record<string, string | [string, Source]>) =>
  observed(
    'pg_settings',
    Object.fromEntries(
      Object.entries(values).map(([name, v]) => {
        const [setting, source] = typeof v === 'string' ? [v, 'configuration file'] : v;
        return [name, { name, setting, unit: null, source }];
      }),
    ),
  );
const roles = observed('pg_roles', [
  { name: 'app', superuser: false, canLogin: true },
  { name: 'continuity_scanner', superuser: false, canLogin: true },
  { name: 'reporting', superuser: false, canLogin: true },
]);
const overrides = (...rows: PgRoleSetting[]) => observed('pg_db_role_setting', rows);

describe('postgres.modification-audit', () => {
  it('passes with log_statement = mod from the server, naming the source', () => {
    const [f] = run(check, postgresFacts({ roles, settings: settings({ log_statement: 'mod', shared_preload_libraries: '' }) }));
    expect(f).toMatchObject({ status: 'pass', message: 'data modifications are recorded for every login role in app: log_statement = mod (server, configuration file)' });
  });
  it('passes with pgaudit logging writes', () => {
    const s = settings({ log_statement: 'none', shared_preload_libraries: 'pg_stat_statements, pgaudit', 'pgaudit.log': 'write, ddl' });
    expect(run(check, postgresFacts({ roles, settings: s }))[0]!.status).toBe('pass');
  });
  it('fails when nothing records modifications', () => {
    const s = settings({ log_statement: 'ddl', shared_preload_libraries: 'pgaudit', 'pgaudit.log': 'ddl' });
    expect(run(check, postgresFacts({ roles, settings: s }))[0]!.status).toBe('fail');
  });
  it("does not pass on the scanner's own role setting: the server's value is then unknown, with the fix", () => {
    const s = settings({ log_statement: ['all', 'user'], shared_preload_libraries: '' });
    const [f] = run(check, postgresFacts({ roles, settings: s, roleSettings: overrides({ role: 'continuity_scanner', database: null, name: 'log_statement', value: 'all' }) }));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toContain('ALTER ROLE continuity_scanner RESET log_statement');
  });
  it('fails for an application role that lowers it, naming the role and where', () => {
    const s = settings({ log_statement: 'mod', shared_preload_libraries: '' });
    const [f] = run(check, postgresFacts({ roles, settings: s, roleSettings: overrides({ role: 'app', database: null, name: 'log_statement', value: 'none' }) }));
    expect(f).toMatchObject({ status: 'fail', message: 'data modifications are not recorded for role app: log_statement = none (ALTER ROLE app SET); pgaudit not loaded' });
    expect(f!.evidence).toContainEqual({ source: 'pg_db_role_setting', field: 'ALTER ROLE app SET log_statement', value: 'none' });
    expect(f!.remediation.split('\n')[0]).toBe("ALTER ROLE app SET log_statement = 'mod';");
  });
  it('takes a per-database value over the server, and a per-role value in the database over both', () => {
    const s = settings({ log_statement: ['mod', 'database'], shared_preload_libraries: '' });
    const database = { role: null, database: 'app', name: 'log_statement', value: 'mod' };
    expect(run(check, postgresFacts({ roles, settings: s, roleSettings: overrides(database) }))[0]!.status).toBe('pass');
    const [f] = run(check, postgresFacts({ roles, settings: s, roleSettings: overrides(database, { role: 'reporting', database: 'app', name: 'log_statement', value: 'ddl' }) }));
    expect(f!.message).toContain('role reporting: log_statement = ddl (ALTER ROLE reporting IN DATABASE app SET)');
  });
  it('is unknown when shared_preload_libraries is hidden from the scanner', () => {
    const [f] = run(check, postgresFacts({ roles, settings: settings({ log_statement: 'none' }) }));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toMatch(/pg_read_all_settings/);
  });
});
