// A local stand-in for AWS that speaks the wire formats the real SDK expects:
// RDS and STS over the Query protocol (form-encoded POST, XML responses in the
// 2014-10-31 / 2011-06-15 namespaces, <ErrorResponse> errors, Marker/MaxRecords
// pagination), S3 over REST/XML (path-style bucket sub-resources, <Error>
// bodies with the documented codes) and AWS Backup over REST-JSON (GET paths,
// nextToken/maxResults pagination, x-amzn-ErrorType errors with JSON bodies).
// Shapes follow the AWS API references.
// It holds an in-memory estate per account and region and counts every call.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureInstance {
  identifier: string;
  engine: string;
  engineVersion: string;
  backupRetentionPeriod: number;
  latestRestorableTime?: string;
  multiAz?: boolean;
  storageEncrypted?: boolean;
  kmsKeyId?: string;
  deletionProtection?: boolean;
  parameterGroup?: string;
  /** in-sync when absent; null leaves ParameterApplyStatus out of the answer. */
  parameterApplyStatus?: string | null;
  clusterIdentifier?: string;
  readReplicaSource?: string;
  status?: string;
  tags?: Record<string, string>;
}

export interface FixtureCluster {
  identifier: string;
  engine: string;
  engineVersion: string;
  backupRetentionPeriod: number;
  latestRestorableTime?: string;
  multiAz?: boolean;
  storageEncrypted?: boolean;
  kmsKeyId?: string;
  deletionProtection?: boolean;
  parameterGroup: string;
  members: { identifier: string; writer: boolean; parameterGroupStatus?: string }[];
  earliestRestorableTime?: string;
  tags?: Record<string, string>;
}

export interface FixtureParameter {
  name: string;
  value?: string;
  source?: 'user' | 'system' | 'engine-default';
}

export interface FixtureSnapshot {
  identifier: string;
  /** The instance or cluster it was taken of. */
  of: string;
  /** The restore attribute: account ids, or "all" (public). */
  restore?: string[];
}

export interface FixtureBackupRule {
  name: string;
  vault: string;
  schedule?: string;
  continuous?: boolean;
  deleteAfterDays?: number;
  /** DestinationBackupVaultArn of each copy action. */
  copyTo?: string[];
}

export interface FixtureCondition {
  key: string;
  value: string;
}

export interface FixtureBackupSelection {
  id: string;
  name: string;
  resources?: string[];
  notResources?: string[];
  /** ListOfTags (STRINGEQUALS), ORed with resources. */
  tags?: FixtureCondition[];
  conditions?: { stringEquals?: FixtureCondition[]; stringNotEquals?: FixtureCondition[]; stringLike?: FixtureCondition[]; stringNotLike?: FixtureCondition[] };
}

export interface FixtureBackupPlan {
  id: string;
  name: string;
  rules: FixtureBackupRule[];
  selections: FixtureBackupSelection[];
}

export interface FixtureBackupVault {
  name: string;
  locked?: boolean;
  minRetentionDays?: number;
  maxRetentionDays?: number;
  lockDate?: string;
}

export interface FixtureRecoveryPoint {
  resourceArn: string;
  vault: string;
  created: string;
  status?: 'COMPLETED' | 'PARTIAL' | 'DELETING' | 'EXPIRED' | 'AVAILABLE' | 'STOPPED' | 'CREATING';
}

/** An account and region's AWS Backup: protected resources are those with recovery points. */
export interface FixtureBackup {
  plans: FixtureBackupPlan[];
  vaults: FixtureBackupVault[];
  recoveryPoints: FixtureRecoveryPoint[];
}

export interface FixtureRegion {
  instances: FixtureInstance[];
  clusters: FixtureCluster[];
  parameterGroups: Record<string, FixtureParameter[]>;
  clusterParameterGroups: Record<string, FixtureParameter[]>;
  snapshots: FixtureSnapshot[];
  clusterSnapshots: FixtureSnapshot[];
  backup: FixtureBackup;
}

export interface FixtureLifecycleRule {
  id: string;
  status?: 'Enabled' | 'Disabled';
  prefix?: string;
  noncurrentDays?: number;
  newerNoncurrentVersions?: number;
  expirationDays?: number;
}

export interface FixtureBucket {
  name: string;
  region: string;
  versioning?: 'Enabled' | 'Suspended';
  lifecycle?: FixtureLifecycleRule[];
  objectLock?: { mode?: 'GOVERNANCE' | 'COMPLIANCE'; days?: number; years?: number };
  encryption?: { algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse'; kmsKeyId?: string; bucketKey?: boolean };
  policy?: unknown;
  publicAccessBlock?: { blockPublicAcls: boolean; ignorePublicAcls: boolean; blockPublicPolicy: boolean; restrictPublicBuckets: boolean };
}

/** An error the server returns for matching calls, `times` times (every time when absent). */
export interface Fault {
  action: string;
  code: string;
  status?: number;
  message?: string;
  /** Only calls naming this bucket, group, instance or snapshot. */
  resource?: string;
  /** Only calls made with credentials of this account (an assumed role's). */
  account?: string;
  times?: number;
  /** Answer normally, but only after this long (for timeout tests); `code` is then ignored. */
  delayMs?: number;
}

const RDS_NS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const DEFAULT_ACCOUNT = '111111111111';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

type XmlContent = string | number | boolean | undefined | null | XmlContent[] | { xml: string };

/** An element; undefined or null content leaves it out, as AWS omits absent fields. */
function el(name: string, content: XmlContent): string {
  if (content === undefined || content === null) return '';
  if (Array.isArray(content)) return `<${name}>${content.map((c) => render(c)).join('')}</${name}>`;
  return `<${name}>${render(content)}</${name}>`;
}
function render(content: XmlContent): string {
  if (content === undefined || content === null) return '';
  if (Array.isArray(content)) return content.map(render).join('');
  if (typeof content === 'object') return content.xml;
  return escapeXml(String(content));
}
const raw = (xml: string): { xml: string } => ({ xml });

class FixtureError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export class AwsFixtureServer {
  readonly calls = new Map<string, number>();
  readonly faults: Fault[] = [];
  /** Role sessions assumed through STS, in order. */
  readonly assumedRoles: { roleArn: string; sessionName: string; externalId: string | null }[] = [];
  private readonly regionsByKey = new Map<string, FixtureRegion>();
  private readonly bucketsByAccount = new Map<string, FixtureBucket[]>();
  private readonly accountOfKey = new Map<string, string>();
  private readonly roles = new Map<string, { account: string }>();
  private server?: http.Server;
  url = '';

  /** A role STS AssumeRole may assume; its temporary keys act in `account`. */
  addRole(roleArn: string, account: string): void {
    this.roles.set(roleArn, { account });
  }

  region(account: string, region: string): FixtureRegion {
    const key = `${account}/${region}`;
    let entry = this.regionsByKey.get(key);
    if (!entry) {
      entry = {
        instances: [],
        clusters: [],
        parameterGroups: {},
        clusterParameterGroups: {},
        snapshots: [],
        clusterSnapshots: [],
        backup: { plans: [], vaults: [], recoveryPoints: [] },
      };
      this.regionsByKey.set(key, entry);
    }
    return entry;
  }

  buckets(account: string): FixtureBucket[] {
    let list = this.bucketsByAccount.get(account);
    if (!list) {
      list = [];
      this.bucketsByAccount.set(account, list);
    }
    return list;
  }

  inject(fault: Fault): void {
    this.faults.push(fault);
  }

  totalCalls(): number {
    let total = 0;
    for (const n of this.calls.values()) total += n;
    return total;
  }

  resetCalls(): void {
    this.calls.clear();
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private count(action: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
  }

  private fault(action: string, resource: string | undefined, account: string): Fault | undefined {
    const f = this.faults.find(
      (x) =>
        x.action === action &&
        (x.resource === undefined || x.resource === resource) &&
        (x.account === undefined || x.account === account) &&
        (x.times === undefined || x.times > 0),
    );
    if (f?.times !== undefined) f.times--;
    return f;
  }

  /** Delay the answer, or throw the injected error, for a matching fault. */
  private async applyFault(action: string, resource: string | undefined, account: string): Promise<void> {
    const f = this.fault(action, resource, account);
    if (!f) return;
    if (f.delayMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, f.delayMs));
      return;
    }
    throw new FixtureError(f.status ?? (/^AccessDenied/.test(f.code) ? 403 : 400), f.code, f.message ?? defaultMessage(f.code));
  }

  private async handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): Promise<void> {
    // SigV4: Credential=AKID/20240101/eu-west-1/rds/aws4_request. Signatures are not verified.
    const credential = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(req.headers.authorization ?? '');
    const accessKeyId = credential?.[1] ?? '';
    const region = credential?.[2] ?? 'us-east-1';
    const service = credential?.[3] ?? '';
    const account = this.accountOfKey.get(accessKeyId) ?? DEFAULT_ACCOUNT;
    const requestId = randomUUID();
    if (service === 's3') {
      await this.handleS3(req, account, region, requestId, res);
      return;
    }
    if (service === 'backup') {
      await this.handleBackup(req, account, region, requestId, res);
      return;
    }
    const params = new URLSearchParams(body);
    const action = params.get('Action') ?? '';
    const namespace = service === 'sts' ? STS_NS : RDS_NS;
    this.count(action);
    try {
      await this.applyFault(action, resourceParam(params), account);
      const result = service === 'sts' ? this.sts(action, params) : this.rds(action, params, this.region(account, region), { account, region });
      send(res, 200, `<${action}Response xmlns="${namespace}">${el(`${action}Result`, raw(result))}${el('ResponseMetadata', [el('RequestId', requestId)].map(raw))}</${action}Response>`, requestId);
    } catch (error) {
      const e = error instanceof FixtureError ? error : new FixtureError(500, 'InternalFailure', String(error), 'Receiver');
      send(
        res,
        e.status,
        `<ErrorResponse xmlns="${namespace}">${el('Error', [raw(el('Type', e.type)), raw(el('Code', e.code)), raw(el('Message', e.message))])}${el('RequestId', requestId)}</ErrorResponse>`,
        requestId,
      );
    }
  }

  private sts(action: string, params: URLSearchParams): string {
    if (action !== 'AssumeRole') throw new FixtureError(400, 'InvalidAction', `Could not find operation ${action}`);
    const roleArn = params.get('RoleArn') ?? '';
    const role = this.roles.get(roleArn);
    if (!role) throw new FixtureError(403, 'AccessDenied', `not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    const sessionName = params.get('RoleSessionName') ?? '';
    this.assumedRoles.push({ roleArn, sessionName, externalId: params.get('ExternalId') });
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    this.accountOfKey.set(accessKeyId, role.account);
    const credentials = [
      el('AccessKeyId', accessKeyId),
      el('SecretAccessKey', `assumed-secret-${randomBytes(16).toString('hex')}`),
      el('SessionToken', `assumed-token-${randomBytes(24).toString('hex')}`),
      el('Expiration', new Date(Date.now() + 3600_000).toISOString()),
    ];
    const roleName = roleArn.split('/').pop();
    return [
      el('Credentials', credentials.map(raw)),
      el('AssumedRoleUser', [
        raw(el('AssumedRoleId', `AROA${role.account}:${sessionName}`)),
        raw(el('Arn', `arn:aws:sts::${role.account}:assumed-role/${roleName}/${sessionName}`)),
      ]),
    ].join('');
  }

  private rds(action: string, params: URLSearchParams, estate: FixtureRegion, where: ArnScope): string {
    switch (action) {
      case 'DescribeDBInstances': {
        const id = params.get('DBInstanceIdentifier');
        const list = id ? estate.instances.filter((i) => i.identifier === id) : estate.instances;
        if (id && list.length === 0) throw new FixtureError(404, 'DBInstanceNotFound', `DBInstance ${id} not found.`);
        const { items, marker } = page(list, params);
        return el('DBInstances', items.map((i) => raw(instanceXml(i, where)))) + el('Marker', marker);
      }
      case 'DescribeDBClusters': {
        const id = params.get('DBClusterIdentifier');
        const list = id ? estate.clusters.filter((c) => c.identifier === id) : estate.clusters;
        if (id && list.length === 0) throw new FixtureError(404, 'DBClusterNotFoundFault', `DBCluster ${id} not found.`);
        const { items, marker } = page(list, params);
        return el('DBClusters', items.map((c) => raw(clusterXml(c, where)))) + el('Marker', marker);
      }
      case 'DescribeDBParameters':
      case 'DescribeDBClusterParameters': {
        const cluster = action === 'DescribeDBClusterParameters';
        const name = params.get(cluster ? 'DBClusterParameterGroupName' : 'DBParameterGroupName') ?? '';
        const groups = cluster ? estate.clusterParameterGroups : estate.parameterGroups;
        const parameters = groups[name];
        if (!parameters) {
          throw new FixtureError(404, 'DBParameterGroupNotFound', `${cluster ? 'DBClusterParameterGroup' : 'DBParameterGroup'} not found: ${name}`);
        }
        const source = params.get('Source');
        const { items, marker } = page(source ? parameters.filter((p) => (p.source ?? 'engine-default') === source) : parameters, params);
        return el('Parameters', items.map((p) => raw(parameterXml(p)))) + el('Marker', marker);
      }
      case 'DescribeDBSnapshots':
      case 'DescribeDBClusterSnapshots': {
        const cluster = action === 'DescribeDBClusterSnapshots';
        const type = params.get('SnapshotType');
        const owner = params.get(cluster ? 'DBClusterIdentifier' : 'DBInstanceIdentifier');
        // Only manual snapshots are held; automated ones are not listed for SnapshotType=manual.
        const list = (cluster ? estate.clusterSnapshots : estate.snapshots).filter(
          (s) => (!type || type === 'manual') && (!owner || s.of === owner),
        );
        const { items, marker } = page(list, params);
        const element = cluster ? 'DBClusterSnapshot' : 'DBSnapshot';
        return (
          el(`${element}s`, items.map((s) => raw(el(element, [
            raw(el(cluster ? 'DBClusterSnapshotIdentifier' : 'DBSnapshotIdentifier', s.identifier)),
            raw(el(cluster ? 'DBClusterIdentifier' : 'DBInstanceIdentifier', s.of)),
            raw(el('SnapshotType', 'manual')),
            raw(el('Status', 'available')),
          ])))) + el('Marker', marker)
        );
      }
      case 'DescribeDBSnapshotAttributes':
      case 'DescribeDBClusterSnapshotAttributes': {
        const cluster = action === 'DescribeDBClusterSnapshotAttributes';
        const prefix = cluster ? 'DBClusterSnapshot' : 'DBSnapshot';
        const id = params.get(`${prefix}Identifier`) ?? '';
        const snapshot = (cluster ? estate.clusterSnapshots : estate.snapshots).find((s) => s.identifier === id);
        if (!snapshot) throw new FixtureError(404, cluster ? 'DBClusterSnapshotNotFoundFault' : 'DBSnapshotNotFound', `${prefix} ${id} not found.`);
        return el(`${prefix}AttributesResult`, [
          raw(el(`${prefix}Identifier`, id)),
          raw(el(`${prefix}Attributes`, [
            raw(el(`${prefix}Attribute`, [
              raw(el('AttributeName', 'restore')),
              raw(el('AttributeValues', (snapshot.restore ?? []).map((v) => raw(el('AttributeValue', v))))),
            ])),
          ])),
        ]);
      }
      default:
        throw new FixtureError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  private async handleS3(req: http.IncomingMessage, account: string, region: string, requestId: string, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const bucketName = decodeURIComponent(url.pathname.split('/')[1] ?? '');
    const sub = ['versioning', 'lifecycle', 'object-lock', 'encryption', 'policy', 'publicAccessBlock'].find((k) => url.searchParams.has(k));
    const action = !bucketName
      ? 'ListBuckets'
      : ({
          versioning: 'GetBucketVersioning',
          lifecycle: 'GetBucketLifecycleConfiguration',
          'object-lock': 'GetObjectLockConfiguration',
          encryption: 'GetBucketEncryption',
          policy: 'GetBucketPolicy',
          publicAccessBlock: 'GetPublicAccessBlock',
        }[sub ?? ''] ?? `S3 ${req.method} ${url.search || '/'}`);
    this.count(action);
    try {
      if (req.method !== 'GET') throw new FixtureError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      await this.applyFault(action, bucketName || undefined, account);
      if (action === 'ListBuckets') {
        sendXml(res, 200, this.listBuckets(account, url.searchParams), requestId);
        return;
      }
      const bucket = this.buckets(account).find((b) => b.name === bucketName);
      if (!bucket) throw new FixtureError(404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (bucket.region !== region) {
        throw new FixtureError(301, 'PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint.');
      }
      if (action === 'GetBucketPolicy') {
        if (bucket.policy === undefined) throw new FixtureError(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist');
        res.writeHead(200, { 'content-type': 'application/json', 'x-amz-request-id': requestId });
        res.end(JSON.stringify(bucket.policy));
        return;
      }
      sendXml(res, 200, bucketXml(action, bucket), requestId);
    } catch (error) {
      const e = error instanceof FixtureError ? error : new FixtureError(500, 'InternalError', String(error));
      sendXml(
        res,
        e.status,
        `<Error>${el('Code', e.code)}${el('Message', e.message)}${el('BucketName', bucketName || undefined)}${el('RequestId', requestId)}${el('HostId', 'fixture')}</Error>`,
        requestId,
      );
    }
  }

  private async handleBackup(req: http.IncomingMessage, account: string, region: string, requestId: string, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const route = backupRoute(segments);
    const action = route?.action ?? `Backup ${req.method} ${url.pathname}`;
    this.count(action);
    try {
      if (!route || req.method !== 'GET') throw new FixtureError(404, 'UnknownOperationException', `no operation at ${req.method} ${url.pathname}`);
      await this.applyFault(action, route.resource, account);
      const body = this.backup(route, this.region(account, region).backup, url.searchParams, account, region);
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
      res.end(JSON.stringify(body));
    } catch (error) {
      const e = error instanceof FixtureError ? error : new FixtureError(500, 'ServiceUnavailableException', String(error), 'Receiver');
      res.writeHead(e.status, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': e.code });
      // ResourceNotFoundException and the other modelled errors carry Code, Message, Type and Context.
      res.end(JSON.stringify({ Code: e.code, Message: e.message, Type: e.type === 'Sender' ? 'User' : 'Server', Context: route?.resource }));
    }
  }

  private backup(route: BackupRoute, estate: FixtureBackup, query: URLSearchParams, account: string, region: string): unknown {
    const planArn = (id: string) => `arn:aws:backup:${region}:${account}:backup-plan:${id}`;
    const vaultArn = (name: string) => `arn:aws:backup:${region}:${account}:backup-vault:${name}`;
    const epoch = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso) / 1000);
    const planOf = (id: string) => {
      const plan = estate.plans.find((p) => p.id === id);
      if (!plan) throw new FixtureError(404, 'ResourceNotFoundException', `Failed reading backup plan ${id}`);
      return plan;
    };
    switch (route.action) {
      case 'ListBackupPlans': {
        const { items, next } = jsonPage(estate.plans, query);
        return {
          BackupPlansList: items.map((p) => ({ BackupPlanArn: planArn(p.id), BackupPlanId: p.id, BackupPlanName: p.name, VersionId: `v-${p.id}`, CreationDate: 1_700_000_000 })),
          NextToken: next,
        };
      }
      case 'GetBackupPlan': {
        const plan = planOf(route.resource!);
        return {
          BackupPlan: {
            BackupPlanName: plan.name,
            Rules: plan.rules.map((r, i) => ({
              RuleName: r.name,
              RuleId: `${plan.id}-rule-${i}`,
              TargetBackupVaultName: r.vault,
              ScheduleExpression: r.schedule ?? 'cron(0 5 ? * * *)',
              StartWindowMinutes: 480,
              CompletionWindowMinutes: 10080,
              EnableContinuousBackup: r.continuous ?? false,
              Lifecycle: r.deleteAfterDays === undefined ? undefined : { DeleteAfterDays: r.deleteAfterDays },
              CopyActions: (r.copyTo ?? []).map((arn) => ({ DestinationBackupVaultArn: arn, Lifecycle: r.deleteAfterDays === undefined ? undefined : { DeleteAfterDays: r.deleteAfterDays } })),
            })),
          },
          BackupPlanArn: planArn(plan.id),
          BackupPlanId: plan.id,
          VersionId: `v-${plan.id}`,
          CreationDate: 1_700_000_000,
        };
      }
      case 'ListBackupSelections': {
        const plan = planOf(route.resource!);
        const { items, next } = jsonPage(plan.selections, query);
        return {
          BackupSelectionsList: items.map((s) => ({ SelectionId: s.id, SelectionName: s.name, BackupPlanId: plan.id, IamRoleArn: `arn:aws:iam::${account}:role/backup`, CreationDate: 1_700_000_000 })),
          NextToken: next,
        };
      }
      case 'GetBackupSelection': {
        const plan = planOf(route.resource!);
        const selection = plan.selections.find((s) => s.id === route.selectionId);
        if (!selection) throw new FixtureError(404, 'ResourceNotFoundException', `Failed reading selection ${route.selectionId}`);
        const params = (list: FixtureCondition[] | undefined) => (list ?? []).map((c) => ({ ConditionKey: c.key, ConditionValue: c.value }));
        return {
          BackupSelection: {
            SelectionName: selection.name,
            IamRoleArn: `arn:aws:iam::${account}:role/backup`,
            Resources: selection.resources ?? [],
            NotResources: selection.notResources ?? [],
            ListOfTags: (selection.tags ?? []).map((t) => ({ ConditionType: 'STRINGEQUALS', ConditionKey: t.key, ConditionValue: t.value })),
            Conditions: {
              StringEquals: params(selection.conditions?.stringEquals),
              StringNotEquals: params(selection.conditions?.stringNotEquals),
              StringLike: params(selection.conditions?.stringLike),
              StringNotLike: params(selection.conditions?.stringNotLike),
            },
          },
          BackupPlanId: plan.id,
          SelectionId: selection.id,
          CreationDate: 1_700_000_000,
        };
      }
      case 'ListBackupVaults': {
        const { items, next } = jsonPage(estate.vaults, query);
        return {
          BackupVaultList: items.map((v) => ({
            BackupVaultName: v.name,
            BackupVaultArn: vaultArn(v.name),
            VaultType: 'BACKUP_VAULT',
            VaultState: 'AVAILABLE',
            CreationDate: 1_700_000_000,
            NumberOfRecoveryPoints: estate.recoveryPoints.filter((p) => p.vault === v.name).length,
            Locked: v.locked ?? false,
            MinRetentionDays: v.minRetentionDays,
            MaxRetentionDays: v.maxRetentionDays,
            LockDate: epoch(v.lockDate),
          })),
          NextToken: next,
        };
      }
      case 'ListProtectedResources': {
        const newest = new Map<string, FixtureRecoveryPoint>();
        for (const p of estate.recoveryPoints) {
          const seen = newest.get(p.resourceArn);
          if (!seen || p.created > seen.created) newest.set(p.resourceArn, p);
        }
        const { items, next } = jsonPage([...newest.values()], query);
        return {
          Results: items.map((p) => ({
            ResourceArn: p.resourceArn,
            ResourceType: p.resourceArn.startsWith('arn:aws:s3') ? 'S3' : p.resourceArn.includes(':cluster:') ? 'Aurora' : 'RDS',
            LastBackupTime: epoch(p.created),
            LastBackupVaultArn: vaultArn(p.vault),
          })),
          NextToken: next,
        };
      }
      case 'ListRecoveryPointsByResource': {
        const points = estate.recoveryPoints.filter((p) => p.resourceArn === route.resource);
        if (points.length === 0) throw new FixtureError(404, 'ResourceNotFoundException', `Resource ${route.resource} is not protected`);
        const { items, next } = jsonPage(points, query);
        return {
          RecoveryPoints: items.map((p, i) => ({
            RecoveryPointArn: `${p.resourceArn}:recovery-point-${i}`,
            CreationDate: epoch(p.created),
            Status: p.status ?? 'COMPLETED',
            BackupVaultName: p.vault,
            BackupSizeBytes: 1024,
          })),
          NextToken: next,
        };
      }
    }
  }

  private listBuckets(account: string, query: URLSearchParams): string {
    const regionFilter = query.get('bucket-region');
    const prefix = query.get('prefix') ?? '';
    const all = this.buckets(account).filter((b) => (!regionFilter || b.region === regionFilter) && b.name.startsWith(prefix));
    const max = Math.min(Number(query.get('max-buckets') ?? 10_000), 10_000);
    const start = Number(query.get('continuation-token') ?? 0);
    const items = all.slice(start, start + max);
    const next = start + max < all.length ? String(start + max) : undefined;
    return `<ListAllMyBucketsResult xmlns="${S3_NS}">${el(
      'Buckets',
      items.map((b) => raw(el('Bucket', [raw(el('Name', b.name)), raw(el('CreationDate', '2024-01-15T09:30:00.000Z')), raw(el('BucketRegion', b.region))]))),
    )}${el('Owner', [raw(el('ID', `owner-${account}`))])}${el('ContinuationToken', next)}${el('Prefix', prefix || undefined)}</ListAllMyBucketsResult>`;
  }
}

interface BackupRoute {
  action: 'ListBackupPlans' | 'GetBackupPlan' | 'ListBackupSelections' | 'GetBackupSelection' | 'ListBackupVaults' | 'ListProtectedResources' | 'ListRecoveryPointsByResource';
  /** The plan id, or the resource ARN, the path names. */
  resource?: string;
  selectionId?: string;
}

/** The read operations of the AWS Backup API reference, by GET path (with or without the documented trailing slash). */
function backupRoute(segments: string[]): BackupRoute | undefined {
  const [a, b, c, d, e] = segments;
  if (a === 'backup' && b === 'plans') {
    if (c === undefined) return { action: 'ListBackupPlans' };
    if (d === undefined) return { action: 'GetBackupPlan', resource: c };
    if (d === 'selections') return e === undefined ? { action: 'ListBackupSelections', resource: c } : { action: 'GetBackupSelection', resource: c, selectionId: e };
  }
  if (a === 'backup-vaults' && b === undefined) return { action: 'ListBackupVaults' };
  if (a === 'resources') {
    if (b === undefined) return { action: 'ListProtectedResources' };
    if (c === 'recovery-points' && d === undefined) return { action: 'ListRecoveryPointsByResource', resource: b };
  }
  return undefined;
}

/** nextToken/maxResults pagination: maxResults 1 to 1000; without it, pages of 50 (so clients that ignore NextToken miss items). */
function jsonPage<T>(list: T[], query: URLSearchParams): { items: T[]; next: string | undefined } {
  const max = Number(query.get('maxResults') ?? 50);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new FixtureError(400, 'InvalidParameterValueException', 'maxResults must be between 1 and 1000');
  const token = query.get('nextToken');
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  const items = list.slice(start, start + max);
  return { items, next: start + max < list.length ? Buffer.from(String(start + max)).toString('base64url') : undefined };
}

function defaultMessage(code: string): string {
  if (code === 'Throttling') return 'Rate exceeded';
  if (code === 'AccessDenied' || code === 'AccessDeniedException') return 'User: arn:aws:iam::111111111111:user/scanner is not authorized to perform this operation';
  return code;
}

function resourceParam(params: URLSearchParams): string | undefined {
  for (const key of ['DBInstanceIdentifier', 'DBClusterIdentifier', 'DBParameterGroupName', 'DBClusterParameterGroupName', 'DBSnapshotIdentifier', 'DBClusterSnapshotIdentifier']) {
    const value = params.get(key);
    if (value) return value;
  }
  return undefined;
}

/** Marker/MaxRecords pagination: MaxRecords 20 to 100, default 100; the marker is opaque to clients. */
function page<T>(list: T[], params: URLSearchParams): { items: T[]; marker: string | undefined } {
  const max = Number(params.get('MaxRecords') ?? 100);
  if (!Number.isInteger(max) || max < 20 || max > 100) {
    throw new FixtureError(400, 'InvalidParameterValue', 'MaxRecords must be between 20 and 100.');
  }
  const marker = params.get('Marker');
  const start = marker ? Number(Buffer.from(marker, 'base64url').toString()) : 0;
  const items = list.slice(start, start + max);
  const next = start + max < list.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
  return { items, marker: next };
}

interface ArnScope {
  account: string;
  region: string;
}

export function rdsArn(kind: 'db' | 'cluster', id: string, { account, region }: ArnScope = { account: DEFAULT_ACCOUNT, region: 'eu-west-1' }): string {
  return `arn:aws:rds:${region}:${account}:${kind}:${id}`;
}

function tagListXml(tags: Record<string, string> | undefined): string {
  return el('TagList', Object.entries(tags ?? {}).map(([key, value]) => raw(el('Tag', [raw(el('Key', key)), raw(el('Value', value))]))));
}

function instanceXml(i: FixtureInstance, where: ArnScope): string {
  return el('DBInstance', [
    raw(el('DBInstanceIdentifier', i.identifier)),
    raw(el('DBInstanceClass', 'db.r6g.large')),
    raw(el('Engine', i.engine)),
    raw(el('DBInstanceStatus', i.status ?? 'available')),
    raw(el('EngineVersion', i.engineVersion)),
    raw(el('BackupRetentionPeriod', i.backupRetentionPeriod)),
    raw(el('LatestRestorableTime', i.backupRetentionPeriod > 0 ? i.latestRestorableTime : undefined)),
    raw(el('MultiAZ', i.multiAz ?? false)),
    raw(el('StorageEncrypted', i.storageEncrypted ?? false)),
    raw(el('KmsKeyId', i.kmsKeyId)),
    raw(el('DeletionProtection', i.deletionProtection ?? false)),
    raw(el('DBInstanceArn', rdsArn('db', i.identifier, where))),
    raw(tagListXml(i.tags)),
    raw(el('DBClusterIdentifier', i.clusterIdentifier)),
    raw(el('ReadReplicaSourceDBInstanceIdentifier', i.readReplicaSource)),
    raw(
      el('DBParameterGroups', [
        raw(el('DBParameterGroup', [
          raw(el('DBParameterGroupName', i.parameterGroup ?? `default.${i.engine}${i.engineVersion.split('.')[0]}`)),
          raw(el('ParameterApplyStatus', i.parameterApplyStatus === undefined ? 'in-sync' : i.parameterApplyStatus)),
        ])),
      ]),
    ),
  ]);
}

function clusterXml(c: FixtureCluster, where: ArnScope): string {
  return el('DBCluster', [
    raw(el('DBClusterIdentifier', c.identifier)),
    raw(el('Engine', c.engine)),
    raw(el('EngineVersion', c.engineVersion)),
    raw(el('Status', 'available')),
    raw(el('BackupRetentionPeriod', c.backupRetentionPeriod)),
    raw(el('LatestRestorableTime', c.latestRestorableTime)),
    raw(el('MultiAZ', c.multiAz ?? false)),
    raw(el('StorageEncrypted', c.storageEncrypted ?? false)),
    raw(el('KmsKeyId', c.kmsKeyId)),
    raw(el('DeletionProtection', c.deletionProtection ?? false)),
    raw(el('DBClusterArn', rdsArn('cluster', c.identifier, where))),
    raw(tagListXml(c.tags)),
    raw(el('EarliestRestorableTime', c.earliestRestorableTime)),
    raw(el('DBClusterParameterGroup', c.parameterGroup)),
    raw(
      el(
        'DBClusterMembers',
        c.members.map((m) =>
          raw(el('DBClusterMember', [
            raw(el('DBInstanceIdentifier', m.identifier)),
            raw(el('IsClusterWriter', m.writer)),
            raw(el('DBClusterParameterGroupStatus', m.parameterGroupStatus ?? 'in-sync')),
            raw(el('PromotionTier', 1)),
          ])),
        ),
      ),
    ),
  ]);
}

function parameterXml(p: FixtureParameter): string {
  return el('Parameter', [
    raw(el('ParameterName', p.name)),
    raw(el('ParameterValue', p.value)),
    raw(el('Source', p.source ?? (p.value === undefined ? 'engine-default' : 'user'))),
    raw(el('ApplyType', 'dynamic')),
    raw(el('DataType', 'string')),
    raw(el('IsModifiable', true)),
    raw(el('ApplyMethod', 'pending-reboot')),
  ]);
}

function bucketXml(action: string, b: FixtureBucket): string {
  switch (action) {
    case 'GetBucketVersioning':
      // A bucket never versioned returns the element with no Status.
      return `<VersioningConfiguration xmlns="${S3_NS}">${el('Status', b.versioning)}${b.versioning ? el('MfaDelete', 'Disabled') : ''}</VersioningConfiguration>`;
    case 'GetBucketLifecycleConfiguration':
      if (!b.lifecycle) throw new FixtureError(404, 'NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist');
      return `<LifecycleConfiguration xmlns="${S3_NS}">${b.lifecycle
        .map((r) =>
          el('Rule', [
            raw(el('ID', r.id)),
            raw(el('Filter', [raw(el('Prefix', r.prefix ?? ''))])),
            raw(el('Status', r.status ?? 'Enabled')),
            raw(el('Expiration', r.expirationDays === undefined ? undefined : [raw(el('Days', r.expirationDays))])),
            raw(
              el(
                'NoncurrentVersionExpiration',
                r.noncurrentDays === undefined
                  ? undefined
                  : [raw(el('NoncurrentDays', r.noncurrentDays)), raw(el('NewerNoncurrentVersions', r.newerNoncurrentVersions))],
              ),
            ),
          ]),
        )
        .join('')}</LifecycleConfiguration>`;
    case 'GetObjectLockConfiguration': {
      if (!b.objectLock) {
        throw new FixtureError(404, 'ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket');
      }
      const { mode, days, years } = b.objectLock;
      const rule = mode ? el('Rule', [raw(el('DefaultRetention', [raw(el('Mode', mode)), raw(el('Days', days)), raw(el('Years', years))]))]) : '';
      return `<ObjectLockConfiguration xmlns="${S3_NS}">${el('ObjectLockEnabled', 'Enabled')}${rule}</ObjectLockConfiguration>`;
    }
    case 'GetBucketEncryption': {
      if (!b.encryption) {
        throw new FixtureError(404, 'ServerSideEncryptionConfigurationNotFoundError', 'The server side encryption configuration was not found');
      }
      const e = b.encryption;
      return `<ServerSideEncryptionConfiguration xmlns="${S3_NS}">${el('Rule', [
        raw(el('ApplyServerSideEncryptionByDefault', [raw(el('SSEAlgorithm', e.algorithm)), raw(el('KMSMasterKeyID', e.kmsKeyId))])),
        raw(el('BucketKeyEnabled', e.bucketKey ?? false)),
      ])}</ServerSideEncryptionConfiguration>`;
    }
    case 'GetPublicAccessBlock': {
      const p = b.publicAccessBlock;
      if (!p) throw new FixtureError(404, 'NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found');
      return `<PublicAccessBlockConfiguration xmlns="${S3_NS}">${el('BlockPublicAcls', p.blockPublicAcls)}${el('IgnorePublicAcls', p.ignorePublicAcls)}${el('BlockPublicPolicy', p.blockPublicPolicy)}${el('RestrictPublicBuckets', p.restrictPublicBuckets)}</PublicAccessBlockConfiguration>`;
    }
    default:
      throw new FixtureError(501, 'NotImplemented', `${action} is not implemented by the fixture`);
  }
}

function send(res: http.ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  res.end(xml);
}

function sendXml(res: http.ServerResponse, status: number, body: string, requestId: string): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

/** A secure-transport deny statement as AWS's documentation writes it. */
export function secureTransportPolicy(bucket: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}
