import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './storage-encrypted';
import { checkInput, rdsFacts } from '../../test/support/aws-facts';

describe('rds.storage-encrypted', () => {
  it('passes when StorageEncrypted is true', () => {
    const [f] = runCheck(check, checkInput(rdsFacts()));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'StorageEncrypted', value: true });
  });
  it('fails when it is false', () => {
    expect(runCheck(check, checkInput(rdsFacts({ storageEncrypted: false, kmsKeyId: null })))[0]!.status).toBe('fail');
  });
});
