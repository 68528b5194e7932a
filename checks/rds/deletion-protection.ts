import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { judgedName, memberEvidence } from './_judged';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'rds',
  id: 'rds.deletion-protection',
  title: 'RDS deletion protection is on',
  severity: 'medium',
  protection: true,
  description: 'DeletionProtection is true, so the database cannot be deleted (with its automated backups) by one API call.',
  remediation: 'aws rds modify-db-instance (or modify-db-cluster) --deletion-protection --apply-immediately',
  docs: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection',
  evaluate({ datastore, facts }): FindingDraft[] {
    const { judged } = facts;
    const evidence = [...memberEvidence(facts), { source: judged.source, field: 'DeletionProtection', value: judged.deletionProtection }];
    return judged.deletionProtection
      ? [{ resource: datastore.name, status: 'pass', message: `${judgedName(facts)} has deletion protection`, evidence }]
      : [{ resource: datastore.name, status: 'fail', message: `${judgedName(facts)} can be deleted: deletion protection is off`, evidence }];
  },
});
