import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './pitr';
import { observed } from '../../src/engine/types';
import { NOW, forbidden, policy, service, supabaseDatastore, supabaseFacts } from '../../test/supabase/facts';

const run = (facts = supabaseFacts(), datastore = supabaseDatastore(), p = policy()) =>
  runCheck(check, { service, datastore, facts, policy: p, now: NOW });

describe('supabase.pitr', () => {
  it('fails a 28-day PITR add-on against a 30-day policy, naming the retention and the plan limit', () => {
    const [finding] = run();
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toContain('PITR keeps 28 days');
    expect(finding?.message).toContain('policy requires 30');
    expect(finding?.message).toContain("Supabase's PITR add-on offers at most 28 days");
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'selected_addons[type=pitr].variant.id', value: 'pitr_28' }));
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'region', value: 'us-east-1' }));
  });

  it('passes when the add-on retention meets the policy', () => {
    const [finding] = run(supabaseFacts(), supabaseDatastore(), policy({ pitrMinRetentionDays: 28 }));
    expect(finding?.status).toBe('pass');
    expect(finding?.message).toContain('28 days');
  });

  it('suggests a longer add-on when the policy is within what Supabase offers', () => {
    const facts = supabaseFacts({ pitrAddon: observed('GET addons', { variant: 'pitr_7', retentionDays: 7 }) });
    const [finding] = run(facts, supabaseDatastore(), policy({ pitrMinRetentionDays: 14 }));
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toContain('choose a PITR add-on of at least 14 days');
  });

  it('fails a project without PITR', () => {
    const facts = supabaseFacts({
      backups: observed('GET backups', { pitrEnabled: false, walgEnabled: true, backups: [], physicalWindow: { earliest: null, latest: null } }),
      pitrAddon: observed('GET addons', { variant: null, retentionDays: null }),
    });
    const [finding] = run(facts);
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toContain('not enabled');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'pitr_enabled', value: false }));
  });

  it('falls back to the declared add-on when the API lists none, and says so', () => {
    const facts = supabaseFacts({ pitrAddon: observed('GET addons', { variant: null, retentionDays: null }) });
    const [finding] = run(facts, supabaseDatastore({ pitrAddon: { retentionDays: 28 } }), policy({ pitrMinRetentionDays: 28 }));
    expect(finding?.status).toBe('pass');
    expect(finding?.message).toContain('declared in config');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ source: 'config datastores[].pitrAddon.retentionDays', value: 28 }));
  });

  it('does not pass on a declaration alone when the add-ons could not be read', () => {
    const facts = supabaseFacts({ pitrAddon: forbidden('/billing/addons') });
    const [finding] = run(facts, supabaseDatastore({ pitrAddon: { retentionDays: 28 } }), policy({ pitrMinRetentionDays: 28 }));
    expect(finding?.status).toBe('warn');
    expect(finding?.message).toContain("by the config's declaration only");
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ source: 'config datastores[].pitrAddon.retentionDays', value: 28 }));
  });

  it('prefers the API over a declared add-on that disagrees', () => {
    const [finding] = run(supabaseFacts(), supabaseDatastore({ pitrAddon: { retentionDays: 7 } }), policy({ pitrMinRetentionDays: 14 }));
    expect(finding?.status).toBe('pass');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'declared (ignored: the API shows the add-on)', value: 7 }));
  });

  it('is unknown, never a pass, when PITR is on but no retention can be established', () => {
    const [finding] = run(supabaseFacts({ pitrAddon: forbidden('/billing/addons') }));
    expect(finding?.status).toBe('unknown');
    expect(finding?.message).toContain('HTTP 403');
  });

  it('is unknown when the backups endpoint could not be read', () => {
    const [finding] = run(supabaseFacts({ backups: forbidden('/database/backups') }));
    expect(finding?.status).toBe('unknown');
  });

  it('is tagged as a protection check (dev environments skip it)', () => {
    expect(check.protection).toBe(true);
  });
});
