import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { linkProblem } from '../datastore/backup-policy-link';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'supabase',
  id: 'supabase.storage-backup',
  title: 'Supabase Storage buckets have a backup of their own',
  severity: 'high',
  protection: true,
  description:
    "Supabase's database backups and PITR do not include the objects in Storage buckets: a project that keeps files in Storage has data no restorable window covers. Every bucket the Management API lists needs its own backup, declared in config (storageBuckets[].backupPolicy, a link to how its objects are copied and restored). One finding per bucket.",
  remediation:
    'Back up each bucket\'s objects yourself (for example a scheduled copy through the S3-compatible Storage API to a versioned S3 bucket) and declare it: storageBuckets: [{ name: <bucket>, backupPolicy: https://<how it is backed up and restored> }] on the supabase-project datastore.',
  docs: 'https://supabase.com/docs/guides/platform/backups',
  evaluate({ datastore, facts }): FindingDraft[] {
    if (datastore.type !== 'supabase-project') return [];
    const fact = facts.storageBuckets;
    if (!fact.ok) return [unreadable(datastore.name, fact)];
    const declared = new Map((datastore.storageBuckets ?? []).map((b) => [b.name, b]));
    const configSource = 'config datastores[].storageBuckets[].backupPolicy';
    const findings: FindingDraft[] = fact.value.map((bucket) => {
      const resource = `${datastore.name}:bucket/${bucket.name}`;
      const link = declared.get(bucket.name)?.backupPolicy;
      const evidence = [
        { source: fact.source, field: `${bucket.name}.public`, value: bucket.public },
        { source: configSource, field: bucket.name, value: link ?? null },
      ];
      const visibility = bucket.public ? 'public bucket' : 'bucket';
      if (!link) {
        return {
          resource,
          status: 'fail' as const,
          message: `${visibility} ${bucket.name} is not covered by database backups or PITR, and no backup of its own is declared`,
          evidence,
        };
      }
      const problem = linkProblem(link);
      if (problem) {
        return { resource, status: 'fail' as const, message: `the backup declared for ${visibility} ${bucket.name} ${problem}`, evidence };
      }
      return { resource, status: 'pass' as const, message: `${visibility} ${bucket.name} declares its own backup (${link})`, evidence };
    });
    const listed = new Set(fact.value.map((b) => b.name));
    for (const name of declared.keys()) {
      if (listed.has(name)) continue;
      findings.push({
        resource: `${datastore.name}:bucket/${name}`,
        status: 'warn',
        message: `storageBuckets declares ${name}, but the project has no bucket of that name`,
        evidence: [{ source: fact.source, field: 'buckets[].name', value: [...listed].join(', ') || '(none)' }],
      });
    }
    if (findings.length === 0) {
      return [
        {
          resource: datastore.name,
          status: 'pass',
          message: 'the project has no Storage buckets: everything it stores is in the database',
          evidence: [{ source: fact.source, field: 'buckets', value: 0 }],
        },
      ];
    }
    return findings;
  },
});
