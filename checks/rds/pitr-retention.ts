import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import { judgedName, memberEvidence } from './_judged';

const MINUTE_MS = 60_000;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'rds',
  id: 'rds.pitr-retention',
  title: 'RDS point-in-time recovery is on, long enough, and working',
  severity: 'high',
  protection: true,
  evidenceTrend: { BackupRetentionPeriod: 'higher-is-better' },
  description:
    'Automated backups are on with BackupRetentionPeriod at least the policy minimum (seed 001: 30 days), and LatestRestorableTime is recent, so point-in-time recovery is shown to work, not just configured. Aurora cluster members are judged at their cluster; read replicas are skipped unless the policy includes them.',
  remediation:
    'aws rds modify-db-instance (or modify-db-cluster) --backup-retention-period 35 --apply-immediately; if LatestRestorableTime lags, check the instance status and its backup/log shipping events.',
  docs: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    const { judged, target } = facts;
    const resource = datastore.name;
    const evidence: Evidence[] = [
      ...memberEvidence(facts),
      { source: judged.source, field: 'BackupRetentionPeriod', value: judged.backupRetentionPeriod },
    ];
    const replicaOf = target.kind === 'instance' && !target.clusterIdentifier ? target.readReplicaSource : null;
    if (replicaOf && !policy.pitrIncludeReadReplicas) {
      return [
        {
          resource,
          status: 'skipped',
          message: `read replica of ${replicaOf.identifier}: point-in-time recovery is judged at the source (set policy.pitrIncludeReadReplicas to judge replicas)`,
          evidence: [{ source: target.source, field: replicaOf.field, value: replicaOf.identifier }],
        },
      ];
    }
    const name = judgedName(facts);
    const minimum = policy.pitrMinRetentionDays;
    if (judged.backupRetentionPeriod <= 0) {
      return [{ resource, status: 'fail', message: `${name} has automated backups off (BackupRetentionPeriod 0): no point-in-time recovery`, evidence }];
    }
    if (judged.backupRetentionPeriod < minimum) {
      return [
        {
          resource,
          status: 'fail',
          message: `${name} keeps ${judged.backupRetentionPeriod} days of point-in-time recovery; the policy requires at least ${minimum}`,
          evidence,
        },
      ];
    }
    evidence.push({ source: judged.source, field: 'LatestRestorableTime', value: judged.latestRestorableTime });
    if (!judged.latestRestorableTime) {
      return [{ resource, status: 'fail', message: `${name} reports no LatestRestorableTime: point-in-time recovery is not shown to work`, evidence }];
    }
    const lagMinutes = (now.getTime() - Date.parse(judged.latestRestorableTime)) / MINUTE_MS;
    if (lagMinutes > policy.pitrMaxRestoreLagMinutes) {
      return [
        {
          resource,
          status: 'fail',
          message: `${name}'s latest restorable time is ${Math.round(lagMinutes)} minutes old (at most ${policy.pitrMaxRestoreLagMinutes} allowed): transaction logs are not reaching backup storage`,
          evidence,
        },
      ];
    }
    return [
      {
        resource,
        status: 'pass',
        message: `${name} keeps ${judged.backupRetentionPeriod} days of point-in-time recovery (at least ${minimum}); latest restorable ${Math.max(0, Math.round(lagMinutes))} minutes ago`,
        evidence,
      },
    ];
  },
});
