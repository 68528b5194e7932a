import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';

/** Whether a CIDR list admits every address (a /0 range such as 0.0.0.0/0 or ::/0); an unset list restricts nothing. */
function admitsEverything(list: string[] | null): boolean {
  if (list === null) return true;
  return list.some((cidr) => /\/0+$/.test(cidr.trim()));
}

const show = (list: string[] | null) => (list === null ? 'not set (no restriction)' : list.length === 0 ? '[] (none allowed)' : list.join(', '));

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'supabase',
  id: 'supabase.network-restrictions',
  title: 'Supabase database is not reachable from the whole internet',
  severity: 'medium',
  description:
    'Network restrictions limit which IPv4 and IPv6 ranges can connect to the database and pooler. Allowing 0.0.0.0/0 or ::/0 (the default), or never applying a configuration, leaves password authentication as the only barrier.',
  remediation:
    'Restrict database access to the ranges that need it (Database Settings > Network Restrictions, or POST /v1/projects/{ref}/network-restrictions/apply); the Data API is not affected.',
  docs: 'https://supabase.com/docs/guides/platform/network-restrictions',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    const fact = facts.networkRestrictions;
    if (!fact.ok) return [unreadable(resource, fact)];
    const { entitlement, status, config, oldConfig } = fact.value;
    if (status !== 'applied' && !oldConfig) {
      // Nothing was ever applied (Supabase's docs: the list is empty and restrictions applied is false, so all IPs can connect).
      return [
        {
          resource,
          status: 'warn',
          message: `network restrictions were never applied (a configuration is ${status}, none in effect): the database accepts connections from any address`,
          evidence: [
            { source: fact.source, field: 'entitlement', value: entitlement },
            { source: fact.source, field: 'status', value: status },
            { source: fact.source, field: 'config.dbAllowedCidrs', value: show(config.dbAllowedCidrs) },
            { source: fact.source, field: 'config.dbAllowedCidrsV6', value: show(config.dbAllowedCidrsV6) },
            { source: fact.source, field: 'old_config', value: null },
          ],
        },
      ];
    }
    // While a new configuration is only stored, the previous one is still what the database enforces.
    const effective = status !== 'applied' && oldConfig ? oldConfig : config;
    const evidence: Evidence[] = [
      { source: fact.source, field: 'entitlement', value: entitlement },
      { source: fact.source, field: 'status', value: status },
      { source: fact.source, field: `${effective === config ? 'config' : 'old_config'}.dbAllowedCidrs`, value: show(effective.dbAllowedCidrs) },
      { source: fact.source, field: `${effective === config ? 'config' : 'old_config'}.dbAllowedCidrsV6`, value: show(effective.dbAllowedCidrsV6) },
    ];
    if (entitlement === 'disallowed') {
      return [
        {
          resource,
          status: 'warn',
          message: "the project's plan does not offer network restrictions: the database accepts connections from any address",
          evidence,
        },
      ];
    }
    const open = [
      ...(admitsEverything(effective.dbAllowedCidrs) ? ['any IPv4 address'] : []),
      ...(admitsEverything(effective.dbAllowedCidrsV6) ? ['any IPv6 address'] : []),
    ];
    const pending = status !== 'applied' ? ` (a change is ${status}, not yet applied)` : '';
    if (open.length > 0) {
      return [{ resource, status: 'warn', message: `the database accepts connections from ${open.join(' and ')}${pending}`, evidence }];
    }
    return [{ resource, status: 'pass', message: `database connections are limited to the allowed ranges${pending}`, evidence }];
  },
});
