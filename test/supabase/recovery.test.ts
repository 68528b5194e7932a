// The supabase-project module's lines of the report's datastore table: the
// restorable window of the project, and a row per Storage bucket.
import { describe, expect, it } from 'vitest';
import { supabaseProjectModule, type SupabaseDatastore } from '../../src/datastores/supabase-project';
import { observed, unavailable } from '../../src/engine/types';
import type { SupabaseFacts } from '../../src/datastores/supabase-project/facts';
import { supabaseDatastore, supabaseFacts } from './facts';

const collected = (facts: SupabaseFacts) => ({ supabase: { ok: true as const, facts } });
const datastore = (extra: Record<string, unknown> = {}) => supabaseDatastore(extra) as SupabaseDatastore;
const recovery = (facts: SupabaseFacts) => supabaseProjectModule.describeRecovery!(collected(facts), datastore());
const noPitr = { pitrEnabled: false, walgEnabled: true, backups: [], physicalWindow: { earliest: null, latest: null } };

describe('supabase-project in the datastore table', () => {
  it('shows the restorable window with the add-on as its ceiling', () => {
    expect(recovery(supabaseFacts())).toBe('PITR on, 28 days restorable (add-on up to 28): 2026-10-24T12:00:00.000Z to 2026-11-21T11:58:00.000Z');
  });

  it('says when PITR is on but no window is reported yet', () => {
    const facts = supabaseFacts({ backups: observed('b', { ...noPitr, pitrEnabled: true }) });
    expect(recovery(facts)).toBe('PITR on (add-on up to 28); no restorable window reported yet');
  });

  it("shows the plan's daily-backup retention without PITR, and a plan without daily backups", () => {
    expect(recovery(supabaseFacts({ backups: observed('b', noPitr) }))).toBe('PITR off: daily backups only, kept 7 days by the plan');
    const free = supabaseFacts({ backups: observed('b', noPitr), backupRetention: observed('e', { organizationSlug: 'o', days: null }) });
    expect(recovery(free)).toBe('PITR off; the plan includes no daily backups');
    const unread = supabaseFacts({ backups: observed('b', noPitr), backupRetention: unavailable('e', 'HTTP 403') });
    expect(recovery(unread)).toBe('PITR off: daily backups only');
  });

  it('reports each bucket as a part, outside the database backups unless config declares its own backup', () => {
    const facts = supabaseFacts({
      storageBuckets: observed('GET buckets', [
        { id: 'invoices', name: 'invoices', public: false, createdAt: '2025-01-10T00:00:00.000Z' },
        { id: 'avatars', name: 'avatars', public: true, createdAt: '2025-01-11T00:00:00.000Z' },
      ]),
    });
    const parts = supabaseProjectModule.describeParts!(
      collected(facts),
      datastore({ storageBuckets: [{ name: 'invoices', backupPolicy: 'https://wiki.acme.io/invoices' }] }),
    );
    expect(parts).toEqual([
      { kind: 'storage bucket', name: 'invoices', recovery: 'own backup declared (not covered by database backups)', backupPolicy: 'https://wiki.acme.io/invoices' },
      { kind: 'storage bucket', name: 'avatars', recovery: 'public bucket; not covered by database backups' },
    ]);
  });

  it('says so in one row when the buckets could not be read', () => {
    const facts = supabaseFacts({ storageBuckets: unavailable('GET buckets', 'the access token may not read this (HTTP 403 Forbidden)') });
    expect(supabaseProjectModule.describeParts!(collected(facts), datastore())).toEqual([
      { kind: 'storage', name: 'buckets', recovery: 'Storage buckets not read: the access token may not read this (HTTP 403 Forbidden)' },
    ]);
  });
});
