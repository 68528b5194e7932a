import { describe, expect, it } from 'vitest';
import check, { firstPlaintextRule } from './ssl-enforced';
import { hba, observed, postgresFacts, run, unavailable } from '../../test/support/postgres-facts';

describe('postgres.ssl-enforced', () => {
  it('passes with ssl on, hostssl-only rules and plaintext refused', () => {
    const [f] = run(check, postgresFacts());
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toContainEqual({ source: 'pg_hba_file_rules', field: 'rules reachable without TLS', value: 'none' });
  });

  it('fails when ssl is off', () => {
    const facts = postgresFacts({ settings: observed('pg_settings', { ssl: { name: 'ssl', setting: 'off', unit: null, source: 'default' } }) });
    expect(run(check, facts)[0]).toMatchObject({ status: 'fail', message: expect.stringMatching(/ssl = off/) });
  });

  it('fails on a host rule reachable before hostssl, naming the file and line', () => {
    const facts = postgresFacts({ hbaRules: observed('pg_hba_file_rules', [hba(3, 'host', 'md5', '10.0.0.0', '255.0.0.0'), hba(4, 'hostssl', 'scram-sha-256')]) });
    const [f] = run(check, facts);
    expect(f!.status).toBe('fail');
    expect(f!.message).toContain('/etc/postgresql/pg_hba.conf:3: host all all 10.0.0.0/255.0.0.0 md5');
  });

  it('fails when the plaintext probe was accepted or clients connect without TLS', () => {
    expect(run(check, postgresFacts({ plaintextProbe: observed('probe', { accepted: true, detail: 'accepted' }) }))[0]!.status).toBe('fail');
    const plaintextClients = postgresFacts({ connectionTls: observed('pg_stat_ssl', { tls: 3, plaintext: 1 }) });
    expect(run(check, plaintextClients)[0]!.message).toMatch(/1 of 4 client sessions are connected without TLS/);
  });

  it('is unknown, with the GRANT, when pg_hba rules cannot be read', () => {
    const facts = postgresFacts({ hbaRules: unavailable('pg_hba_file_rules', 'permission denied for view pg_hba_file_rules', 'GRANT SELECT ON pg_catalog.pg_hba_file_rules TO x;') });
    const [f] = run(check, facts);
    expect(f!.status).toBe('unknown');
    expect(f!.message).toMatch(/GRANT SELECT ON pg_catalog.pg_hba_file_rules/);
  });

  it('is unknown, not a pass, when pg_hba.conf has an error: the server keeps the rules it loaded before', () => {
    const broken = { ...hba(3, 'host', 'md5'), error: 'invalid authentication method "md6"' };
    const facts = postgresFacts({ hbaRules: observed('pg_hba_file_rules', [hba(1, 'hostssl', 'scram-sha-256'), broken]) });
    const [f] = run(check, facts);
    expect(f!.status).toBe('unknown');
    expect(f!.message).toMatch(/not fully assessed: pg_hba.conf has an error \(line 3: invalid authentication method "md6"\)/);
  });

  it('is unknown, not a pass, when no plaintext connection was attempted: the file is not shown to be what the server loaded', () => {
    const facts = postgresFacts({ plaintextProbe: unavailable('plaintext probe', 'connected over a Unix socket: TLS does not apply') });
    const [f] = run(check, facts);
    expect(f!.status).toBe('unknown');
    expect(f!.message).toContain('not fully assessed: no pg_hba.conf rule admits a connection without TLS, but no connection without TLS was attempted (connected over a Unix socket: TLS does not apply)');
  });

  it('warns when TLS versions before 1.2 are allowed', () => {
    const facts = postgresFacts();
    if (facts.settings.ok) facts.settings.value.ssl_min_protocol_version = { name: 'ssl_min_protocol_version', setting: 'TLSv1', unit: null, source: 'file' };
    expect(run(check, facts)[0]!.status).toBe('warn');
  });
});

describe('firstPlaintextRule', () => {
  it('treats a reject-everything rule as shutting the path for later host rules', () => {
    expect(firstPlaintextRule([hba(1, 'hostnossl', 'reject'), hba(2, 'host', 'md5')])).toBeUndefined();
  });

  it('does not let an IPv4-only reject shadow a later rule for all addresses', () => {
    const rules = [hba(1, 'hostnossl', 'reject', '0.0.0.0', '0.0.0.0'), hba(2, 'host', 'md5', 'all')];
    expect(firstPlaintextRule(rules)?.order).toBe(2);
    const v6 = [hba(1, 'hostnossl', 'reject', '0.0.0.0', '0.0.0.0'), hba(2, 'host', 'md5', '::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')];
    expect(firstPlaintextRule(v6)?.order).toBe(2);
  });

  it('ignores local and hostssl/hostgssenc rules and rules with errors', () => {
    const broken = { ...hba(3, 'host', 'md5'), error: 'invalid auth method' };
    expect(firstPlaintextRule([hba(1, 'local', 'trust', null), hba(2, 'hostgssenc', 'gss'), broken])).toBeUndefined();
  });
});
