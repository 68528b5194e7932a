import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './storage-backup';
import { observed } from '../../src/engine/types';
import { resolvePolicy } from '../../src/config/policy';
import type { SupabaseBucket } from '../../src/datastores/supabase-project/facts';
import { NOW, forbidden, policy, service, supabaseDatastore, supabaseFacts } from '../../test/supabase/facts';

const bucket = (name: string, isPublic = false): SupabaseBucket => ({ id: name, name, public: isPublic, createdAt: '2025-01-10T00:00:00.000Z' });
const BUCKETS = [bucket('invoices'), bucket('avatars', true)];

const run = (extra: Record<string, unknown> = {}, buckets = BUCKETS, p = policy()) =>
  runCheck(check, {
    service,
    datastore: supabaseDatastore(extra),
    facts: supabaseFacts({ storageBuckets: observed('GET /v1/projects/abcdefghijklmnopqrst/storage/buckets', buckets) }),
    policy: p,
    now: NOW,
  });

describe('supabase.storage-backup', () => {
  it('fails each bucket without a declared backup, one finding per bucket, naming public ones', () => {
    const findings = run();
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['app-db:bucket/invoices', 'fail'],
      ['app-db:bucket/avatars', 'fail'],
    ]);
    expect(findings[0]?.message).toBe('bucket invoices is not covered by database backups or PITR, and no backup of its own is declared');
    expect(findings[1]?.message).toContain('public bucket avatars');
    expect(findings[1]?.evidence).toContainEqual(expect.objectContaining({ field: 'avatars.public', value: true }));
  });

  it('passes the buckets that declare their own backup', () => {
    const findings = run({
      storageBuckets: [
        { name: 'invoices', backupPolicy: 'https://wiki.acme.io/continuity/invoices-bucket' },
        { name: 'avatars', backupPolicy: 'https://wiki.acme.io/continuity/avatars-bucket' },
      ],
    });
    expect(findings.map((f) => f.status)).toEqual(['pass', 'pass']);
    expect(findings[0]?.evidence).toContainEqual(
      expect.objectContaining({ source: 'config datastores[].storageBuckets[].backupPolicy', value: 'https://wiki.acme.io/continuity/invoices-bucket' }),
    );
  });

  it('fails a declared backup link that is a placeholder', () => {
    const [invoices] = run({ storageBuckets: [{ name: 'invoices', backupPolicy: 'https://todo/invoices' }] });
    expect(invoices?.status).toBe('fail');
    expect(invoices?.message).toContain('placeholder');
  });

  it('warns about a declared bucket the project does not have', () => {
    const findings = run({ storageBuckets: [{ name: 'exports', backupPolicy: 'https://wiki.acme.io/exports' }] }, [bucket('invoices')]);
    expect(findings.map((f) => [f.resource, f.status])).toEqual([
      ['app-db:bucket/invoices', 'fail'],
      ['app-db:bucket/exports', 'warn'],
    ]);
  });

  it('passes a project without buckets, on the listing as evidence', () => {
    const [finding] = run({}, []);
    expect(finding?.status).toBe('pass');
    expect(finding?.evidence).toEqual([{ source: 'GET /v1/projects/abcdefghijklmnopqrst/storage/buckets', field: 'buckets', value: 0 }]);
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

  it('is a protection check: skipped for dev projects', () => {
    expect(check.protection).toBe(true);
    expect(run({}, BUCKETS, resolvePolicy({ policy: {} }, 'dev')).map((f) => f.status)).toEqual(['skipped']);
  });
});
