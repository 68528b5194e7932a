import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './daily-backups';
import { observed, unavailable } from '../../src/engine/types';
import type { SupabaseBackupRetention, SupabaseBackups } from '../../src/datastores/supabase-project/facts';
import { NOW, forbidden, policy, service, supabaseDatastore, supabaseFacts } from '../../test/supabase/facts';

const backups = (value: Partial<SupabaseBackups>) =>
  supabaseFacts({
    backups: observed('GET backups', {
      pitrEnabled: false,
      walgEnabled: true,
      backups: [],
      physicalWindow: { earliest: null, latest: null },
      ...value,
    }),
  });
const run = (facts: ReturnType<typeof supabaseFacts>) =>
  runCheck(check, { service, datastore: supabaseDatastore(), facts, policy: policy(), now: NOW });

describe('supabase.daily-backups', () => {
  it('passes when the latest completed backup is recent', () => {
    const [finding] = run(backups({ backups: [{ status: 'COMPLETED', insertedAt: '2026-11-21T02:00:00Z', physical: true }] }));
    expect(finding?.status).toBe('pass');
    expect(finding?.message).toContain('10.0 hours');
  });

  it('fails when the latest completed backup is older than the policy allows', () => {
    const [finding] = run(
      backups({
        backups: [
          { status: 'COMPLETED', insertedAt: '2026-11-16T02:00:00Z', physical: false },
          { status: 'FAILED', insertedAt: '2026-11-20T02:00:00Z', physical: false },
        ],
      }),
    );
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toMatch(/5\.4 days old.*policy allows 26 hours.*1 backup\(s\) failed since/);
  });

  it('warns when a backup failed after the latest good one', () => {
    const [finding] = run(
      backups({
        backups: [
          { status: 'FAILED', insertedAt: '2026-11-21T11:00:00Z', physical: false },
          { status: 'COMPLETED', insertedAt: '2026-11-21T02:00:00Z', physical: false },
        ],
      }),
    );
    expect(finding?.status).toBe('warn');
  });

  it('counts the PITR restore point as the latest recoverable state', () => {
    const [finding] = run(
      backups({
        pitrEnabled: true,
        backups: [],
        physicalWindow: { earliest: '2026-11-07T00:00:00Z', latest: '2026-11-21T11:30:00Z' },
      }),
    );
    expect(finding?.status).toBe('pass');
    expect(finding?.message).toBe('the latest PITR restore point is 30 minutes old (2026-11-21T11:30:00Z)');
  });

  it('says when a paused project explains stale backups', () => {
    const facts = backups({ backups: [{ status: 'COMPLETED', insertedAt: '2026-10-07T02:00:00Z', physical: false }] });
    const paused = {
      ...facts,
      project: observed('GET project', { name: 'agentops', region: 'eu-west-1', status: 'INACTIVE', postgresVersion: null, organizationSlug: null }),
    };
    const [finding] = run(paused);
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toMatch(/\(the project is INACTIVE\)$/);
  });

  it('fails when no backup is listed (Free plan)', () => {
    const [finding] = run(backups({ backups: [{ status: 'PENDING', insertedAt: '2026-11-21T11:00:00Z', physical: false }] }));
    expect(finding?.status).toBe('fail');
    expect(finding?.message).toContain('no completed backup');
  });

  it('says that PITR replaces daily backups when PITR is on and no restore point is reported yet, never "Free plan"', () => {
    const [finding] = run(backups({ pitrEnabled: true, backups: [], physicalWindow: { earliest: null, latest: null } }));
    expect(finding?.status).toBe('unknown');
    expect(finding?.message).toContain('PITR is on, which replaces daily backups');
    expect(finding?.message).not.toContain('Free');
  });

  it("shows the plan's daily-backup retention, or why it is unknown with the permission that reads it", () => {
    const recent = { backups: [{ status: 'COMPLETED', insertedAt: '2026-11-21T02:00:00Z', physical: false }] };
    const [finding] = run(backups(recent));
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'backup.retention_days', value: 7 }));
    const unreadable = {
      ...backups(recent),
      backupRetention: unavailable<SupabaseBackupRetention>(
        'GET /v1/organizations/acmeorgslugabcdefghi/entitlements',
        'the access token may not read this (HTTP 403 Forbidden)',
        'give the access token the organization_admin_read permission',
      ),
    };
    const [withoutRetention] = run(unreadable);
    expect(withoutRetention?.status).toBe('pass');
    expect(withoutRetention?.evidence).toContainEqual(
      expect.objectContaining({ field: 'backup.retention_days', value: expect.stringMatching(/^unknown: .*HTTP 403.*organization_admin_read/) }),
    );
  });

  it('is unknown when the backups could not be read', () => {
    const [finding] = run(supabaseFacts({ backups: forbidden('/database/backups') }));
    expect(finding?.status).toBe('unknown');
  });
});
