// Config shapes shared by the AWS datastore types (rds-instance, rds-cluster,
// s3-bucket) and the config's aws section. Pure: no I/O.
import { z } from 'zod';

export const AwsAccountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
export const AwsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1');
/** Where an AWS datastore lives. */
export const AWS_PLACEMENT_FIELDS = {
  region: AwsRegion,
  account: AwsAccountId.optional().describe('One of aws.accounts[].id; may be left out when one account (or none) is configured.'),
};

export const AwsAccountSchema = z.strictObject({
  id: AwsAccountId,
  roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN').optional().describe('Role assumed (STS AssumeRole) to scan this account.'),
  externalId: z.string().optional().describe('ExternalId for the AssumeRole call, if the role requires one.'),
  profile: z.string().optional().describe('Named profile (~/.aws/config) to use, or to assume roleArn from.'),
  regions: z.array(AwsRegion).optional().describe('Overrides aws.regions for this account.'),
});

export const AwsSettingsSchema = z.strictObject({
  accounts: z
    .array(AwsAccountSchema)
    .default([])
    .describe('Accounts to scan; without any, the default credential chain is used as one account.'),
  regions: z.array(AwsRegion).default([]).describe('Regions discovery lists (and the default for accounts).'),
  discovery: z.boolean().default(false).describe('List every RDS instance, cluster and bucket and report those not registered.'),
  callTimeoutMs: z.number().int().positive().default(10000).describe('Timeout of one AWS API call (each retry attempt).'),
  maxAttempts: z.number().int().min(1).max(20).default(6).describe('Attempts per API call, with adaptive retry on throttling.'),
});
export type AwsSettings = z.infer<typeof AwsSettingsSchema>;
