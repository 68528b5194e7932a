import { describe, expect, it } from 'vitest';
import check from './storage-encrypted';
import { checkInput, rdsFacts } from '../../test/support/aws-facts';

describe('rds.storage-encrypted', () => {
  it('passes when StorageEncrypted is true', () => {
    const [f] = check.evaluate(checkInput(rdsFacts()));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'StorageEncrypted', value: true });
  });
  it('fails when it is false', () => {
    expect(check.evaluate(checkInput(rdsFacts({ storageEncrypted: false, kmsKeyId: null })))[0]!.status).toBe('fail');
  });
});
