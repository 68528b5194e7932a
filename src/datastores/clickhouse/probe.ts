// The plaintext-port probe: connects to ClickHouse's plaintext HTTP or native port and sends one
// HTTP request line with no credentials. The HTTP interface answers it; a native port answers
// "Port N is for clickhouse-client program" (TCPHandler, on a first byte 'G'), and the probe never
// sends the native Hello packet, which carries a user and password.
import net from 'node:net';
import type { PlaintextProbe, ProbeOutcome } from './facts';

export function probePlaintextPort(
  host: string,
  name: PlaintextProbe['name'],
  port: number,
  portSource: PlaintextProbe['portSource'],
  timeoutMs: number,
): Promise<PlaintextProbe> {
  return new Promise((resolve) => {
    let answer = '';
    let connected = false;
    let settled = false;
    const finish = (outcome: ProbeOutcome, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ name, port, portSource, outcome, detail });
    };
    // Every address of the host (IPv4 and IPv6): one refusing is not the port being closed.
    const socket = net.connect({ host, port, autoSelectFamily: true });
    const timer = setTimeout(() => {
      if (connected) finish('open-unidentified', `connection accepted, no answer within ${timeoutMs} ms`);
      else finish('timeout', `no answer to the connection within ${timeoutMs} ms (filtered)`);
    }, timeoutMs);
    socket.on('connect', () => {
      connected = true;
      socket.write(`GET /ping HTTP/1.0\r\nHost: ${host}\r\nUser-Agent: continuity-probe\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.length > 4096) socket.destroy();
    });
    const classify = () => {
      if (/is for clickhouse-client program/.test(answer)) return finish('native-answered', 'the native protocol port answered in plaintext');
      if (/^HTTP\/1\.[01] \d{3}/.test(answer)) return finish('http-answered', `answered HTTP in plaintext: ${answer.split('\r\n')[0]}`);
      if (answer) return finish('open-unidentified', 'connection accepted and answered with something that is not HTTP');
      return finish('open-unidentified', 'connection accepted, then closed without an answer');
    };
    socket.on('end', classify);
    socket.on('close', () => {
      if (connected) classify();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (connected) return classify();
      const codes = [error.code, ...((error as unknown as { errors?: NodeJS.ErrnoException[] }).errors ?? []).map((e) => e.code)];
      if (codes.includes('ECONNREFUSED')) return finish('refused', 'connection refused');
      finish('closed', `no connection: ${error.code ?? error.message}`);
    });
  });
}
