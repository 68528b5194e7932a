import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './pitr-retention';
import { checkInput, rdsDatabase, rdsFacts } from '../../test/support/aws-facts';
import { instanceToDatabase } from '../../src/datastores/aws/rds';

describe('rds.pitr-retention', () => {
  it('passes with 35 days and a recent restorable time', () => {
    const [f] = runCheck(check, checkInput(rdsFacts()));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'BackupRetentionPeriod', value: 35 });
  });

  it('fails below the policy minimum, and honours an overridden minimum', () => {
    expect(runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 })))[0]!.status).toBe('fail');
    expect(runCheck(check, checkInput(rdsFacts({ backupRetentionPeriod: 7 }), { policy: { pitrMinRetentionDays: 7 } }))[0]!.status).toBe('pass');
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
