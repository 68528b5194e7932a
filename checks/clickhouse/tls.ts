import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import type { PlaintextProbe } from '../../src/datastores/clickhouse/facts';

const OPEN = new Set(['http-answered', 'native-answered']);
const PORT_SOURCE: Record<PlaintextProbe['portSource'], string> = {
  getServerPort: 'getServerPort()',
  default: "ClickHouse's default: the server registers none",
  unread: "ClickHouse's default: getServerPort() could not be read",
};

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'clickhouse',
  id: 'clickhouse.tls',
  title: 'ClickHouse accepts connections over TLS only',
  severity: 'high',
  description:
    "The server has a secure port (getServerPort('https_port') or getServerPort('tcp_port_secure')) and an active probe of the plaintext HTTP and native ports (the ones the server registers, else 8123 and 9000) finds them refused or closed. The probe sends one HTTP request line and no credentials.",
  remediation:
    'In the server config, remove <http_port> and <tcp_port> (keep <https_port> and <tcp_port_secure> with a certificate in <openSSL>), or block the plaintext ports at the network; connect clients with https:// and --secure.',
  docs: 'https://clickhouse.com/docs/guides/sre/configuring-ssl',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    const { https, tcpSecure } = facts.ports;
    const connectedOverTls = facts.server.endpoint.startsWith('https:');
    const evidence: Evidence[] = [
      { source: https.source, field: 'https_port', value: https.ok ? https.value : `unknown: ${https.reason}` },
      { source: tcpSecure.source, field: 'tcp_port_secure', value: tcpSecure.ok ? tcpSecure.value : `unknown: ${tcpSecure.reason}` },
      { source: 'scanner connection', field: 'endpoint', value: facts.server.endpoint },
      ...facts.plaintextProbes.map((p) => ({
        source: `plaintext probe (no credentials sent), port from ${PORT_SOURCE[p.portSource]}`,
        field: `${p.name} ${p.port}`,
        value: `${p.outcome}: ${p.detail}`,
      })),
    ];
    const securePorts = [https.ok && https.value !== null ? `https ${https.value}` : undefined, tcpSecure.ok && tcpSecure.value !== null ? `native TLS ${tcpSecure.value}` : undefined].filter(
      (p): p is string => p !== undefined,
    );
    if (securePorts.length === 0 && !connectedOverTls) {
      const unknown = !https.ok || !tcpSecure.ok;
      return [
        {
          resource,
          status: unknown ? 'unknown' : 'fail',
          message: unknown ? 'whether the server has a secure port could not be read' : 'the server has no secure port (neither https_port nor tcp_port_secure) and the scanner connected in plaintext',
          evidence,
        },
      ];
    }
    const secure = securePorts.length ? securePorts.join(', ') : 'the scanner connected over https';
    if (facts.plaintextProbes.length === 0) {
      return [{ resource, status: 'unknown', message: `secure port(s): ${secure}; the plaintext ports were not probed (plaintextProbe: false)`, evidence }];
    }
    const open = facts.plaintextProbes.filter((p) => OPEN.has(p.outcome));
    if (open.length > 0) {
      return [
        {
          resource,
          status: 'fail',
          message: `secure port(s): ${secure}, but plaintext ${open.map((p) => `${p.name} ${p.port} (${p.outcome === 'native-answered' ? 'native protocol' : 'HTTP'})`).join(' and ')} accept connections: credentials and data can travel unencrypted`,
          evidence,
        },
      ];
    }
    const unidentified = facts.plaintextProbes.filter((p) => p.outcome === 'open-unidentified');
    if (unidentified.length > 0) {
      return [
        {
          resource,
          status: 'warn',
          message: `secure port(s): ${secure}; ${unidentified.map((p) => `${p.name} ${p.port}`).join(' and ')} accept connections but did not answer as ClickHouse: check what listens there`,
          evidence,
        },
      ];
    }
    // A closed default port says nothing where the server's own plaintext port number was not read.
    const guessed = facts.plaintextProbes.filter((p) => p.portSource === 'unread');
    if (guessed.length > 0) {
      return [
        {
          resource,
          status: 'unknown',
          message: `secure port(s): ${secure}; ${guessed.map((p) => `${p.name} could not be read (getServerPort()), so the default port ${p.port} was probed (${p.outcome})`).join(' and ')}: the server's plaintext ports are not known`,
          evidence,
        },
      ];
    }
    return [
      {
        resource,
        status: 'pass',
        message: `secure port(s): ${secure}; the plaintext ports ${facts.plaintextProbes.map((p) => `${p.port} (${p.outcome})`).join(', ')} do not accept connections from the scanner`,
        evidence,
      },
    ];
  },
});
