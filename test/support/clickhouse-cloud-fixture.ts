// A local stand-in for the ClickHouse Cloud API (https://api.clickhouse.cloud), for the backup
// configuration and the backups of a service.
//
// Where each detail comes from (ClickHouse Cloud OpenAPI reference, clickhouse.com/docs
// "api-reference/backup/*" and the Cloud API reference markdown):
// - Basic authentication with an API key id and key secret.
// - Every body is { status, requestId, result } on success and { status, error, requestId } on
//   error (documented for 400 and 500; the fixture uses the same shape for 401, 404 and 429).
// - GET /v1/organizations/{organizationId}/services/{serviceId}/backupConfiguration:
//   result { backupPeriodInHours, backupRetentionPeriodInHours, backupStartTime } (hours; the
//   start time "HH:MM" in UTC, which resets the period to 24 hours when set).
// - GET .../services/{serviceId}/backups: result [{ id, status ('done' | 'error' |
//   'in_progress'), serviceId, startedAt, finishedAt (only for finished backups), sizeInBytes,
//   durationInSeconds, type ('full' | 'incremental'), backupName, bucket }], most recent first.
// - GET .../services/{serviceId}/backups/{backupId}: one backup.
// - PATCH .../backupConfiguration changes the configuration: the scanner must never call it, so
//   any method but GET is refused and recorded as a write.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { listenOnLoopback } from './loopback';

export interface CloudBackupConfiguration {
  backupPeriodInHours: number;
  backupRetentionPeriodInHours: number;
  backupStartTime: string | null;
}

export interface CloudBackup {
  id: string;
  status: 'done' | 'error' | 'in_progress';
  serviceId: string;
  startedAt: string;
  finishedAt?: string;
  sizeInBytes: number;
  durationInSeconds: number;
  type: 'full' | 'incremental';
  backupName?: string;
  bucket?: Record<string, unknown>;
}

export interface CloudService {
  organizationId: string;
  serviceId: string;
  backupConfiguration: CloudBackupConfiguration;
  /** In any order: the API lists the most recent first. */
  backups: CloudBackup[];
}

export interface CloudApiKey {
  keyId: string;
  keySecret: string;
}

export interface CloudScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** The error text of an error body. */
  error?: string;
}

export interface CloudRecordedRequest {
  method: string;
  path: string;
  /** The key id of a Basic header; the secret is never recorded. */
  keyId?: string;
  status: number;
}

export interface ClickHouseCloudFixture {
  url: string;
  requests: CloudRecordedRequest[];
  /** Requests with a method other than GET: the scanner must make none. */
  writes: CloudRecordedRequest[];
  /** Answers given, in order, before the normal answer for this path. */
  script(path: string, ...answers: CloudScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startClickHouseCloudFixture(options: { keys: CloudApiKey[]; services: CloudService[] }): Promise<ClickHouseCloudFixture> {
  const requests: CloudRecordedRequest[] = [];
  const writes: CloudRecordedRequest[] = [];
  const scripted = new Map<string, CloudScriptedAnswer[]>();

  const server = http.createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://fixture').pathname;
    const record: CloudRecordedRequest = { method: req.method ?? '', path, status: 0 };
    requests.push(record);
    const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify({ status, requestId: randomUUID(), ...body }));
    };
    const fail = (status: number, error: string, headers?: Record<string, string>) => answer(status, { error }, headers);

    const [scheme, info = ''] = (req.headers.authorization ?? '').split(' ');
    const decoded = scheme?.toLowerCase() === 'basic' ? Buffer.from(info, 'base64').toString('utf8') : '';
    const keyId = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : undefined;
    record.keyId = keyId;
    if (!options.keys.some((k) => `${k.keyId}:${k.keySecret}` === decoded)) return fail(401, 'Invalid API key or secret');

    const queued = scripted.get(path);
    if (queued?.length) {
      const next = queued.shift()!;
      return fail(next.status, next.error ?? 'Scripted error', next.headers);
    }
    if (req.method !== 'GET') {
      writes.push(record);
      return fail(405, `The ClickHouse Cloud fixture refuses ${req.method}: the scanner only reads`);
    }
    const match = /^\/v1\/organizations\/([^/]+)\/services\/([^/]+)\/(backupConfiguration|backups)(?:\/([^/]+))?$/.exec(path);
    if (!match) return fail(404, `Not found: ${path}`);
    const [, organizationId, serviceId, resource, backupId] = match;
    const service = options.services.find((s) => s.organizationId === decodeURIComponent(organizationId!) && s.serviceId === decodeURIComponent(serviceId!));
    if (!service) return fail(404, 'Service not found');
    if (resource === 'backupConfiguration') {
      if (backupId) return fail(404, `Not found: ${path}`);
      return answer(200, { result: service.backupConfiguration });
    }
    const newestFirst = [...service.backups].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
    if (!backupId) return answer(200, { result: newestFirst });
    const backup = service.backups.find((b) => b.id === decodeURIComponent(backupId));
    return backup ? answer(200, { result: backup }) : fail(404, 'Backup not found');
  });

  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writes,
    script(path, ...answers) {
      scripted.set(path, [...(scripted.get(path) ?? []), ...answers]);
    },
    close,
  };
}
