import { defineDatastoreCheck } from '../../src/engine/types';
import { DAY_MS } from '../../src/util';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.certificate-expiry',
  title: 'PostgreSQL server certificate is not about to expire',
  severity: 'medium',
  description: 'The certificate the server presents in the TLS handshake is valid for longer than the policy window.',
  remediation: 'Renew the server certificate (ssl_cert_file) and reload the server before it expires; automate renewal.',
  // A replacement certificate that expires sooner than the one it replaced is worth a drift event even while it passes.
  evidenceTrend: { notAfter: 'higher-is-better' },
  evaluate({ datastore, facts, policy, now }) {
    const resource = datastore.name;
    const cert = facts.certificate;
    if (!cert.ok) {
      return [{ resource, status: 'unknown', message: `the server certificate could not be read: ${cert.reason}`, evidence: [] }];
    }
    if (!cert.value.offered || !cert.value.notAfter) {
      return [{ resource, status: 'skipped', message: 'the server offers no TLS, so it has no certificate', evidence: [{ source: cert.source, field: 'SSLRequest answer', value: 'N' }] }];
    }
    const notAfter = new Date(cert.value.notAfter);
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
    const evidence = [
      { source: cert.source, field: 'notAfter', value: cert.value.notAfter },
      { source: cert.source, field: 'subject CN', value: cert.value.subject ?? null },
      { source: cert.source, field: 'issuer CN', value: cert.value.issuer ?? null },
    ];
    if (notAfter.getTime() <= now.getTime()) {
      return [{ resource, status: 'fail', message: `the server certificate expired on ${cert.value.notAfter}`, evidence }];
    }
    if (daysLeft < policy.certificateExpiryWarnDays) {
      return [{ resource, status: 'warn', message: `the server certificate expires in ${daysLeft} days`, evidence }];
    }
    return [{ resource, status: 'pass', message: `the server certificate is valid for ${daysLeft} more days`, evidence }];
  },
});
