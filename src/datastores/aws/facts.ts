// Facts the AWS collectors produce and the rds.*, s3.* and datastore.unregistered checks read.
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
