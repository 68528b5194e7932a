import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { coveringRules } from './_backed-up';
import { HOUR_MS } from '../../src/util';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'awsBackup',
  id: 'aws-backup.recent-recovery-point',
  title: 'AWS Backup made a recent recovery point',
  severity: 'high',
  protection: true,
  evidenceTrend: { 'newest completed recovery point': 'higher-is-better' },
  description:
    'For a datastore an AWS Backup plan covers, the newest COMPLETED recovery point (ListRecoveryPointsByResource) is at most policy.maxBackupAgeHours old (26 by default), so the plan is shown to run, not just configured.',
  remediation: 'Check the backup jobs of the plan (aws backup list-backup-jobs --by-resource-arn <arn>) for failures, and the IAM role of its selection.',
  docs: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/monitoring.html',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    const resource = datastore.name;
    const rules = coveringRules(resource, facts);
    if (!Array.isArray(rules)) return [rules];
    if (!facts.recoveryPoints.ok) return [unreadable(resource, facts.recoveryPoints)];
    const { newestCompleted, newest } = facts.recoveryPoints.value;
    const source = facts.recoveryPoints.source;
    const evidence = [
      { source, field: 'newest completed recovery point', value: newestCompleted },
      ...(newest && newest.created !== newestCompleted ? [{ source, field: `newest recovery point (${newest.status})`, value: newest.created }] : []),
    ];
    const plans = [...new Set(rules.map((r) => r.plan))].join(', ');
    if (!newestCompleted) return [{ resource, status: 'fail', message: `AWS Backup plan ${plans} covers it, but it has no completed recovery point`, evidence }];
    const hours = (now.getTime() - Date.parse(newestCompleted)) / HOUR_MS;
    if (hours > policy.maxBackupAgeHours) {
      return [{ resource, status: 'fail', message: `its newest completed AWS Backup recovery point is ${Math.round(hours)} hours old (at most ${policy.maxBackupAgeHours} allowed)`, evidence }];
    }
    return [{ resource, status: 'pass', message: `its newest completed AWS Backup recovery point is ${Math.max(0, Math.round(hours))} hours old (plan ${plans})`, evidence }];
  },
});
