import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './storage-public-bucket';
import { observed } from '../../src/engine/types';
import type { SupabaseBucket } from '../../src/datastores/supabase-project/facts';
import { NOW, forbidden, policy, service, supabaseDatastore, supabaseFacts } from '../../test/supabase/facts';

const bucket = (name: string, isPublic: boolean): SupabaseBucket => ({ id: name, name, public: isPublic, createdAt: '2025-01-10T00:00:00.000Z' });

const run = (buckets: SupabaseBucket[], sensitivity?: string) =>
  runCheck(check, {
    service,
    datastore: supabaseDatastore(sensitivity ? { sensitivity } : {}),
    facts: supabaseFacts({ storageBuckets: observed('GET buckets', buckets) }),
    policy: policy(),
    now: NOW,
  });

describe('supabase.storage-public-bucket', () => {
  it('names each public bucket as a warning when the project declares no confidential data', () => {
    const findings = run([bucket('avatars', true), bucket('invoices', false)]);
    expect(findings.map((f) => [f.resource, f.status, f.severity])).toEqual([['app-db:bucket/avatars', 'warn', 'medium']]);
    expect(findings[0]?.message).toBe("bucket avatars is public (public: true): anyone with an object's URL can read it (the project declares no sensitivity)");
  });

  it('raises public buckets when the project declares confidential or restricted data', () => {
    expect(run([bucket('avatars', true)], 'confidential').map((f) => [f.status, f.severity])).toEqual([['fail', 'high']]);
    const [restricted] = run([bucket('avatars', true)], 'restricted');
    expect([restricted?.status, restricted?.severity]).toEqual(['fail', 'critical']);
    expect(restricted?.message).toContain('in a project that declares restricted data');
  });

  it('passes when no bucket is public', () => {
    const [finding] = run([bucket('invoices', false)], 'confidential');
    expect(finding?.status).toBe('pass');
    expect(finding?.evidence).toContainEqual(expect.objectContaining({ field: 'public buckets', value: 0 }));
  });

  it('is unknown when the buckets could not be read', () => {
    const [finding] = runCheck(check, {
      service,
      datastore: supabaseDatastore(),
      facts: supabaseFacts({ storageBuckets: forbidden('/storage/buckets') }),
      policy: policy(),
      now: NOW,
    });
    expect(finding?.status).toBe('unknown');
  });
});
