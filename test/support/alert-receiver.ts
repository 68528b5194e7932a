// A local HTTP receiver for Slack incoming webhooks and generic webhooks. It
// answers like Slack does (200 "ok"; errors as a status and a short text body)
// and can refuse deliveries to simulate an outage.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  accepted: boolean;
}

export interface AlertReceiver {
  url(path?: string): string;
  requests: ReceivedRequest[];
  accepted(): ReceivedRequest[];
  /** Refuse the next `count` requests (to `path` only, when given) with this status (503 by default). */
  refuseNext(count: number, status?: number, headers?: Record<string, string>, path?: string): void;
  /** Leave requests to `path` unanswered: a receiver that hangs. */
  hang(path: string): void;
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const requests: ReceivedRequest[] = [];
  let refusals: { status: number; headers: Record<string, string>; path?: string }[] = [];
  const hanging = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (hanging.has(req.url ?? '')) {
        requests.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), accepted: false });
        return;
      }
      const index = refusals.findIndex((r) => r.path === undefined || r.path === req.url);
      const refusal = index >= 0 ? refusals.splice(index, 1)[0] : undefined;
      requests.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), accepted: !refusal });
      if (refusal) {
        res.writeHead(refusal.status, { 'content-type': 'text/plain', ...refusal.headers });
        res.end(refusal.status === 429 ? 'rate_limited' : 'service_unavailable');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    accepted: () => requests.filter((r) => r.accepted),
    refuseNext(count, status = 503, headers = {}, path) {
      refusals = [...refusals, ...Array.from({ length: count }, () => ({ status, headers, ...(path ? { path } : {}) }))];
    },
    hang(path) {
      hanging.add(path);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
