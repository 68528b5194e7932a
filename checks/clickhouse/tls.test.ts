import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import { CHECK_NOW, chDatastore, chFacts, policy, service } from '../../test/support/clickhouse-facts';
import { observed, unavailable } from '../../src/engine/types';
import type { ClickHouseFacts, PlaintextProbe } from '../../src/datastores/clickhouse/facts';
import check from './tls';

const run = (facts: Partial<ClickHouseFacts>) => runCheck(check, { service, datastore: chDatastore(), facts: chFacts(facts), policy: policy(), now: CHECK_NOW });
const probe = (name: PlaintextProbe['name'], outcome: PlaintextProbe['outcome']): PlaintextProbe => ({ name, port: name === 'http_port' ? 8123 : 9000, portSource: 'getServerPort', outcome, detail: outcome });

describe('clickhouse.tls', () => {
  it('passes secure ports with the plaintext ports refused', () => {
    const [f] = run({});
    expect(f).toMatchObject({ status: 'pass', message: expect.stringContaining('secure port(s): https 8443, native TLS 9440; the plaintext ports 8123 (refused), 9000 (refused)') });
  });

  it('fails when a plaintext port answers, naming the protocol', () => {
    const [f] = run({ plaintextProbes: [probe('http_port', 'http-answered'), probe('tcp_port', 'native-answered')] });
    expect(f?.status).toBe('fail');
    expect(f?.message).toContain('plaintext http_port 8123 (HTTP) and tcp_port 9000 (native protocol) accept connections');
  });

  it('warns about a plaintext port that accepts connections without answering as ClickHouse', () => {
    expect(run({ plaintextProbes: [probe('http_port', 'refused'), probe('tcp_port', 'open-unidentified')] })[0]?.status).toBe('warn');
  });

  it('fails a server without a secure port reached in plaintext, and is unknown when the ports or probes were not read', () => {
    const none = { https: observed<number | null>('p', null), tcpSecure: observed<number | null>('p', null) };
    const plain = chFacts().server;
    expect(run({ ports: none, server: { ...plain, endpoint: 'http://127.0.0.1:8123' } })[0]?.status).toBe('fail');
    expect(run({ ports: { https: unavailable('p', 'denied'), tcpSecure: observed('p', null) }, server: { ...plain, endpoint: 'http://127.0.0.1:8123' } })[0]?.status).toBe('unknown');
    expect(run({ plaintextProbes: [] })[0]).toMatchObject({ status: 'unknown', message: expect.stringContaining('not probed') });
  });

  it('is unknown, not pass, when a plaintext port number was not read and only the default port was found closed', () => {
    const [f] = run({ plaintextProbes: [probe('http_port', 'refused'), { ...probe('tcp_port', 'refused'), portSource: 'unread' }] });
    expect(f).toMatchObject({ status: 'unknown', message: expect.stringContaining('tcp_port could not be read (getServerPort()), so the default port 9000 was probed (refused)') });
  });
});
