// Datastore type `rds-cluster`: an Amazon Aurora or Multi-AZ DB cluster, read with the AWS SDK.
import { z } from 'zod';
import { awsDiscoveryCollector, describeRdsRecovery, rdsBackupCollector, rdsCollector } from '../aws/collectors';
import { AWS_PLACEMENT_FIELDS } from '../aws/placement';
import { DATASTORE_COMMON_FIELDS, defineDatastoreModule } from '../module';

export const RdsClusterDatastoreSchema = z.strictObject({
  ...DATASTORE_COMMON_FIELDS,
  type: z.literal('rds-cluster'),
  identifier: z.string().min(1).describe('DBClusterIdentifier (Aurora or Multi-AZ DB cluster).'),
  ...AWS_PLACEMENT_FIELDS,
});

export const rdsClusterModule = defineDatastoreModule({
  type: 'rds-cluster',
  title: 'Amazon Aurora or Multi-AZ DB cluster',
  docs: 'docs/aws.md',
  schema: RdsClusterDatastoreSchema,
  collectors: [rdsCollector, rdsBackupCollector],
  discovery: [awsDiscoveryCollector],
  describeRecovery: describeRdsRecovery,
});
