import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';

/** Declared sensitivities that a public bucket contradicts, and the severity it is raised to. */
const RAISED = { confidential: 'high', restricted: 'critical' } as const;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'supabase',
  id: 'supabase.storage-public-bucket',
  title: 'Supabase Storage buckets holding confidential data are not public',
  severity: 'medium',
  description:
    "A public bucket serves every object to anyone who has (or guesses) its URL, without a token and without the bucket's access policies. Fine for public assets; a project that declares confidential or restricted data (sensitivity) raises each public bucket to a failure. One finding per public bucket.",
  remediation:
    "Make the bucket private (Storage > bucket > Edit bucket > Public bucket off, or update the bucket's public flag) and serve objects through signed URLs or authenticated downloads guarded by storage.objects policies; keep only truly public assets in public buckets.",
  docs: 'https://supabase.com/docs/guides/storage/buckets/fundamentals',
  evaluate({ datastore, facts }): FindingDraft[] {
    const fact = facts.storageBuckets;
    if (!fact.ok) return [unreadable(datastore.name, fact)];
    const sensitivity = datastore.sensitivity;
    const raisedTo = sensitivity === 'confidential' || sensitivity === 'restricted' ? RAISED[sensitivity] : undefined;
    const publicBuckets = fact.value.filter((b) => b.public);
    if (publicBuckets.length === 0) {
      return [
        {
          resource: datastore.name,
          status: 'pass',
          message: `none of the project's ${fact.value.length} Storage buckets is public`,
          evidence: [
            { source: fact.source, field: 'buckets', value: fact.value.length },
            { source: fact.source, field: 'public buckets', value: 0 },
          ],
        },
      ];
    }
    return publicBuckets.map((bucket): FindingDraft => {
      const evidence = [
        { source: fact.source, field: `${bucket.name}.public`, value: true },
        { source: 'config datastores[].sensitivity', field: 'sensitivity', value: sensitivity ?? null },
      ];
      const resource = `${datastore.name}:bucket/${bucket.name}`;
      if (raisedTo) {
        return {
          resource,
          status: 'fail',
          severity: raisedTo,
          message: `bucket ${bucket.name} is public (public: true): anyone with an object's URL can read it, in a project that declares ${sensitivity} data`,
          evidence,
        };
      }
      return {
        resource,
        status: 'warn',
        message: `bucket ${bucket.name} is public (public: true): anyone with an object's URL can read it${sensitivity ? '' : ' (the project declares no sensitivity)'}`,
        evidence,
      };
    });
  },
});
