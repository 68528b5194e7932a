// Facts the AWS collectors produce and the rds.*, s3.*, aws-backup.* and datastore.unregistered checks read.
import type { Observed } from '../../engine/types';

/** An RDS DB instance or DB cluster, as DescribeDBInstances / DescribeDBClusters report it. */
export interface RdsDatabase {
  kind: 'instance' | 'cluster';
  identifier: string;
  engine: string;
  engineVersion: string;
  backupRetentionPeriod: number;
  latestRestorableTime: string | null;
  multiAz: boolean;
  storageEncrypted: boolean;
  kmsKeyId: string | null;
  deletionProtection: boolean;
  /** The replication source, when it is a read replica, with the field that named it. */
  readReplicaSource: {
    identifier: string;
    field: 'ReadReplicaSourceDBInstanceIdentifier' | 'ReadReplicaSourceDBClusterIdentifier' | 'ReplicationSourceIdentifier';
  } | null;
  /** An instance's cluster (Aurora or Multi-AZ DB cluster), when it is a member. */
  clusterIdentifier: string | null;
  /** DBInstanceArn / DBClusterArn: what AWS Backup selections and recovery points name. */
  arn: string | null;
  /** TagList, which AWS Backup selections may select by. */
  tags: Record<string, string>;
  /** A cluster's EarliestRestorableTime (instances do not report one). */
  earliestRestorableTime: string | null;
  /** InstanceCreateTime / ClusterCreateTime (a restore's time for a restored database): its automated backups reach back no further. */
  createdAt: string | null;
  /** Where these fields came from, e.g. `rds:DescribeDBInstances`. */
  source: string;
}

export type SslParameter = 'rds.force_ssl' | 'require_secure_transport';

/** Whether the database's parameter group makes the server refuse connections without TLS. */
export interface SslEnforcement {
  parameter: SslParameter;
  parameterGroup: string;
  groupKind: 'DB parameter group' | 'DB cluster parameter group';
  value: string | null;
  /** True when the value is the engine default, not one read from a custom group. */
  engineDefault: boolean;
  /** ParameterApplyStatus / DBClusterParameterGroupStatus: in-sync, pending-reboot, applying. */
  applyStatus: string | null;
  /** The value makes the server refuse connections without TLS (in effect only once applied). */
  valueEnforces: boolean;
  /** The group is in-sync; null when RDS reported no apply status, so it is not shown either way. */
  applied: boolean | null;
}

export interface RdsSnapshotExposure {
  identifier: string;
  kind: 'DB snapshot' | 'DB cluster snapshot';
  /** The `restore` attribute: account ids, or `all` for public. */
  restorableBy: string[];
}

export interface RdsFacts {
  /** The configured database. */
  target: RdsDatabase;
  /**
   * The database whose backups, encryption and protection settings apply: the
   * cluster for a cluster member (Aurora members are judged at their cluster), else the target.
   */
  judged: RdsDatabase;
  ssl: Observed<SslEnforcement>;
  manualSnapshots: Observed<RdsSnapshotExposure[]>;
  /** AWS Backup of the judged database (the cluster for a member). */
  backup: AwsBackupFacts;
}

export interface S3LifecycleRule {
  id: string | null;
  enabled: boolean;
  /** `whole bucket`, or the prefix / filter the rule is limited to. */
  scope: string;
  /** The rule applies to every object (no prefix, tag or size filter). */
  wholeBucket: boolean;
  noncurrentDays: number | null;
}

export interface S3EncryptionRule {
  algorithm: string | null;
  kmsKeyId: string | null;
}

export interface S3PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export interface S3Facts {
  bucket: string;
  versioning: Observed<{ status: 'Enabled' | 'Suspended' | 'never enabled' }>;
  /** Rules empty when the bucket has no lifecycle configuration (NoSuchLifecycleConfiguration). */
  lifecycle: Observed<{ configured: boolean; rules: S3LifecycleRule[] }>;
  objectLock: Observed<{ enabled: boolean; mode: string | null; days: number | null; years: number | null }>;
  /** Rules empty when there is no default encryption (ServerSideEncryptionConfigurationNotFoundError). */
  encryption: Observed<{ rules: S3EncryptionRule[] }>;
  /** The policy document, or null when the bucket has none (NoSuchBucketPolicy). */
  policy: Observed<{ document: string | null }>;
  /** null when the bucket has no public access block (NoSuchPublicAccessBlockConfiguration). */
  publicAccessBlock: Observed<S3PublicAccessBlock | null>;
  backup: AwsBackupFacts;
}

/** What discovery keeps of a listed instance or cluster. */
export type DiscoveredRds = Pick<RdsDatabase, 'kind' | 'identifier' | 'engine' | 'clusterIdentifier'>;

/** Everything discovery listed, per account and region (buckets per account: S3 lists them account-wide). */
export interface AwsDiscoveryFacts {
  regions: {
    account: string;
    region: string;
    instances: Observed<DiscoveredRds[]>;
    clusters: Observed<DiscoveredRds[]>;
  }[];
  buckets: {
    account: string;
    /** Regions configured for this account: buckets outside them are left out (empty: none left out), and RDS is listed only in them. */
    regions: string[];
    buckets: Observed<{ name: string; region: string | null }[]>;
  }[];
}

/** A rule of an AWS Backup plan whose selection covers the datastore. */
export interface AwsBackupRule {
  plan: string;
  rule: string;
  /** The selection of the plan that covers the datastore. */
  selection: string;
  vault: string;
  schedule: string | null;
  /** EnableContinuousBackup: point-in-time restore (RDS, Aurora, S3) within the retention. */
  continuous: boolean;
  /** Lifecycle.DeleteAfterDays; null: kept until deleted by hand. */
  deleteAfterDays: number | null;
  /** CopyActions[].DestinationBackupVaultArn. */
  copyDestinations: string[];
}

/** A selection continuity could not resolve for the datastore (e.g. a tag condition on a bucket, whose tags it does not read). */
export interface AwsBackupUndetermined {
  plan: string;
  selection: string;
  why: string;
}

export interface AwsBackupVault {
  name: string;
  locked: boolean;
  minRetentionDays: number | null;
  maxRetentionDays: number | null;
  lockDate: string | null;
}

export interface AwsBackupRecoveryPoints {
  completed: number;
  newestCompleted: string | null;
  oldestCompleted: string | null;
  /** The newest recovery point whatever its status. */
  newest: { created: string; status: string } | null;
  /** Vaults the completed recovery points sit in. */
  vaults: string[];
}

/** What AWS Backup holds for one datastore, from the account and region's shared reads. */
export interface AwsBackupFacts {
  resourceArn: string;
  coverage: Observed<{ rules: AwsBackupRule[]; undetermined: AwsBackupUndetermined[] }>;
  /** ListProtectedResources LastBackupTime; null when AWS Backup has never backed it up. */
  lastBackupTime: Observed<string | null>;
  recoveryPoints: Observed<AwsBackupRecoveryPoints>;
  /** Every vault of the account and region (ListBackupVaults), with its lock. */
  vaults: Observed<AwsBackupVault[]>;
}
