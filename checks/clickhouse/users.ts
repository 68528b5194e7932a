import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { ClickHouseUser } from '../../src/datastores/clickhouse/facts';

/** Host restrictions that let any address in: ClickHouse's own `HOST ANY` is host_ip ::/0. */
function openToAnyHost(user: ClickHouseUser): string | undefined {
  const anyIp = user.hostIp.find((ip) => ip === '::/0' || ip === '0.0.0.0/0');
  if (anyIp) return `host_ip ${anyIp}`;
  const anyRegexp = user.hostNamesRegexp.find((r) => r === '.*' || r === '^.*$');
  if (anyRegexp) return `host_names_regexp ${anyRegexp}`;
  if (user.hostNamesLike.includes('%')) return 'host_names_like %';
  return undefined;
}

const PASSWORDLESS = new Set(['no_password', 'no_authentication']);

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'clickhouse',
  id: 'clickhouse.users',
  title: 'ClickHouse logins need a password and a host restriction',
  severity: 'high',
  description:
    'From system.users (auth_type, host_ip, host_names*): users that log in without a password, the `default` user reachable from any host, and users allowed from any address (HOST ANY, ::/0). One finding per user at fault.',
  remediation:
    "Give every user a password (ALTER USER x IDENTIFIED WITH sha256_password BY '…') and restrict where it may log in from (ALTER USER x HOST IP '10.0.0.0/8'); disable the default user or give it a password and HOST LOCAL.",
  docs: 'https://clickhouse.com/docs/sql-reference/statements/create/user',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.users.ok) return [unreadable(resource, facts.users)];
    const source = facts.users.source;
    const findings: FindingDraft[] = [];
    for (const user of facts.users.value) {
      const passwordless = user.authTypes.some((t) => PASSWORDLESS.has(t));
      const anyHost = openToAnyHost(user);
      if (!passwordless && !anyHost) continue;
      const evidence = [
        { source, field: 'auth_type', value: user.authTypes.join(', ') },
        { source, field: 'host_ip', value: user.hostIp.join(', ') },
        { source, field: 'host_names', value: [...user.hostNames, ...user.hostNamesRegexp, ...user.hostNamesLike].join(', ') },
      ];
      const target = `${resource}:user/${user.name}`;
      if (passwordless) {
        findings.push({
          resource: target,
          status: 'fail',
          message: `user ${user.name} logs in without a password${anyHost ? `, from any host (${anyHost})` : ''}`,
          evidence,
          ...(anyHost ? { severity: 'critical' as const } : {}),
        });
      } else if (user.name === 'default') {
        findings.push({ resource: target, status: 'fail', message: `the default user may log in from any host (${anyHost})`, evidence });
      } else {
        findings.push({ resource: target, status: 'warn', severity: 'medium', message: `user ${user.name} may log in from any host (${anyHost})`, evidence });
      }
    }
    if (findings.length > 0) return findings;
    return [
      {
        resource,
        status: 'pass',
        message: `all ${facts.users.value.length} users need a password and are restricted by host`,
        evidence: [{ source, field: 'users', value: facts.users.value.map((u) => u.name).join(', ') }],
      },
    ];
  },
});
