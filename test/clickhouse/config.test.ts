// The clickhouse datastore's config: https by default, credentials only from the environment,
// and bad values refused with the key and line named.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load';
import { problemsOf } from '../support/config-problems';

const config = (datastore: string) => `services:
  - name: agentops
    datastores:
      - name: otel-ch
        type: clickhouse
${datastore
  .split('\n')
  .map((line) => `        ${line}`)
  .join('\n')}
`;

describe('clickhouse datastore config', () => {
  it('takes a host without a scheme as https and fills the defaults', () => {
    const parsed = parseConfig(config('url: clickhouse.internal:8443'), 'continuity.yaml', {});
    expect(parsed.services[0]!.datastores[0]).toMatchObject({
      url: 'https://clickhouse.internal:8443',
      userEnv: 'CLICKHOUSE_USER',
      passwordEnv: 'CLICKHOUSE_PASSWORD',
      queryTimeoutSeconds: 10,
      plaintextProbe: true,
      dataChangeWindowDays: 30,
    });
  });

  it('refuses plaintext http to another host, a password in the URL, and unknown keys, naming key and line', () => {
    expect(problemsOf(config('url: http://clickhouse.internal:8123'))).toEqual([
      { path: 'services[0].datastores[0].url', line: 6, message: 'the ClickHouse URL must use https (plain http is allowed only for 127.0.0.1/localhost)' },
    ]);
    expect(problemsOf(config('url: https://scanner:pw@clickhouse.internal:8443'))[0]).toMatchObject({
      path: 'services[0].datastores[0].url',
      message: 'the ClickHouse URL must not carry a user or password: they come from environment variables',
    });
    expect(problemsOf(config('url: https://ch.internal\npassword: hunter2'))[0]).toMatchObject({ path: 'services[0].datastores[0].password', line: 7 });
  });
});
