import { describe, expect, it } from 'vitest';
import { before, runCheck } from '../../test/support/check-tester';
import check from './pitr';
import { observed } from '../../src/engine/types';
import { resolvePolicy } from '../../src/config/policy';
import type { SupabaseFacts } from '../../src/datastores/supabase-project/facts';
import { NOW, forbidden, policy, service, supabaseDatastore, supabaseFacts } from '../../test/supabase/facts';

const DAY = 24 * 60 * 60 * 1000;
const LAG = 2 * 60 * 1000;

/** PITR on with a restorable window of `days` ending two minutes ago. */
const withWindow = (days: number | null, overrides: Partial<SupabaseFacts> = {}) =>
  supabaseFacts({
    backups: observed('GET /v1/projects/abcdefghijklmnopqrst/database/backups', {
      pitrEnabled: true,
      walgEnabled: true,
      backups: [],
      physicalWindow: days === null ? { earliest: null, latest: null } : { earliest: before(days * DAY + LAG), latest: before(LAG) },
    }),
    ...overrides,
  });
const addon = (days: 7 | 14 | 28 | null) =>
  observed('GET addons', { variant: days === null ? null : `pitr_${days}`, retentionDays: days });

const run = (facts: SupabaseFacts, datastore = supabaseDatastore(), p = policy()) => runCheck(check, { service, datastore, facts, policy: p, now: NOW });

describe('supabase.pitr', () => {
  it('judges a 28-day add-on with a 9-day window on the 9 days, naming the ceiling', () => {
    const [finding] = run(withWindow(9));
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toBe(
      "9 days restorable (add-on up to 28); policy requires 30; Supabase's PITR add-on offers at most 28 days — keep a longer-lived backup elsewhere (e.g. logical dumps to S3) or waive with approval",
    );
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'restorable days', value: 9 }));
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'add-on retention days', value: 28 }));
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'region', value: 'us-east-1' }));
  });

  it('warns while the window is still filling towards an add-on that meets the policy, with the date it gets there', () => {
    const [finding] = run(withWindow(9), supabaseDatastore(), policy({ pitrMinRetentionDays: 28 }));
    expect(finding?.status).toBe('warn');
    // The earliest restore point is 9 days (and two minutes) old: 28 days are reached 19 days from now.
    expect(finding?.message).toBe('9 days restorable (add-on up to 28); policy requires 28: the window is still filling and reaches 28 days on 2026-12-10');
  });

  it('passes a full window that meets the policy (compared at a tenth of a day: the latest point trails by minutes)', () => {
    const [finding] = run(withWindow(28), supabaseDatastore(), policy({ pitrMinRetentionDays: 28 }));
    expect(finding?.status).toBe('pass');
    expect(finding?.message).toBe('28 days restorable (add-on up to 28); policy requires 28');
  });

  it('fails a full window whose add-on is below the policy and suggests a longer add-on', () => {
    const [finding] = run(withWindow(7, { pitrAddon: addon(7) }), supabaseDatastore(), policy({ pitrMinRetentionDays: 14 }));
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toContain('choose a PITR add-on of at least 14 days');
  });

  it('warns when the window meets the policy but the add-on was lowered below it', () => {
    const [finding] = run(withWindow(28, { pitrAddon: addon(7) }), supabaseDatastore(), policy({ pitrMinRetentionDays: 14 }));
    expect(finding?.status).toBe('warn');
    expect(finding?.message).toContain('the add-on keeps only 7 days, so it will shrink below the policy');
  });

  it('reads the ceiling from the add-on declared in config when the API lists none, and says so', () => {
    const facts = withWindow(28, { pitrAddon: addon(null) });
    const [finding] = run(facts, supabaseDatastore({ pitrAddon: { retentionDays: 28 } }), policy({ pitrMinRetentionDays: 28 }));
    expect(finding?.status).toBe('pass');
    expect(finding?.message).toContain('(add-on up to 28, as declared in config)');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ source: 'config datastores[].pitrAddon.retentionDays', value: 28 }));
  });

  it('passes on the window itself when the add-ons could not be read', () => {
    const [finding] = run(withWindow(30, { pitrAddon: forbidden('/billing/addons') }), supabaseDatastore(), policy({ pitrMinRetentionDays: 28 }));
    expect(finding?.status).toBe('pass');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'selected_addons[type=pitr]', value: expect.stringContaining('HTTP 403') }));
  });

  it('fails a short window whose ceiling is unknown, saying that it may or may not grow', () => {
    const [finding] = run(withWindow(9, { pitrAddon: forbidden('/billing/addons') }), supabaseDatastore(), policy({ pitrMinRetentionDays: 28 }));
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toContain('whether the window will grow is unknown');
  });

  it('prefers the API over a declared add-on that disagrees', () => {
    const [finding] = run(withWindow(28), supabaseDatastore({ pitrAddon: { retentionDays: 7 } }), policy({ pitrMinRetentionDays: 14 }));
    expect(finding?.status).toBe('pass');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'declared (ignored: the API shows the add-on)', value: 7 }));
  });

  it('does not pass on the add-on alone when the API reports no restorable window', () => {
    const [finding] = run(withWindow(null), supabaseDatastore(), policy({ pitrMinRetentionDays: 28 }));
    expect(finding?.status).toBe('warn');
    expect(finding?.message).toContain('no restorable window (physical_backup_data is empty)');
  });

  it('fails a project without PITR', () => {
    const facts = supabaseFacts({
      backups: observed('GET backups', { pitrEnabled: false, walgEnabled: true, backups: [], physicalWindow: { earliest: null, latest: null } }),
      pitrAddon: addon(null),
    });
    const [finding] = run(facts);
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toContain('not enabled');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'pitr_enabled', value: false }));
  });

  it('is unknown when the backups endpoint could not be read', () => {
    const [finding] = run(supabaseFacts({ backups: forbidden('/database/backups') }));
    expect(finding?.status).toBe('unknown');
  });

  it('is tagged as a protection check (dev environments skip it)', () => {
    expect(check.protection).toBe(true);
    const dev = runCheck(check, { service, datastore: supabaseDatastore(), facts: withWindow(9), policy: resolvePolicy({ policy: {} }, 'dev'), now: NOW });
    expect(dev[0]?.status).toBe('skipped');
  });
});
