// Datastore type `rds-instance`: an Amazon RDS DB instance, read with the AWS SDK.
import { z } from 'zod';
import { awsDiscoveryCollector, describeRdsRecovery, rdsBackupCollector, rdsCollector } from '../aws/collectors';
import { AWS_PLACEMENT_FIELDS } from '../aws/placement';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';

export const RdsInstanceDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('rds-instance'),
  identifier: z.string().min(1).describe('DBInstanceIdentifier.'),
  ...AWS_PLACEMENT_FIELDS,
});

export const rdsInstanceModule = defineDatastoreModule({
  type: 'rds-instance',
  title: 'Amazon RDS DB instance',
  docs: 'docs/aws.md',
  schema: RdsInstanceDatastoreSchema,
  collectors: [rdsCollector, rdsBackupCollector],
  discovery: [awsDiscoveryCollector],
  describeRecovery: describeRdsRecovery,
});
