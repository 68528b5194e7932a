import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import { CHECK_NOW, chDatastore, chFacts, policy, service } from '../../test/support/clickhouse-facts';
import { observed } from '../../src/engine/types';
import type { ClickHouseUser } from '../../src/datastores/clickhouse/facts';
import check from './users';

const user = (name: string, authTypes: string[], hostIp: string[], more: Partial<ClickHouseUser> = {}): ClickHouseUser => ({ name, authTypes, hostIp, hostNames: [], hostNamesRegexp: [], hostNamesLike: [], ...more });
const run = (users: ClickHouseUser[]) => runCheck(check, { service, datastore: chDatastore(), facts: chFacts({ users: observed('system.users', users) }), policy: policy(), now: CHECK_NOW });

describe('clickhouse.users', () => {
  it('flags a passwordless user, the default user open to any host, and other users open to any host', () => {
    const findings = run([
      user('default', ['sha256_password'], ['::/0']),
      user('ingest', ['no_password'], ['::/0']),
      user('analyst', ['sha256_password'], [], { hostNamesRegexp: ['.*'] }),
      user('scanner', ['sha256_password'], ['10.0.0.0/8']),
    ]);
    expect(findings.map((f) => [f.resource, f.status, f.severity])).toEqual([
      ['otel-ch:user/default', 'fail', 'high'],
      ['otel-ch:user/ingest', 'fail', 'critical'],
      ['otel-ch:user/analyst', 'warn', 'medium'],
    ]);
    expect(findings[1]?.message).toBe('user ingest logs in without a password, from any host (host_ip ::/0)');
  });

  it('passes when every user has a password and a host restriction', () => {
    expect(run([user('default', ['sha256_password'], ['127.0.0.1'])])[0]).toMatchObject({ status: 'pass', message: 'all 1 users need a password and are restricted by host' });
  });
});
