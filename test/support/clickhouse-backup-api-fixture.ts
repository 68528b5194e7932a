// A local stand-in for the REST API of Altinity's clickhouse-backup (`clickhouse-backup server`),
// for the backup list.
//
// Where each detail comes from (Altinity/clickhouse-backup, pkg/server/server.go and utils.go):
// - GET /backup/list and /backup/list/{local|remote}: JSONEachRow, one object per line, with
//   name, created ("YYYY-MM-DD hh:mm:ss", the server's local time zone; UTC here), size,
//   data_size, object_disk_size, metadata_size, rbac_size, config_size, named_collection_size,
//   compressed_size, location ("local" | "remote"), required (the base of an incremental backup),
//   desc (data format, tags, or why the backup is broken). Fields tagged omitempty in the Go
//   struct (all sizes but metadata_size) are left out when zero.
// - Content-Type "application/json; charset=UTF-8".
// - Basic auth (or user/pass URL parameters) when api.username/api.password are set; a failure is
//   401 with WWW-Authenticate: Basic realm="Provide username and password" and "401 Unauthorized".
// - Errors: {"status":"error","operation":"<op>","error":"<message>"} with the HTTP status;
//   unknown routes 404 {"status":"error","error":"404 Not Found"}.
// - Other routes (POST /backup/create, /backup/upload, /backup/delete, ...) change backups: the
//   scanner must never call them, so they are refused and recorded as writes.
import http from 'node:http';
import { listenOnLoopback } from './loopback';

export interface BackupListEntry {
  name: string;
  created: Date;
  location: 'local' | 'remote';
  size?: number;
  data_size?: number;
  object_disk_size?: number;
  metadata_size?: number;
  rbac_size?: number;
  config_size?: number;
  named_collection_size?: number;
  compressed_size?: number;
  required?: string;
  desc?: string;
}

export interface BackupApiRecordedRequest {
  method: string;
  path: string;
  status: number;
}

export interface ClickHouseBackupApiFixture {
  url: string;
  requests: BackupApiRecordedRequest[];
  /** Requests to routes that change backups: the scanner must make none. */
  writes: BackupApiRecordedRequest[];
  /** Answers given, in order, before the normal answer for this path ({status, error}). */
  script(path: string, ...answers: { status: number; error: string }[]): void;
  close(): Promise<void>;
}

const pad = (n: number) => String(n).padStart(2, '0');
const created = (d: Date) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

function listLine(b: BackupListEntry): string {
  const sizes = ['size', 'data_size', 'object_disk_size'] as const;
  const moreSizes = ['rbac_size', 'config_size', 'named_collection_size', 'compressed_size'] as const;
  const omitZero = (keys: readonly (keyof BackupListEntry)[]) => Object.fromEntries(keys.filter((k) => b[k]).map((k) => [k, b[k]]));
  // Field order of the Go struct backupJSON.
  return JSON.stringify({
    name: b.name,
    created: created(b.created),
    ...omitZero(sizes),
    metadata_size: b.metadata_size ?? 0,
    ...omitZero(moreSizes),
    location: b.location,
    required: b.required ?? '',
    desc: b.desc ?? 'tar, regular',
  });
}

export async function startClickHouseBackupApiFixture(options: {
  backups: BackupListEntry[];
  username?: string;
  password?: string;
}): Promise<ClickHouseBackupApiFixture> {
  const requests: BackupApiRecordedRequest[] = [];
  const writes: BackupApiRecordedRequest[] = [];
  const scripted = new Map<string, { status: number; error: string }[]>();

  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://fixture');
    const record: BackupApiRecordedRequest = { method: req.method ?? '', path: url.pathname, status: 0 };
    requests.push(record);
    const headers = { 'Content-Type': 'application/json; charset=UTF-8', 'Cache-Control': 'no-store, no-cache, must-revalidate', Pragma: 'no-cache' };
    const writeError = (status: number, operation: string, error: string) => {
      record.status = status;
      res.writeHead(status, headers);
      res.end(`${JSON.stringify({ status: 'error', ...(operation ? { operation } : {}), error })}\n`);
    };

    if (options.username !== undefined || options.password !== undefined) {
      const [scheme, info = ''] = (req.headers.authorization ?? '').split(' ');
      const decoded = scheme?.toLowerCase() === 'basic' ? Buffer.from(info, 'base64').toString('utf8') : ':';
      let user = decoded.slice(0, Math.max(decoded.indexOf(':'), 0));
      let pass = decoded.slice(decoded.indexOf(':') + 1);
      if (url.searchParams.has('user')) user = url.searchParams.get('user')!;
      if (url.searchParams.has('pass')) pass = url.searchParams.get('pass')!;
      if (user !== (options.username ?? '') || pass !== (options.password ?? '')) {
        record.status = 401;
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Provide username and password"' });
        res.end('401 Unauthorized\n');
        return;
      }
    }

    const queued = scripted.get(url.pathname);
    if (queued?.length) {
      const next = queued.shift()!;
      return writeError(next.status, 'list', next.error);
    }
    const list = /^\/backup\/list(?:\/(local|remote))?$/.exec(url.pathname);
    if (list && req.method === 'GET') {
      const where = list[1];
      // Local backups first, then remote ones, as the handler lists them.
      const rows = [...options.backups.filter((b) => b.location === 'local'), ...options.backups.filter((b) => b.location === 'remote')].filter(
        (b) => !where || b.location === where,
      );
      record.status = 200;
      res.writeHead(200, headers);
      res.end(rows.map((b) => `${listLine(b)}\n`).join(''));
      return;
    }
    if (url.pathname.startsWith('/backup/') && req.method !== 'GET') {
      writes.push(record);
      return writeError(405, '', 'the clickhouse-backup fixture refuses changes: the scanner only reads');
    }
    return writeError(404, '', '404 Not Found');
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
