import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load';

const base = (datastore: string, aws = 'aws:\n  accounts:\n    - id: "111111111111"\n') => `${aws}services:\n  - name: orders\n    datastores:\n${datastore}`;

describe('AWS configuration', () => {
  it('accepts rds-instance, rds-cluster and s3-bucket datastores with an aws section', () => {
    const config = parseConfig(
      base(
        '      - { name: db, type: rds-instance, identifier: orders-db, region: eu-west-1 }\n' +
          '      - { name: aurora, type: rds-cluster, identifier: orders, region: eu-west-1, account: "111111111111" }\n' +
          '      - { name: archive, type: s3-bucket, bucket: orders-archive, region: eu-west-1 }\n',
      ),
      'continuity.yaml',
      {},
    );
    expect(config.services[0]!.datastores.map((d) => d.type)).toEqual(['rds-instance', 'rds-cluster', 's3-bucket']);
    expect(config.aws).toMatchObject({ discovery: false, callTimeoutMs: 10000, maxAttempts: 6, regions: [] });
  });

  it('names the key path of an account that is not configured', () => {
    const text = base('      - name: db\n        type: rds-instance\n        identifier: orders-db\n        region: eu-west-1\n        account: "999999999999"\n');
    expect(() => parseConfig(text, 'continuity.yaml', {})).toThrow(ConfigError);
    expect(() => parseConfig(text, 'continuity.yaml', {})).toThrow(/continuity\.yaml:11: services\[0\]\.datastores\[0\]\.account: not one of aws\.accounts\[\]\.id/);
  });

  it('names the key path of a malformed region or role', () => {
    const text = base(
      '      - { name: db, type: rds-instance, identifier: orders-db, region: Ireland }\n',
      'aws:\n  accounts:\n    - id: "111111111111"\n      roleArn: not-an-arn\n',
    );
    expect(() => parseConfig(text, 'continuity.yaml', {})).toThrow(/aws\.accounts\[0\]\.roleArn: an IAM role ARN/);
    expect(() => parseConfig(text, 'continuity.yaml', {})).toThrow(/services\[0\]\.datastores\[0\]\.region: an AWS region/);
  });
});
