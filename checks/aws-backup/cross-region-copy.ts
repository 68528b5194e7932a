import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { coveringRules } from './_backed-up';

/** The region of a vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>). */
const regionOf = (arn: string): string | undefined => arn.split(':')[3];

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'awsBackup',
  id: 'aws-backup.cross-region-copy',
  title: 'AWS Backup copies recovery points out of their region',
  severity: 'medium',
  protection: true,
  description:
    'At least one backup rule covering the datastore has a copy action (CopyActions) to a vault in another region (configuration: the copy jobs and the copies are not read, and the finding says so), so a regional outage or a compromised region does not take the backups with the data. A warning, not a failure: the questionnaire asks for a backup policy, not a second region.',
  remediation: 'Add a CopyActions entry with a DestinationBackupVaultArn in another region to the plan\'s rule (aws backup update-backup-plan).',
  docs: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    const rules = coveringRules(resource, facts);
    if (!Array.isArray(rules)) return [rules];
    // Every AWS datastore type has a region (an S3 bucket's ARN names none).
    const regionHere = 'region' in datastore ? datastore.region : regionOf(facts.resourceArn);
    const source = facts.coverage.source;
    const copies = rules.flatMap((r) => r.copyDestinations.map((arn) => ({ rule: r, arn, region: regionOf(arn) })));
    const evidence = rules.map((r) => ({ source, field: `plan ${r.plan} rule ${r.rule} CopyActions`, value: r.copyDestinations.join(', ') || 'none' }));
    const away = copies.filter((c) => c.region && c.region !== regionHere);
    if (away.length > 0) {
      // A copy action is configuration: the copy jobs and the copies (in the other region's vault) are not read.
      return [{ resource, status: 'pass', message: `plan ${away[0]!.rule.plan} rule ${away[0]!.rule.rule} is configured to copy its recovery points to ${[...new Set(away.map((c) => c.region))].join(', ')} (CopyActions; the copy jobs and the copies themselves are not read)`, evidence }];
    }
    return [{ resource, status: 'warn', message: `its recovery points are never copied out of ${regionHere}: a regional outage takes them with the data`, evidence }];
  },
});
