// Two network probes spoken in the PostgreSQL wire protocol directly, so the
// scanner controls exactly what it sends: neither ever sends a password.
import net from 'node:net';
import tls from 'node:tls';

const SSL_REQUEST_CODE = 80877103;
const PROTOCOL_3_0 = 196608;

function sslRequest(): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeInt32BE(8, 0);
  buffer.writeInt32BE(SSL_REQUEST_CODE, 4);
  return buffer;
}

function startupMessage(parameters: Record<string, string>): Buffer {
  const body = Buffer.concat([
    ...Object.entries(parameters).flatMap(([k, v]) => [Buffer.from(`${k}\0`), Buffer.from(`${v}\0`)]),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(PROTOCOL_3_0, 4);
  return Buffer.concat([header, body]);
}

const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Read until `enough` says the collected bytes hold what is needed. */
function readUntil(socket: net.Socket, enough: (data: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (enough(data)) {
        cleanup();
        resolve(data);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(data);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
  });
}

function errorFields(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const code = String.fromCharCode(body[offset]!);
    const end = body.indexOf(0, offset + 1);
    if (end < 0) break;
    fields[code] = body.subarray(offset + 1, end).toString('utf8');
    offset = end + 1;
  }
  return fields;
}

export interface PlaintextProbeResult {
  /** True when the server went on to authentication (or let us in) without TLS. */
  accepted: boolean;
  detail: string;
}

/**
 * Ask the server for a session without TLS and read its first answer. The
 * server applies pg_hba.conf before authentication, so a refusal arrives as an
 * error (SQLSTATE 28000); acceptance arrives as an authentication request, at
 * which point the probe hangs up without sending any credential.
 */
export async function probePlaintext(
  host: string,
  port: number,
  user: string,
  database: string,
  timeoutMs: number,
): Promise<PlaintextProbeResult> {
  const socket = await connect(host, port, timeoutMs);
  try {
    socket.write(startupMessage({ user, database, application_name: 'continuity-probe' }));
    const data = await readUntil(socket, (d) => d.length >= 5 && d.length >= 1 + d.readInt32BE(1));
    if (data.length < 5) return { accepted: false, detail: 'server closed the connection without answering' };
    const type = String.fromCharCode(data[0]!);
    const body = data.subarray(5, 1 + data.readInt32BE(1));
    if (type === 'E') {
      const fields = errorFields(body);
      const refused = fields.C === '28000' || /pg_hba\.conf/.test(fields.M ?? '');
      if (refused) return { accepted: false, detail: `refused: ${fields.M ?? fields.C}` };
      throw new Error(`server answered with error ${fields.C ?? '?'}: ${fields.M ?? 'no message'}`);
    }
    if (type === 'R') {
      const method = body.readInt32BE(0);
      const names: Record<number, string> = { 0: 'no authentication (trust)', 3: 'password', 5: 'md5', 10: 'SCRAM' };
      return { accepted: true, detail: `accepted without TLS: server asked for ${names[method] ?? `auth method ${method}`}` };
    }
    if (type === 'v') return { accepted: true, detail: 'accepted without TLS: server negotiated the protocol version' };
    throw new Error(`unexpected first message type "${type}"`);
  } finally {
    if (!socket.destroyed) socket.end(TERMINATE);
    socket.destroy();
  }
}

export interface ServerCertificate {
  offered: boolean;
  notAfter?: string;
  subject?: string;
  issuer?: string;
}

/** Read the server certificate from a TLS handshake; nothing else is sent. */
export async function readServerCertificate(host: string, port: number, timeoutMs: number): Promise<ServerCertificate> {
  const socket = await connect(host, port, timeoutMs);
  try {
    socket.write(sslRequest());
    const answer = await readUntil(socket, (d) => d.length >= 1);
    if (answer.length === 0) throw new Error('server closed the connection on SSLRequest');
    if (answer[0] === 0x4e /* N */) return { offered: false };
    if (answer[0] !== 0x53 /* S */) throw new Error(`unexpected answer to SSLRequest: 0x${answer[0]!.toString(16)}`);
    const secure = tls.connect({
      socket,
      // Read-only inspection of whatever certificate is presented; no data flows on this channel.
      rejectUnauthorized: false,
      ...(net.isIP(host) ? {} : { servername: host }),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', resolve);
        secure.once('error', reject);
      });
      const certificate = secure.getPeerCertificate();
      if (!certificate || !certificate.valid_to) throw new Error('server presented no certificate');
      return {
        offered: true,
        notAfter: new Date(certificate.valid_to).toISOString(),
        subject: [certificate.subject?.CN ?? ''].flat().join(', '),
        issuer: [certificate.issuer?.CN ?? ''].flat().join(', '),
      };
    } finally {
      secure.destroy();
    }
  } finally {
    socket.destroy();
  }
}
