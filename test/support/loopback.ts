// Fixture servers listen on a free loopback port and close with their open connections.
import type http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

export async function listenOnLoopback(server: http.Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A loopback URL nothing listens on (a port that was free a moment ago): an unreachable endpoint. */
export async function closedLoopbackUrl(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}
