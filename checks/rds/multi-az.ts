import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { judgedName, memberEvidence } from './_judged';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'rds',
  id: 'rds.multi-az',
  title: 'RDS production databases are Multi-AZ',
  severity: 'medium',
  description:
    'MultiAZ is true where the policy requires it (by default: the production environment), so a zone failure fails over instead of restoring from backup.',
  remediation: 'aws rds modify-db-instance --multi-az --apply-immediately (for Aurora: add a reader in another Availability Zone).',
  docs: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html',
  evaluate({ datastore, facts, policy }): FindingDraft[] {
    const { judged } = facts;
    const required = policy.multiAzRequired ?? policy.environment === 'production';
    const evidence = [...memberEvidence(facts), { source: judged.source, field: 'MultiAZ', value: judged.multiAz }];
    if (!required) {
      return [{ resource: datastore.name, status: 'skipped', message: `Multi-AZ is not required in environment "${policy.environment}"`, evidence }];
    }
    return judged.multiAz
      ? [{ resource: datastore.name, status: 'pass', message: `${judgedName(facts)} is Multi-AZ`, evidence }]
      : [{ resource: datastore.name, status: 'fail', message: `${judgedName(facts)} runs in a single Availability Zone`, evidence }];
  },
});
