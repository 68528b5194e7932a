import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import { judgedName, memberEvidence } from './_judged';
import type { AwsBackupUndetermined, RdsDatabase } from '../../src/datastores/aws/facts';
import { continuousBackup, continuousEvidence, daysAgainst, describeContinuous } from '../../src/datastores/aws/recovery-window';
import { MINUTE_MS, DAY_MS } from '../../src/util';

/**
 * Aurora drops backups past the retention period on a daily cycle, so a full
 * window's EarliestRestorableTime sits within about a day of the retention.
 */
const EARLIEST_RESTORABLE_SLACK_DAYS = 1;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'rds',
  id: 'rds.pitr-retention',
  title: 'RDS point-in-time recovery is on, long enough, and working',
  severity: 'high',
  protection: true,
  evidenceTrend: { BackupRetentionPeriod: 'higher-is-better' },
  description:
    'Point-in-time recovery reaches back at least the policy minimum (seed 001: 30 days) from either source: the database\'s own automated backups (BackupRetentionPeriod, with a recent LatestRestorableTime, so it is shown to work), or an AWS Backup continuous backup rule covering it (Lifecycle.DeleteAfterDays, with a completed recovery point). The evidence names both. An Aurora cluster\'s own window is the one its EarliestRestorableTime shows, not only the configured retention (a new, restored or interrupted cluster reaches back less); an instance, which reports none, reaches back no further than its InstanceCreateTime (a new or restored instance fails until it is as old as the policy minimum). Aurora cluster members are judged at their cluster; read replicas are skipped unless the policy includes them.',
  remediation:
    'aws rds modify-db-instance (or modify-db-cluster) --backup-retention-period 35 --apply-immediately, or cover it with an AWS Backup plan rule with EnableContinuousBackup and DeleteAfterDays of at least the policy; if LatestRestorableTime lags, check the instance status and its backup/log shipping events.',
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
    const own = ownWindow(judged, minimum, policy.pitrMaxRestoreLagMinutes, now);
    if (own.latestRestorable) evidence.push({ source: judged.source, field: 'LatestRestorableTime', value: judged.latestRestorableTime });
    if (own.earliestRestorable) evidence.push({ source: judged.source, field: 'EarliestRestorableTime', value: judged.earliestRestorableTime });
    if (own.created) evidence.push({ source: judged.source, field: judged.kind === 'instance' ? 'InstanceCreateTime' : 'ClusterCreateTime', value: judged.createdAt });
    const backup = continuousBackup(facts.backup);
    evidence.push(...continuousEvidence(backup));
    const viaBackup = backup.state === 'covered' && backup.working && backup.days >= minimum;
    if (own.meets) {
      const other = backup.state === 'covered' ? `; ${describeContinuous(backup, minimum)}` : '';
      return [{ resource, status: 'pass', message: `${name} ${own.text}${other}`, evidence }];
    }
    if (viaBackup) {
      return [{ resource, status: 'pass', message: `${name} keeps ${describeContinuous(backup, minimum)}, at least ${minimum} days, while its automated backups give ${own.short}`, evidence }];
    }
    if (backup.state === 'unread') {
      const message = `${name} ${own.text}, and AWS Backup could not be read (${backup.reason}): a continuous backup plan there may meet the policy`;
      return [{ resource, status: 'unknown', message, evidence }];
    }
    const fromBackup = backup.state === 'none' ? `no AWS Backup continuous rule covers it${undeterminedNote(backup.undetermined)}` : describeContinuous(backup, minimum);
    return [{ resource, status: 'fail', message: `${name} ${own.text}; ${fromBackup}`, evidence }];
  },
});

interface OwnWindow {
  meets: boolean;
  /** The whole statement, e.g. "keeps 7 days of point-in-time recovery; the policy requires at least 30". */
  text: string;
  /** E.g. "7 days (below 30)". */
  short: string;
  latestRestorable: boolean;
  /** Whether the cluster's EarliestRestorableTime was part of the judgement. */
  earliestRestorable?: boolean;
  /** Whether the creation time was part of the judgement (no EarliestRestorableTime: instances). */
  created?: boolean;
}

/** The database's own automated-backup window, judged against the policy and the restore lag. */
function ownWindow(judged: RdsDatabase, minimum: number, maxLagMinutes: number, now: Date): OwnWindow {
  const days = judged.backupRetentionPeriod;
  if (days <= 0) {
    return { meets: false, text: 'has automated backups off (BackupRetentionPeriod 0): no point-in-time recovery of its own', short: 'none (automated backups off)', latestRestorable: false };
  }
  const short = daysAgainst(days, minimum);
  if (days < minimum) {
    return { meets: false, text: `keeps ${days} days of point-in-time recovery; the policy requires at least ${minimum}`, short, latestRestorable: false };
  }
  if (!judged.latestRestorableTime) {
    return { meets: false, text: 'reports no LatestRestorableTime: point-in-time recovery is not shown to work', short: `${short}, not shown to work`, latestRestorable: true };
  }
  const lagMinutes = (now.getTime() - Date.parse(judged.latestRestorableTime)) / MINUTE_MS;
  if (lagMinutes > maxLagMinutes) {
    return {
      meets: false,
      text: `has a latest restorable time ${Math.round(lagMinutes)} minutes old (at most ${maxLagMinutes} allowed): transaction logs are not reaching backup storage`,
      short: `${short}, latest restorable ${Math.round(lagMinutes)} minutes ago`,
      latestRestorable: true,
    };
  }
  const latest = `latest restorable ${Math.max(0, Math.round(lagMinutes))} minutes ago`;
  if (judged.earliestRestorableTime) {
    // Aurora: the window actually reachable, which a retention alone does not show.
    const reachDays = (now.getTime() - Date.parse(judged.earliestRestorableTime)) / DAY_MS;
    const reach = `restorable from ${judged.earliestRestorableTime} (${Math.floor(reachDays)} days back)`;
    if (reachDays + EARLIEST_RESTORABLE_SLACK_DAYS < minimum) {
      return {
        meets: false,
        text: `keeps ${days} days of point-in-time recovery but is only ${reach}; the policy requires at least ${minimum} (a new or restored cluster, or backups interrupted)`,
        short: `${daysAgainst(Math.floor(reachDays), minimum)} reachable of ${days} configured`,
        latestRestorable: true,
        earliestRestorable: true,
      };
    }
    return { meets: true, text: `keeps ${days} days of point-in-time recovery (at least ${minimum}), ${reach}; ${latest}`, short, latestRestorable: true, earliestRestorable: true };
  }
  if (judged.createdAt) {
    // No EarliestRestorableTime (instances): the retention is a setting, and backups reach back no further than the creation (or restore).
    const ageDays = (now.getTime() - Date.parse(judged.createdAt)) / DAY_MS;
    if (!(ageDays >= minimum)) {
      return {
        meets: false,
        text: `keeps ${days} days of point-in-time recovery but was created ${Math.floor(ageDays)} days ago (${judged.createdAt}), so its automated backups reach back at most that far; the policy requires at least ${minimum} (a new or restored ${judged.kind})`,
        short: `at most ${daysAgainst(Math.floor(ageDays), minimum)} reachable of ${days} configured`,
        latestRestorable: true,
        created: true,
      };
    }
  }
  return {
    meets: true,
    text: `keeps ${days} days of point-in-time recovery (at least ${minimum}); ${latest}`,
    short,
    latestRestorable: true,
    created: judged.createdAt !== null,
  };
}

function undeterminedNote(undetermined: AwsBackupUndetermined[]): string {
  if (undetermined.length === 0) return '';
  return ` (not determined: ${undetermined.map((u) => `plan ${u.plan} selection ${u.selection}: ${u.why}`).join('; ')})`;
}
