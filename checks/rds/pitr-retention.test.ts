import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './pitr-retention';
import { backupFacts, backupRule, checkInput, coveredBy, rdsDatabase, rdsFacts } from '../../test/support/aws-facts';
import { unavailable } from '../../src/engine/types';
import { instanceToDatabase } from '../../src/datastores/aws/rds';

describe('rds.pitr-retention', () => {
  it('passes 7 days of automated backups covered by a 35-day AWS Backup continuous rule, naming both sources', () => {
    const [f] = runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 }, { backup: coveredBy([backupRule()]) })));
    expect(f!.status).toBe('pass');
    expect(f!.message).toBe('instance orders-db keeps AWS Backup continuous 35 days (plan prod-pitr), at least 30 days, while its automated backups give 7 days (below 30)');
    expect(f!.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'BackupRetentionPeriod', value: 7 });
    expect(f!.evidence).toContainEqual({
      source: 'backup:ListBackupPlans, GetBackupPlan, ListBackupSelections, GetBackupSelection',
      field: 'plan prod-pitr rule continuous Lifecycle.DeleteAfterDays',
      value: 35,
    });
  });

  it('names the AWS Backup window beside its own when its own passes', () => {
    const [f] = runCheck(check, checkInput(rdsFacts({}, { backup: coveredBy([backupRule({ deleteAfterDays: 14 })]) })));
    expect(f!.status).toBe('pass');
    expect(f!.message).toContain('; AWS Backup continuous 14 days (below 30) (plan prod-pitr)');
  });

  it('fails when neither source meets the policy, or the continuous rule has no completed recovery point', () => {
    const short = runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 }, { backup: coveredBy([backupRule({ deleteAfterDays: 14 })]) })))[0]!;
    expect(short.status).toBe('fail');
    expect(short.message).toContain('AWS Backup continuous 14 days (below 30)');
    const idle = runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 }, { backup: coveredBy([backupRule()], []) })))[0]!;
    expect(idle.status).toBe('fail');
    expect(idle.message).toContain('no completed recovery point yet');
    const none = runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 })))[0]!;
    expect(none.message).toContain('no AWS Backup continuous rule covers it');
  });

  it('does not count a scheduled (not continuous) AWS Backup rule as point-in-time recovery', () => {
    const [f] = runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 }, { backup: coveredBy([backupRule({ continuous: false, deleteAfterDays: 90 })]) })));
    expect(f!.status).toBe('fail');
  });

  it('is unknown, not a fail, when its own window is short and AWS Backup could not be read', () => {
    const backup = backupFacts({ coverage: unavailable('backup:ListBackupPlans', 'AccessDeniedException: not authorized', 'allow backup:ListBackupPlans') });
    const [f] = runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 }, { backup })));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toContain('AWS Backup could not be read (AccessDeniedException: not authorized)');
  });

  it('is unknown, not a fail, when a continuous rule covers it but its recovery points could not be read', () => {
    const backup = backupFacts({ ...coveredBy([backupRule()]), recoveryPoints: unavailable('backup:ListRecoveryPointsByResource', 'AccessDeniedException') });
    const [f] = runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 }, { backup })));
    expect(f!.status).toBe('unknown');
    expect(f!.evidence).toContainEqual({ source: 'backup:ListRecoveryPointsByResource', field: 'read', value: 'failed: AccessDeniedException' });
  });

  it('passes with 35 days and a recent restorable time', () => {
    const [f] = runCheck(check, checkInput(rdsFacts()));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'BackupRetentionPeriod', value: 35 });
  });

  it('fails below the policy minimum, and honours an overridden minimum', () => {
    expect(runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 })))[0]!.status).toBe('fail');
    expect(runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 }), { policy: { pitrMinRetentionDays: 7 } }))[0]!.status).toBe('pass');
  });

  it('does not pass a new or restored instance on its configured retention: its backups reach back only to its creation', () => {
    const young = runCheck(check, checkInput(rdsFacts({ createdAt: '2026-11-19T12:00:00.000Z' })))[0]!;
    expect(young.status).toBe('fail');
    expect(young.message).toContain('keeps 35 days of point-in-time recovery but was created 2 days ago (2026-11-19T12:00:00.000Z), so its automated backups reach back at most that far; the policy requires at least 30 (a new or restored instance)');
    expect(young.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'InstanceCreateTime', value: '2026-11-19T12:00:00.000Z' });
    // An AWS Backup continuous rule meeting the policy still passes it.
    expect(runCheck(check, checkInput(rdsFacts({ createdAt: '2026-11-19T12:00:00.000Z' }, { backup: coveredBy([backupRule()]) })))[0]!.status).toBe('pass');
    const old = runCheck(check, checkInput(rdsFacts({ createdAt: '2025-01-01T00:00:00.000Z' })))[0]!;
    expect(old.status).toBe('pass');
    // The pass rests on the instance's age too: the evidence shows it.
    expect(old.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'InstanceCreateTime', value: '2025-01-01T00:00:00.000Z' });
  });

  it('fails with backups off', () => {
    const [f] = runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 0 })));
    expect(f!.status).toBe('fail');
    expect(f!.message).toContain('automated backups off');
  });

  it('fails when the latest restorable time lags or is missing', () => {
    const lagging = runCheck(check, checkInput(rdsFacts({ latestRestorableTime: '2026-11-21T11:25:00.000Z' })))[0]!;
    expect(lagging.status).toBe('fail');
    expect(lagging.message).toContain('35 minutes old');
    expect(runCheck(check, checkInput(rdsFacts({ latestRestorableTime: null })))[0]!.status).toBe('fail');
  });

  it('judges a cluster member at its cluster', () => {
    const member = rdsDatabase({ identifier: 'aurora-1', backupRetentionPeriod: 1, clusterIdentifier: 'aurora' });
    const cluster = rdsDatabase({ kind: 'cluster', identifier: 'aurora', backupRetentionPeriod: 30, source: 'rds:DescribeDBClusters' });
    const [f] = runCheck(check, checkInput(rdsFacts({}, { target: member, judged: cluster })));
    expect(f!.status).toBe('pass');
    expect(f!.message).toContain('cluster aurora (for its member aurora-1)');
  });

  it("judges an Aurora cluster by how far back its EarliestRestorableTime reaches, not only its retention", () => {
    const cluster = (earliestRestorableTime: string) =>
      rdsDatabase({ kind: 'cluster', identifier: 'aurora', engine: 'aurora-postgresql', backupRetentionPeriod: 35, earliestRestorableTime, source: 'rds:DescribeDBClusters' });
    const judge = (earliest: string) => runCheck(check, checkInput(rdsFacts({}, { target: cluster(earliest), judged: cluster(earliest) })))[0]!;
    // CHECK_NOW is 2026-11-21T12:00Z: 34.5 days back meets 30; 3 days back does not, whatever the retention says.
    const full = judge('2026-10-18T00:00:00.000Z');
    expect(full.status).toBe('pass');
    expect(full.message).toContain('restorable from 2026-10-18T00:00:00.000Z (34 days back)');
    expect(full.evidence).toContainEqual({ source: 'rds:DescribeDBClusters', field: 'EarliestRestorableTime', value: '2026-10-18T00:00:00.000Z' });
    const young = judge('2026-11-18T12:00:00.000Z');
    expect(young.status).toBe('fail');
    expect(young.message).toContain('keeps 35 days of point-in-time recovery but is only restorable from 2026-11-18T12:00:00.000Z (3 days back); the policy requires at least 30');
    // A window within a day of the policy is a full one (Aurora purges old backups daily).
    expect(judge('2026-10-22T18:00:00.000Z').status).toBe('pass');
  });

  it('skips read replicas unless the policy includes them', () => {
    const replica = rdsFacts({ readReplicaSource: { identifier: 'orders-db', field: 'ReadReplicaSourceDBInstanceIdentifier' }, backupRetentionPeriod: 0 });
    expect(runCheck(check, checkInput(replica))[0]!.status).toBe('skipped');
    expect(runCheck(check, checkInput(replica, { policy: { pitrIncludeReadReplicas: true } }))[0]!.status).toBe('fail');
  });

  it('names the field the replica source came from: a replica of an Aurora cluster', () => {
    const source = 'arn:aws:rds:eu-west-1:111111111111:cluster:orders-aurora';
    const target = instanceToDatabase({ DBInstanceIdentifier: 'orders-replica', Engine: 'mysql', ReadReplicaSourceDBClusterIdentifier: source });
    const [f] = runCheck(check, checkInput(rdsFacts({}, { target, judged: target })));
    expect(f!.status).toBe('skipped');
    expect(f!.evidence).toEqual([{ source: 'rds:DescribeDBInstances', field: 'ReadReplicaSourceDBClusterIdentifier', value: source }]);
  });
});
