import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { judgedName, memberEvidence } from './_judged';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'rds',
  id: 'rds.storage-encrypted',
  title: 'RDS storage is encrypted at rest',
  severity: 'high',
  description: 'StorageEncrypted is true, so the storage, its automated backups, snapshots and replicas are encrypted with KMS.',
  remediation:
    'Encryption cannot be turned on in place: snapshot the database, copy the snapshot with --kms-key-id, restore from the encrypted copy and switch clients over.',
  docs: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html',
  evaluate({ datastore, facts }): FindingDraft[] {
    const { judged } = facts;
    const evidence = [
      ...memberEvidence(facts),
      { source: judged.source, field: 'StorageEncrypted', value: judged.storageEncrypted },
      { source: judged.source, field: 'KmsKeyId', value: judged.kmsKeyId },
    ];
    return judged.storageEncrypted
      ? [{ resource: datastore.name, status: 'pass', message: `${judgedName(facts)} storage is encrypted`, evidence }]
      : [{ resource: datastore.name, status: 'fail', message: `${judgedName(facts)} storage is not encrypted at rest`, evidence }];
  },
});
