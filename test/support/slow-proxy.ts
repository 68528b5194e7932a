// A TCP proxy that holds every new connection for a fixed time before joining
// it to the real server: a datastore that is slow on purpose, whatever speaks
// through it (the PostgreSQL wire protocol for the queue tests and bench).
import net from 'node:net';

export interface SlowProxy {
  port: number;
  close(): Promise<void>;
}

export async function startSlowProxy(target: { host: string; port: number }, delayMs: number): Promise<SlowProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const timer = setTimeout(() => {
      const upstream = net.connect(target.port, target.host, () => {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    }, delayMs);
    client.on('error', () => clearTimeout(timer));
    client.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
