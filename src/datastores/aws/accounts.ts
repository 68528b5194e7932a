// Which account and regions a datastore or a discovery scope belongs to. Pure: no I/O.
import type { Config, DatastoreConfig } from '../../config/schema';
import { AwsSettingsSchema, type AwsSettings } from './placement';

/** Key of the implicit account scanned with the default credential chain when aws.accounts is empty. */
export const DEFAULT_ACCOUNT = 'default';

export type AwsDatastore = Extract<DatastoreConfig, { type: 'rds-instance' | 'rds-cluster' | 's3-bucket' }>;

export function isAwsDatastore(datastore: DatastoreConfig): datastore is AwsDatastore {
  return datastore.type === 'rds-instance' || datastore.type === 'rds-cluster' || datastore.type === 's3-bucket';
}

/** The schema's defaults, used when the config has no aws section. */
const AWS_DEFAULTS: AwsSettings = AwsSettingsSchema.parse({});

export function awsSettings(config: Pick<Config, 'aws'>): AwsSettings {
  return config.aws ?? AWS_DEFAULTS;
}

/**
 * The account key a datastore is scanned with: its `account`, else the only
 * configured account, else the default credential chain.
 */
export function accountOf(config: Pick<Config, 'aws'>, datastore: AwsDatastore): string {
  if (datastore.account) return datastore.account;
  const accounts = awsSettings(config).accounts;
  return accounts.length === 1 ? accounts[0]!.id : DEFAULT_ACCOUNT;
}

/** Every account and region pair discovery lists. */
export function discoveryScopes(config: Pick<Config, 'aws'>): { account: string; regions: string[] }[] {
  const settings = awsSettings(config);
  if (settings.accounts.length === 0) return [{ account: DEFAULT_ACCOUNT, regions: settings.regions }];
  return settings.accounts.map((a) => ({ account: a.id, regions: a.regions ?? settings.regions }));
}

/** Key paths of datastores whose `account` is not one of aws.accounts (when accounts are listed). */
export function unknownAccountPaths(config: Pick<Config, 'aws' | 'services'>): (string | number)[][] {
  const listed = new Set(awsSettings(config).accounts.map((a) => a.id));
  const found: (string | number)[][] = [];
  config.services.forEach((service, i) =>
    service.datastores.forEach((ds, j) => {
      if (isAwsDatastore(ds) && ds.account && !listed.has(ds.account)) found.push(['services', i, 'datastores', j, 'account']);
    }),
  );
  return found;
}
