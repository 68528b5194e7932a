// Every check, in report order. A new check is one file here plus one line below.
import type { Check } from '../src/engine/types';
import backupPolicyLink from './datastore/backup-policy-link';
import certificateExpiry from './postgres/certificate-expiry';
import duplicateIndex from './postgres/duplicate-index';
import invalidIndex from './postgres/invalid-index';
import missingPrimaryKey from './postgres/missing-primary-key';
import modificationAudit from './postgres/modification-audit';
import sensitiveColumns from './postgres/sensitive-columns';
import sequentialScanHeavy from './postgres/sequential-scan-heavy';
import sslEnforced from './postgres/ssl-enforced';
import superuserLoginRoles from './postgres/superuser-login-roles';
import unindexedForeignKey from './postgres/unindexed-foreign-key';
import unusedIndex from './postgres/unused-index';
import walArchiving from './postgres/wal-archiving';
import queryIndexUse from './postgres/query-index-use';
import migrationTool from './repo/migration-tool';
import migrationTests from './repo/migration-tests';
import migrationRollback from './repo/migration-rollback';
import migrationRoundTrip from './repo/migration-roundtrip';
import migrationCompatibility from './repo/migration-compatibility';
import supabaseDailyBackups from './supabase/daily-backups';
import supabaseNetworkRestrictions from './supabase/network-restrictions';
import supabasePitr from './supabase/pitr';
import supabaseRlsDisabledInApi from './supabase/rls-disabled-in-api';
import supabaseSslEnforced from './supabase/ssl-enforced';
import supabaseStorageBackup from './supabase/storage-backup';
import supabaseStoragePublicBucket from './supabase/storage-public-bucket';
import supabaseUnregistered from './supabase/unregistered';
import rdsPitrRetention from './rds/pitr-retention';
import rdsSslEnforced from './rds/ssl-enforced';
import rdsStorageEncrypted from './rds/storage-encrypted';
import rdsDeletionProtection from './rds/deletion-protection';
import rdsMultiAz from './rds/multi-az';
import rdsSnapshotPublic from './rds/snapshot-public';
import s3Versioning from './s3/versioning';
import s3NoncurrentRetention from './s3/noncurrent-retention';
import s3ObjectLock from './s3/object-lock';
import s3Encryption from './s3/encryption';
import s3SecureTransportPolicy from './s3/secure-transport-policy';
import s3PublicAccessBlock from './s3/public-access-block';
import unregistered from './datastore/unregistered';
import kubernetesRecoveryWindow from './kubernetes/recovery-window';
import kubernetesWalArchiving from './kubernetes/wal-archiving';
import kubernetesScheduledBackup from './kubernetes/scheduled-backup';
import kubernetesOffsiteBackup from './kubernetes/offsite-backup';
import kubernetesPvcBackup from './kubernetes/pvc-backup';
import kubernetesUnregistered from './kubernetes/unregistered';
import clickhouseBackups from './clickhouse/backups';
import clickhouseTls from './clickhouse/tls';
import clickhouseDataChangesRecorded from './clickhouse/data-changes-recorded';
import clickhouseUsers from './clickhouse/users';
import clickhouseSensitiveColumns from './clickhouse/sensitive-columns';
import clickhouseIndexes from './clickhouse/indexes';

export const ALL_CHECKS: Check[] = [
  backupPolicyLink,
  sslEnforced,
  certificateExpiry,
  unindexedForeignKey,
  missingPrimaryKey,
  sequentialScanHeavy,
  invalidIndex,
  duplicateIndex,
  unusedIndex,
  queryIndexUse,
  sensitiveColumns,
  modificationAudit,
  superuserLoginRoles,
  walArchiving,
  migrationTool,
  migrationTests,
  migrationRollback,
  migrationRoundTrip,
  migrationCompatibility,
  supabasePitr,
  supabaseDailyBackups,
  supabaseSslEnforced,
  supabaseNetworkRestrictions,
  supabaseRlsDisabledInApi,
  supabaseStorageBackup,
  supabaseStoragePublicBucket,
  rdsPitrRetention,
  rdsSslEnforced,
  rdsStorageEncrypted,
  rdsDeletionProtection,
  rdsMultiAz,
  rdsSnapshotPublic,
  s3Versioning,
  s3NoncurrentRetention,
  s3ObjectLock,
  s3Encryption,
  s3SecureTransportPolicy,
  s3PublicAccessBlock,
  kubernetesRecoveryWindow,
  kubernetesWalArchiving,
  kubernetesScheduledBackup,
  kubernetesOffsiteBackup,
  kubernetesPvcBackup,
  clickhouseBackups,
  clickhouseTls,
  clickhouseDataChangesRecorded,
  clickhouseUsers,
  clickhouseSensitiveColumns,
  clickhouseIndexes,
  unregistered,
  supabaseUnregistered,
  kubernetesUnregistered,
];
