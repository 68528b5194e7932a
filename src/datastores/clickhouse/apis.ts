// Backups listed outside the server: the ClickHouse Cloud API (backupConfiguration and the
// backups of a service) and the REST API of Altinity's clickhouse-backup (/backup/list). Only
// GET requests; credentials come from the environment and are registered as secrets.
import { observed, unavailable, type Observed } from '../../engine/types';
import { errorMessage, registerSecret } from '../../secrets';
import { withDeadline } from '../../util';
import type { BackupSource, ClickHouseBackup } from './facts';
import type { ClickHouseBackupApiConfig, ClickHouseCloudConfig } from './index';

async function getText(url: string, authorization: string | undefined, timeoutMs: number, signal: AbortSignal): Promise<{ status: number; text: string }> {
  return withDeadline(signal, timeoutMs, async (deadline) => {
    const response = await fetch(url, {
      headers: { Accept: 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
      signal: deadline,
    });
    return { status: response.status, text: await response.text() };
  });
}

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

interface CloudEnvelope<T> {
  result?: T;
  error?: string;
}

interface CloudBackupRow {
  status: 'done' | 'error' | 'in_progress';
  startedAt: string;
  finishedAt?: string;
  sizeInBytes?: number;
}

/** The Cloud API's backup configuration and backups of one service. */
export async function readCloudBackups(cloud: ClickHouseCloudConfig, timeoutMs: number, signal: AbortSignal): Promise<Observed<BackupSource>> {
  const base = `/v1/organizations/${encodeURIComponent(cloud.organizationId)}/services/${encodeURIComponent(cloud.serviceId)}`;
  const source = `ClickHouse Cloud API GET ${base}/backupConfiguration, /backups`;
  const keyId = process.env[cloud.keyIdEnv];
  const keySecret = process.env[cloud.keySecretEnv];
  if (!keyId || !keySecret) {
    return unavailable(source, `environment variables ${cloud.keyIdEnv} and ${cloud.keySecretEnv} must hold a Cloud API key id and secret`);
  }
  registerSecret(keySecret);
  const auth = basic(keyId, keySecret);
  try {
    const get = async <T>(path: string): Promise<T> => {
      const { status, text } = await getText(`${cloud.apiUrl.replace(/\/$/, '')}${base}${path}`, auth, timeoutMs, signal);
      let body: CloudEnvelope<T>;
      try {
        body = JSON.parse(text) as CloudEnvelope<T>;
      } catch {
        throw new Error(`GET ${path}: HTTP ${status}, not a JSON answer`);
      }
      if (status !== 200 || body.result === undefined) throw new Error(`GET ${path}: HTTP ${status}: ${body.error ?? 'no result'}`);
      return body.result;
    };
    const [configuration, backups] = await Promise.all([
      get<{ backupPeriodInHours: number; backupRetentionPeriodInHours: number }>('/backupConfiguration'),
      get<CloudBackupRow[]>('/backups'),
    ]);
    return observed(source, {
      kind: 'cloud',
      source: 'ClickHouse Cloud API',
      periodHours: configuration.backupPeriodInHours,
      retentionHours: configuration.backupRetentionPeriodInHours,
      backups: backups
        .filter((b) => b.status !== 'in_progress')
        .map((b): ClickHouseBackup => ({ at: new Date(b.finishedAt ?? b.startedAt).toISOString(), ok: b.status === 'done', sizeBytes: b.sizeInBytes ?? null })),
      listsRetained: true,
    });
  } catch (error) {
    return unavailable(source, errorMessage(error));
  }
}

interface BackupListLine {
  name: string;
  created: string;
  size?: number;
  location: string;
  desc?: string;
}

/** clickhouse-backup's REST API, GET /backup/list: one JSON object per line, local then remote. */
export async function readClickHouseBackupApi(api: ClickHouseBackupApiConfig, timeoutMs: number, signal: AbortSignal): Promise<Observed<BackupSource>> {
  const source = 'clickhouse-backup API GET /backup/list';
  let auth: string | undefined;
  if (api.usernameEnv || api.passwordEnv) {
    const user = api.usernameEnv ? process.env[api.usernameEnv] : '';
    const password = api.passwordEnv ? process.env[api.passwordEnv] : '';
    if (user === undefined || password === undefined) {
      return unavailable(source, `environment variables ${[api.usernameEnv, api.passwordEnv].filter(Boolean).join(' and ')} must be set for the clickhouse-backup API`);
    }
    registerSecret(password);
    auth = basic(user, password);
  }
  try {
    const { status, text } = await getText(`${api.url.replace(/\/$/, '')}/backup/list`, auth, timeoutMs, signal);
    if (status !== 200) throw new Error(`HTTP ${status}: ${text.trim().slice(0, 200)}`);
    const lines = text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as BackupListLine);
    return observed(source, {
      kind: 'clickhouse-backup',
      source: 'clickhouse-backup API /backup/list',
      backups: lines.map((b) => ({
        // "YYYY-MM-DD hh:mm:ss" in the API server's time zone, taken as UTC.
        at: new Date(`${b.created.replace(' ', 'T')}Z`).toISOString(),
        ok: !/^broken/i.test(b.desc ?? ''),
        sizeBytes: b.size ?? null,
        location: b.location,
      })),
      listsRetained: true,
    });
  } catch (error) {
    return unavailable(source, errorMessage(error));
  }
}
