// The causes not produced against a real server in test/cli/datastore-errors.test.ts.
import { describe, expect, it } from 'vitest';
import { fixForCollectionError } from '../../src/datastores/collection-errors';

const scan = { concurrency: 8, datastoreTimeoutSeconds: 90, statementTimeoutMs: 10000, lockTimeoutMs: 1000, connectTimeoutMs: 10000 };

describe('fixForCollectionError', () => {
  it('names the fix of each known cause', () => {
    expect(fixForCollectionError('postgres: timed out after 90s', scan)).toMatch(/^collection did not finish within 90 s \(scan\.datastoreTimeoutSeconds\)/);
    expect(fixForCollectionError('postgres: connect ECONNREFUSED 10.0.0.5:5432', scan)).toMatch(/^nothing accepts connections at 10\.0\.0\.5:5432/);
    expect(fixForCollectionError("postgres: ENOENT: no such file or directory, open '/etc/ssl/ca.pem'", scan)).toMatch(/^the file \/etc\/ssl\/ca\.pem the datastore's config names \(tls\.caFile/);
    expect(fixForCollectionError('postgres: no pg_hba.conf entry for host "10.1.2.3", user "scanner", database "app", no encryption', scan)).toMatch(
      /^the server's pg_hba\.conf admits no connection from 10\.1\.2\.3/,
    );
  });

  it('has no fix for a cause it does not know', () => {
    expect(fixForCollectionError('s3: AccessDenied', scan)).toBeUndefined();
  });
});
