import { describe, expect, it } from 'vitest';
import check from './modification-audit';
import { observed, postgresFacts, run } from '../../test/support/postgres-facts';

const settings = (values: Record<string, string>) =>
  observed('pg_settings', Object.fromEntries(Object.entries(values).map(([name, setting]) => [name, { name, setting, unit: null, source: 'file' }])));

describe('postgres.modification-audit', () => {
  it('passes with log_statement = mod', () => {
    expect(run(check, postgresFacts({ settings: settings({ log_statement: 'mod', shared_preload_libraries: '' }) }))[0]!.status).toBe('pass');
  });
  it('passes with pgaudit logging writes', () => {
    const s = settings({ log_statement: 'none', shared_preload_libraries: 'pg_stat_statements, pgaudit', 'pgaudit.log': 'write, ddl' });
    expect(run(check, postgresFacts({ settings: s }))[0]!.status).toBe('pass');
  });
  it('fails when nothing records modifications', () => {
    const s = settings({ log_statement: 'ddl', shared_preload_libraries: 'pgaudit', 'pgaudit.log': 'ddl' });
    expect(run(check, postgresFacts({ settings: s }))[0]!.status).toBe('fail');
  });
  it('is unknown when shared_preload_libraries is hidden from the scanner', () => {
    const [f] = run(check, postgresFacts({ settings: settings({ log_statement: 'none' }) }));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toMatch(/pg_read_all_settings/);
  });
});
