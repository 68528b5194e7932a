import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './ssl-enforced';
import { observed } from '../../src/engine/types';
import { NOW, forbidden, policy, service, supabaseDatastore, supabaseFacts } from '../../test/supabase/facts';

const run = (database: boolean, appliedSuccessfully: boolean) =>
  runCheck(check, {
    service,
    datastore: supabaseDatastore(),
    facts: supabaseFacts({ sslEnforcement: observed('GET ssl', { database, appliedSuccessfully }) }),
    policy: policy(),
    now: NOW,
  });

describe('supabase.ssl-enforced', () => {
  it('passes when enforcement is on and applied', () => {
    const [finding] = run(true, true);
    expect(finding?.status).toBe('pass');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'currentConfig.database', value: true }));
  });

  it('fails when enforcement is off', () => {
    expect(run(false, true)[0]?.status).toBe('fail');
  });

  it('fails when enforcement was not applied', () => {
    const [finding] = run(true, false);
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toContain('not applied');
  });

  it('is unknown when the endpoint could not be read', () => {
    const [finding] = runCheck(check, {
      service,
      datastore: supabaseDatastore(),
      facts: supabaseFacts({ sslEnforcement: forbidden('/ssl-enforcement') }),
      policy: policy(),
      now: NOW,
    });
    expect(finding?.status).toBe('unknown');
    expect(finding?.message).toContain('HTTP 403');
  });
});
