// Builders of AWS facts and check inputs for the per-check tests.
import { ConfigSchema, type DatastoreConfig } from '../../src/config/schema';
import { resolvePolicy, type Policy } from '../../src/config/policy';
import { observed, type DatastoreCheckInput } from '../../src/engine/types';
import type { AwsBackupFacts, AwsBackupRule, RdsDatabase, RdsFacts, S3Facts } from '../../src/datastores/aws/facts';
import { CHECK_NOW } from './check-tester';


/** AWS Backup facts: by default, no plan covers the resource and it has no recovery points. */
export function backupFacts(overrides: Partial<AwsBackupFacts> = {}, resourceArn = 'arn:aws:rds:eu-west-1:111111111111:db:orders-db'): AwsBackupFacts {
  return {
    resourceArn,
    coverage: observed('backup:ListBackupPlans, GetBackupPlan, ListBackupSelections, GetBackupSelection', { rules: [], undetermined: [] }),
    lastBackupTime: observed('backup:ListProtectedResources', null),
    recoveryPoints: observed('backup:ListProtectedResources (not protected)', { completed: 0, newestCompleted: null, oldestCompleted: null, newest: null, vaults: [] }),
    vaults: observed('backup:ListBackupVaults', []),
    ...overrides,
  };
}

/** A rule of plan `plan` covering the resource through selection `all-databases`. */
export function backupRule(overrides: Partial<AwsBackupRule> = {}): AwsBackupRule {
  return {
    plan: 'prod-pitr',
    rule: 'continuous',
    selection: 'all-databases',
    vault: 'prod-vault',
    schedule: 'cron(0 5 ? * * *)',
    continuous: true,
    deleteAfterDays: 35,
    copyDestinations: [],
    ...overrides,
  };
}

/** AWS Backup facts of a resource covered by `rules`, with completed recovery points (newest first) in prod-vault. */
export function coveredBy(rules: AwsBackupRule[], completed: string[] = ['2026-11-21T11:00:00.000Z']): AwsBackupFacts {
  return backupFacts({
    coverage: observed('backup:ListBackupPlans, GetBackupPlan, ListBackupSelections, GetBackupSelection', { rules, undetermined: [] }),
    lastBackupTime: observed('backup:ListProtectedResources', completed[0] ?? null),
    recoveryPoints: observed('backup:ListRecoveryPointsByResource', {
      completed: completed.length,
      newestCompleted: completed[0] ?? null,
      oldestCompleted: completed.at(-1) ?? null,
      newest: completed[0] ? { created: completed[0], status: 'COMPLETED' } : null,
      vaults: completed.length > 0 ? ['prod-vault'] : [],
    }),
  });
}

export function rdsDatabase(overrides: Partial<RdsDatabase> = {}): RdsDatabase {
  return {
    kind: 'instance',
    identifier: 'orders-db',
    engine: 'postgres',
    engineVersion: '16.4',
    backupRetentionPeriod: 35,
    latestRestorableTime: '2026-11-21T11:55:00.000Z',
    multiAz: true,
    storageEncrypted: true,
    kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/k',
    deletionProtection: true,
    readReplicaSource: null,
    clusterIdentifier: null,
    arn: 'arn:aws:rds:eu-west-1:111111111111:db:orders-db',
    tags: {},
    earliestRestorableTime: null,
    createdAt: null,
    source: 'rds:DescribeDBInstances',
    ...overrides,
  };
}

export function rdsFacts(database: Partial<RdsDatabase> = {}, overrides: Partial<RdsFacts> = {}): RdsFacts {
  const target = rdsDatabase(database);
  return {
    target,
    judged: target,
    ssl: observed('rds:DescribeDBParameters orders-params', {
      parameter: 'rds.force_ssl',
      parameterGroup: 'orders-params',
      groupKind: 'DB parameter group',
      value: '1',
      engineDefault: false,
      applyStatus: 'in-sync',
      valueEnforces: true,
      applied: true,
    }),
    manualSnapshots: observed('rds:DescribeDBSnapshots (manual), rds:DescribeDBSnapshotAttributes', []),
    backup: backupFacts(),
    ...overrides,
  };
}

export function s3Facts(overrides: Partial<S3Facts> = {}): S3Facts {
  return {
    bucket: 'orders-archive',
    versioning: observed('s3:GetBucketVersioning', { status: 'Enabled' }),
    lifecycle: observed('s3:GetBucketLifecycleConfiguration', { configured: true, rules: [] }),
    objectLock: observed('s3:GetObjectLockConfiguration', { enabled: false, mode: null, days: null, years: null }),
    encryption: observed('s3:GetBucketEncryption', { rules: [{ algorithm: 'AES256', kmsKeyId: null }] }),
    policy: observed('s3:GetBucketPolicy', { document: null }),
    publicAccessBlock: observed('s3:GetPublicAccessBlock', null),
    backup: backupFacts({}, 'arn:aws:s3:::orders-archive'),
    ...overrides,
  };
}

const SERVICE = ConfigSchema.parse({ services: [{ name: 'orders', datastores: [] }] }).services[0]!;

export function checkInput<K extends 'rds' | 's3' | 'awsBackup'>(
  facts: DatastoreCheckInput<K>['facts'],
  options: { environment?: string; policy?: Partial<Policy>; datastore?: DatastoreConfig } = {},
): DatastoreCheckInput<K> {
  const environment = options.environment ?? 'production';
  const datastore =
    options.datastore ??
    ({ name: 'orders-db', type: 'rds-instance', identifier: 'orders-db', region: 'eu-west-1' } as DatastoreConfig);
  return {
    service: SERVICE,
    datastore,
    facts,
    policy: { ...resolvePolicy({ policy: {} }, environment), ...options.policy },
    now: CHECK_NOW,
  };
}
