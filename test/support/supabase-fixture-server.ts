// A local stand-in for the Supabase Management API (https://api.supabase.com/api/v1),
// speaking its JSON as the official OpenAPI document shapes it (vendored in
// test/fixtures/supabase-management-api.openapi.yaml, and checked against it by
// test/supabase/openapi-fidelity.test.ts): bearer-token auth; the project,
// backups, billing add-ons, SSL enforcement, network restrictions, Storage
// buckets, PostgREST config, organization entitlements and project list
// endpoints; error bodies `{"message": ...}`; the documented rate limit (120
// requests a minute per token and project or organization, X-RateLimit-Limit,
// -Remaining and -Reset on every answer, 429 for the rest of the window); and
// scripted answers (429, 403, 500) ahead of the normal ones.
import http from 'node:http';
import { listenOnLoopback } from './loopback';

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The JSON bodies one project answers with, keyed by endpoint. */
export interface FixtureProject {
  project: Record<string, unknown> & { ref: string; organization_slug: string };
  backups: unknown;
  addons: unknown;
  sslEnforcement: unknown;
  networkRestrictions: unknown;
  buckets: unknown;
  postgrest: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface SupabaseFixture {
  url: string;
  requests: RecordedRequest[];
  /** Answers given, in order, before the normal answer for this path. */
  script(path: string, ...answers: ScriptedAnswer[]): void;
  /** Every answer's status, headers and body, in order (for the fidelity test). */
  answers: { path: string; status: number; headers: Record<string, string>; body: unknown }[];
  close(): Promise<void>;
}

/** The documented standard limit: 120 requests a minute per user and scope. */
export const RATE_LIMIT = 120;
const WINDOW_MS = 60_000;

/** A 429 as Supabase documents it: blocked for the rest of the window, with the rate-limit headers. */
export function rateLimited(resetSeconds: number, extra: Record<string, string> = {}): ScriptedAnswer {
  return {
    status: 429,
    headers: { 'x-ratelimit-limit': String(RATE_LIMIT), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetSeconds), ...extra },
    body: { message: 'Too many requests' },
  };
}

const PITR_PRICES: Record<number, number> = { 7: 100, 14: 200, 28: 400 };
const DAY_MS = 24 * 60 * 60 * 1000;

/** The JWT secret every fixture project's PostgREST config carries: tests assert it reaches nothing. */
export const FIXTURE_JWT_SECRET = 'fixture-jwt-secret-9f2c1d7e4b6a8350-do-not-print';

export interface ProjectShape {
  ref: string;
  name?: string;
  organizationSlug?: string;
  /** Days of the PITR add-on, or false for no PITR. */
  pitrDays: 7 | 14 | 28 | false;
  /** Days between the earliest and latest restore point (default: the add-on's days); null for an empty physical_backup_data. */
  restorableDays?: number | null;
  sslEnforced?: boolean;
  dbAllowedCidrs?: string[] | null;
  dbAllowedCidrsV6?: string[] | null;
  /** Time of the latest completed daily backup. */
  latestBackupAt: Date;
  buckets?: { name: string; public?: boolean }[];
  /** PostgREST db_schema (Data API > Exposed schemas). */
  dbSchema?: string;
  now: Date;
}

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

/** Bodies shaped as the Management API's OpenAPI document defines them. */
export function fixtureProject(shape: ProjectShape): FixtureProject {
  const pitr = shape.pitrDays !== false;
  const days = shape.restorableDays === undefined ? (pitr ? (shape.pitrDays as number) : null) : shape.restorableDays;
  const latest = new Date(shape.now.getTime() - 2 * 60 * 1000);
  const price = (d: number) => ({ description: `$${PITR_PRICES[d]}/month`, type: 'fixed', interval: 'monthly', amount: PITR_PRICES[d] });
  return {
    project: {
      id: shape.ref,
      ref: shape.ref,
      organization_id: 'wxyzorgidabcdefghijk',
      organization_slug: shape.organizationSlug ?? 'acmeorgslugabcdefghi',
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
      // Real answers carry each backup's id too.
      backups: [0, 1, 2].map((n) => ({
        id: 81_230 + n,
        is_physical_backup: true,
        status: 'COMPLETED',
        inserted_at: new Date(shape.latestBackupAt.getTime() - n * DAY_MS).toISOString(),
      })),
      physical_backup_data:
        pitr && days !== null
          ? {
              earliest_physical_backup_date_unix: unix(new Date(latest.getTime() - days * DAY_MS)),
              latest_physical_backup_date_unix: unix(latest),
            }
          : {},
    },
    addons: {
      selected_addons: [
        {
          type: 'compute_instance',
          variant: {
            id: 'ci_small',
            name: 'Small',
            price: { description: '$15/month', type: 'fixed', interval: 'monthly', amount: 15 },
            meta: { cpu_cores: 2, cpu_dedicated: false, memory_gb: 2, baseline_disk_io_mbs: 174, max_disk_io_mbs: 2085 },
          },
        },
        ...(pitr
          ? [
              {
                type: 'pitr',
                variant: {
                  id: `pitr_${shape.pitrDays}`,
                  name: `${shape.pitrDays} days`,
                  price: price(shape.pitrDays as number),
                  meta: { backup_duration_days: shape.pitrDays },
                },
              },
            ]
          : []),
      ],
      available_addons: [
        {
          type: 'pitr',
          name: 'Point in time recovery',
          variants: [7, 14, 28].map((d) => ({ id: `pitr_${d}`, name: `${d} days`, price: price(d), meta: { backup_duration_days: d } })),
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
      updated_at: '2026-01-12T10:00:00.000Z',
      applied_at: '2026-01-12T10:00:05.000Z',
    },
    buckets: (shape.buckets ?? []).map((b, i) => ({
      id: b.name,
      name: b.name,
      owner: '',
      created_at: new Date(Date.UTC(2025, 0, 10 + i)).toISOString(),
      updated_at: new Date(Date.UTC(2025, 0, 10 + i)).toISOString(),
      public: b.public ?? false,
    })),
    postgrest: {
      db_schema: shape.dbSchema ?? 'public, graphql_public',
      max_rows: 1000,
      db_extra_search_path: 'public, extensions',
      db_pool: null,
      jwt_secret: FIXTURE_JWT_SECRET,
    },
  };
}

/** An organization's entitlements: the plan's daily-backup retention, null for a plan without daily backups. */
export function fixtureEntitlements(backupRetentionDays: number | null): unknown {
  return {
    entitlements: [
      {
        feature: { key: 'backup.retention_days', type: 'numeric' },
        hasAccess: backupRetentionDays !== null,
        type: 'numeric',
        config: { enabled: backupRetentionDays !== null, value: backupRetentionDays ?? 0, unlimited: false, unit: 'days' },
      },
      {
        feature: { key: 'pitr.available_variants', type: 'set' },
        hasAccess: true,
        type: 'set',
        config: { enabled: true, set: ['pitr_7', 'pitr_14', 'pitr_28'] },
      },
    ],
  };
}

const ENDPOINTS: Record<string, keyof FixtureProject> = {
  '': 'project',
  '/database/backups': 'backups',
  '/billing/addons': 'addons',
  '/ssl-enforcement': 'sslEnforcement',
  '/network-restrictions': 'networkRestrictions',
  '/storage/buckets': 'buckets',
  '/postgrest': 'postgrest',
};

export async function startSupabaseFixture(options: {
  token: string;
  projects: Record<string, FixtureProject>;
  /** Entitlements by organization slug; an organization not listed answers 404. */
  organizations?: Record<string, unknown>;
  /** Projects GET /v1/projects lists besides those above (other projects of the account), as fixtureProject().project bodies. */
  listedOnly?: FixtureProject['project'][];
}): Promise<SupabaseFixture> {
  const requests: RecordedRequest[] = [];
  const answers: SupabaseFixture['answers'] = [];
  const scripted = new Map<string, ScriptedAnswer[]>();
  const windows = new Map<string, { start: number; count: number }>();

  /** Count the request in its window and give the headers every answer carries. */
  const rateLimit = (scope: string): { headers: Record<string, string>; exceeded: boolean } => {
    const now = Date.now();
    let window = windows.get(scope);
    if (!window || now - window.start >= WINDOW_MS) {
      window = { start: now, count: 0 };
      windows.set(scope, window);
    }
    window.count++;
    const reset = Math.ceil((window.start + WINDOW_MS - now) / 1000);
    return {
      exceeded: window.count > RATE_LIMIT,
      headers: {
        'x-ratelimit-limit': String(RATE_LIMIT),
        'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - window.count)),
        'x-ratelimit-reset': String(reset),
      },
    };
  };

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fixture').pathname;
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization });
    req.resume();
    const send = (answer: ScriptedAnswer, limitHeaders: Record<string, string> = {}) => {
      const headers = { 'content-type': 'application/json', ...limitHeaders, ...answer.headers };
      answers.push({ path, status: answer.status, headers, body: answer.body });
      res.writeHead(answer.status, headers);
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    };
    if (req.headers.authorization !== `Bearer ${options.token}`) return send({ status: 401, body: { message: 'Unauthorized' } });
    const queued = scripted.get(path);
    if (queued && queued.length > 0) return send(queued.shift()!);
    if (req.method !== 'GET') return send({ status: 405, body: { message: 'Method not allowed' } });

    const project = /^\/v1\/projects\/([^/]+)(.*)$/.exec(path);
    const organization = /^\/v1\/organizations\/([^/]+)\/entitlements$/.exec(path);
    const scope = project ? `project:${project[1]}` : organization ? `organization:${organization[1]}` : 'account';
    const limit = rateLimit(`${options.token} ${scope}`);
    if (limit.exceeded) return send(rateLimited(Number(limit.headers['x-ratelimit-reset'])), limit.headers);

    if (path === '/v1/projects') {
      const listed = [...Object.values(options.projects).map((p) => p.project), ...(options.listedOnly ?? [])];
      return send({ status: 200, body: listed }, limit.headers);
    }
    if (organization) {
      const entitlements = options.organizations?.[decodeURIComponent(organization[1]!)];
      return send(entitlements ? { status: 200, body: entitlements } : { status: 404, body: { message: 'Organization not found' } }, limit.headers);
    }
    const endpoint = project ? ENDPOINTS[project[2]!] : undefined;
    if (!project || endpoint === undefined) return send({ status: 404, body: { message: 'Cannot GET ' + path } }, limit.headers);
    const bodies = options.projects[decodeURIComponent(project[1]!)];
    // The API answers an unknown or invisible project the same way.
    if (!bodies) return send({ status: 404, body: { message: 'Project not found' } }, limit.headers);
    return send({ status: 200, body: bodies[endpoint] }, limit.headers);
  });

  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answers,
    script(path, ...queued) {
      scripted.set(path, [...(scripted.get(path) ?? []), ...queued]);
    },
    close,
  };
}
