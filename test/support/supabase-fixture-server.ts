// A local stand-in for the Supabase Management API (https://api.supabase.com/api/v1),
// speaking its JSON: bearer-token auth, the project, backups, billing add-ons,
// SSL enforcement and network-restrictions endpoints, error bodies
// `{"message": ...}`, and scripted answers (429 with Retry-After, 403, 500).
import http from 'node:http';
import { listenOnLoopback } from './loopback';

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The JSON bodies one project answers with, keyed by endpoint. */
export interface FixtureProject {
  project: unknown;
  backups: unknown;
  addons: unknown;
  sslEnforcement: unknown;
  networkRestrictions: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface SupabaseFixture {
  url: string;
  requests: RecordedRequest[];
  /** Answers given, in order, before the project's normal answer for this path. */
  script(path: string, ...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

const PITR_PRICES: Record<number, number> = { 7: 100, 14: 200, 28: 400 };

export interface ProjectShape {
  ref: string;
  name?: string;
  /** Days of the PITR add-on, or false for no PITR. */
  pitrDays: 7 | 14 | 28 | false;
  sslEnforced?: boolean;
  dbAllowedCidrs?: string[] | null;
  dbAllowedCidrsV6?: string[] | null;
  /** Time of the latest completed daily backup. */
  latestBackupAt: Date;
  now: Date;
}

/** Bodies shaped as the Management API reference documents them. */
export function fixtureProject(shape: ProjectShape): FixtureProject {
  const day = 24 * 60 * 60 * 1000;
  const unix = (d: Date) => Math.floor(d.getTime() / 1000);
  const pitr = shape.pitrDays !== false;
  return {
    project: {
      id: shape.ref,
      ref: shape.ref,
      organization_id: 'acme-org',
      name: shape.name ?? 'agentops',
      region: 'eu-west-1',
      created_at: '2024-03-01T09:00:00.000Z',
      status: 'ACTIVE_HEALTHY',
      database: { host: `db.${shape.ref}.supabase.co`, version: '15.8.1.085', postgres_engine: '15', release_channel: 'ga' },
    },
    backups: {
      region: 'eu-west-1',
      walg_enabled: true,
      pitr_enabled: pitr,
      backups: [0, 1, 2].map((n) => ({
        is_physical_backup: true,
        status: 'COMPLETED',
        inserted_at: new Date(shape.latestBackupAt.getTime() - n * day).toISOString(),
      })),
      physical_backup_data: pitr
        ? {
            earliest_physical_backup_date_unix: unix(new Date(shape.now.getTime() - (shape.pitrDays as number) * day)),
            latest_physical_backup_date_unix: unix(new Date(shape.now.getTime() - 2 * 60 * 1000)),
          }
        : {},
    },
    addons: {
      selected_addons: [
        {
          type: 'compute_instance',
          variant: { id: 'ci_small', name: 'Small', price: { description: '$15/month', type: 'fixed', interval: 'monthly', amount: 15 } },
        },
        ...(pitr
          ? [
              {
                type: 'pitr',
                variant: {
                  id: `pitr_${shape.pitrDays}`,
                  name: `${shape.pitrDays} days`,
                  price: {
                    description: `$${PITR_PRICES[shape.pitrDays as number]}/month`,
                    type: 'fixed',
                    interval: 'monthly',
                    amount: PITR_PRICES[shape.pitrDays as number],
                  },
                },
              },
            ]
          : []),
      ],
      available_addons: [
        {
          type: 'pitr',
          name: 'Point in time recovery',
          variants: [7, 14, 28].map((d) => ({
            id: `pitr_${d}`,
            name: `${d} days`,
            price: { description: `$${PITR_PRICES[d]}/month`, type: 'fixed', interval: 'monthly', amount: PITR_PRICES[d] },
          })),
        },
      ],
    },
    sslEnforcement: { currentConfig: { database: shape.sslEnforced ?? true }, appliedSuccessfully: true },
    networkRestrictions: {
      entitlement: 'allowed',
      status: 'applied',
      config: {
        ...(shape.dbAllowedCidrs === null ? {} : { dbAllowedCidrs: shape.dbAllowedCidrs ?? ['0.0.0.0/0'] }),
        ...(shape.dbAllowedCidrsV6 === null ? {} : { dbAllowedCidrsV6: shape.dbAllowedCidrsV6 ?? ['::/0'] }),
      },
    },
  };
}

const ENDPOINTS: Record<string, keyof FixtureProject> = {
  '': 'project',
  '/database/backups': 'backups',
  '/billing/addons': 'addons',
  '/ssl-enforcement': 'sslEnforcement',
  '/network-restrictions': 'networkRestrictions',
};

export async function startSupabaseFixture(options: { token: string; projects: Record<string, FixtureProject> }): Promise<SupabaseFixture> {
  const requests: RecordedRequest[] = [];
  const scripted = new Map<string, ScriptedAnswer[]>();

  const send = (res: http.ServerResponse, answer: ScriptedAnswer) => {
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fixture').pathname;
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization });
    req.resume();
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return send(res, { status: 401, body: { message: 'Unauthorized' } });
    }
    const queued = scripted.get(path);
    if (queued && queued.length > 0) return send(res, queued.shift()!);
    if (req.method !== 'GET') return send(res, { status: 405, body: { message: 'Method not allowed' } });
    const match = /^\/v1\/projects\/([^/]+)(.*)$/.exec(path);
    const endpoint = match ? ENDPOINTS[match[2]!] : undefined;
    if (!match || endpoint === undefined) return send(res, { status: 404, body: { message: 'Cannot GET ' + path } });
    const project = options.projects[decodeURIComponent(match[1]!)];
    // The API answers an unknown or invisible project the same way.
    if (!project) return send(res, { status: 404, body: { message: 'Project not found' } });
    return send(res, { status: 200, body: project[endpoint] });
  });

  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script(path, ...answers) {
      scripted.set(path, [...(scripted.get(path) ?? []), ...answers]);
    },
    close,
  };
}
