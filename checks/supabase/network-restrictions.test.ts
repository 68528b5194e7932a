import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './network-restrictions';
import { observed } from '../../src/engine/types';
import type { SupabaseNetworkRestrictions } from '../../src/datastores/supabase-project/facts';
import { NOW, forbidden, policy, service, supabaseDatastore, supabaseFacts } from '../../test/supabase/facts';

const run = (value: Partial<SupabaseNetworkRestrictions>) =>
  runCheck(check, {
    service,
    datastore: supabaseDatastore(),
    facts: supabaseFacts({
      networkRestrictions: observed('GET network-restrictions', {
        entitlement: 'allowed',
        status: 'applied',
        config: { dbAllowedCidrs: ['10.0.0.0/8'], dbAllowedCidrsV6: ['2001:db8::/32'] },
        oldConfig: null,
        ...value,
      }),
    }),
    policy: policy(),
    now: NOW,
  });

describe('supabase.network-restrictions', () => {
  it('passes when only named ranges are allowed', () => {
    expect(run({})[0]?.status).toBe('pass');
  });

  it('judges restrictions that were never applied as open (no configuration in effect: all IPs can connect)', () => {
    const [finding] = run({ status: 'stored', config: { dbAllowedCidrs: [], dbAllowedCidrsV6: [] }, oldConfig: null });
    expect(finding?.status).toBe('warn');
    expect(finding?.message).toBe(
      'network restrictions were never applied (a configuration is stored, none in effect): the database accepts connections from any address',
    );
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'old_config', value: null }));
  });

  it('warns when 0.0.0.0/0 is allowed', () => {
    const [finding] = run({ config: { dbAllowedCidrs: ['0.0.0.0/0'], dbAllowedCidrsV6: [] } });
    expect(finding?.status).toBe('warn');
    expect(finding?.message).toBe('the database accepts connections from any IPv4 address');
  });

  it('warns when ::/0 is allowed, or a list is not set at all', () => {
    const [finding] = run({ config: { dbAllowedCidrs: ['10.0.0.0/8'], dbAllowedCidrsV6: null } });
    expect(finding?.status).toBe('warn');
    expect(finding?.message).toContain('any IPv6 address');
    expect(run({ config: { dbAllowedCidrs: [], dbAllowedCidrsV6: ['::/0'] } })[0]?.status).toBe('warn');
  });

  it('judges the configuration still in effect while a change is only stored', () => {
    const [finding] = run({
      status: 'stored',
      config: { dbAllowedCidrs: ['10.0.0.0/8'], dbAllowedCidrsV6: [] },
      oldConfig: { dbAllowedCidrs: ['0.0.0.0/0'], dbAllowedCidrsV6: ['::/0'] },
    });
    expect(finding?.status).toBe('warn');
    expect(finding?.message).toContain('not yet applied');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'old_config.dbAllowedCidrs', value: '0.0.0.0/0' }));
  });

  it('warns when the plan does not offer restrictions', () => {
    expect(run({ entitlement: 'disallowed' })[0]?.status).toBe('warn');
  });

  it('is unknown when the endpoint could not be read', () => {
    const [finding] = runCheck(check, {
      service,
      datastore: supabaseDatastore(),
      facts: supabaseFacts({ networkRestrictions: forbidden('/network-restrictions') }),
      policy: policy(),
      now: NOW,
    });
    expect(finding?.status).toBe('unknown');
  });
});
