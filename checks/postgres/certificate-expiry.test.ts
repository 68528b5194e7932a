import { describe, expect, it } from 'vitest';
import check from './certificate-expiry';
import { NOW, observed, postgresFacts, run, unavailable } from '../../test/support/postgres-facts';

const cert = (notAfter: string) => observed('TLS handshake', { offered: true, notAfter, subject: 'db', issuer: 'ca' });

describe('postgres.certificate-expiry', () => {
  it('passes when the certificate is valid beyond the warning window', () => {
    expect(run(check, postgresFacts({ certificate: cert('2027-03-01T00:00:00Z') }), { now: NOW })[0]!.status).toBe('pass');
  });
  it('warns inside 30 days', () => {
    const [f] = run(check, postgresFacts({ certificate: cert('2026-12-05T12:00:00Z') }), { now: NOW });
    expect(f).toMatchObject({ status: 'warn', message: 'the server certificate expires in 14 days' });
  });
  it('fails once expired', () => {
    expect(run(check, postgresFacts({ certificate: cert('2026-11-20T00:00:00Z') }), { now: NOW })[0]!.status).toBe('fail');
  });
  it('is unknown when the handshake failed and skipped when no TLS is offered', () => {
    expect(run(check, postgresFacts({ certificate: unavailable('TLS handshake', 'ECONNRESET') }))[0]!.status).toBe('unknown');
    expect(run(check, postgresFacts({ certificate: observed('TLS handshake', { offered: false }) }))[0]!.status).toBe('skipped');
  });
});
