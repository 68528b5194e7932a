import { defineEstateCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';

export default defineEstateCheck({
  scope: 'estate',
  requires: 'supabaseDiscovery',
  id: 'supabase.unregistered',
  title: 'Every discovered Supabase project and Storage bucket is registered',
  severity: 'medium',
  description:
    'With supabase.discovery on, every project the configured access tokens can see is registered as a supabase-project datastore under a service, and every Storage bucket of a registered project is listed in its storageBuckets, so that each has an owner and a backup decision. A listing that could not be read is unknown, not a pass.',
  remediation:
    'Register the project under the service that owns it (services[].datastores with type supabase-project and its backupPolicy), and list each bucket in storageBuckets with the link to its backup; or waive it with a reason.',
  evaluate({ config, facts }): FindingDraft[] {
    const owners = new Map<string, { service: string; datastore: string; buckets: Set<string> }>();
    for (const service of config.services) {
      for (const ds of service.datastores) {
        if (ds.type !== 'supabase-project') continue;
        owners.set(ds.projectRef, { service: service.name, datastore: ds.name, buckets: new Set((ds.storageBuckets ?? []).map((b) => b.name)) });
      }
    }
    const findings: FindingDraft[] = [];
    const sources = new Set<string>();
    let listed = 0;
    for (const scope of facts.scopes) {
      if (!scope.projects.ok) {
        findings.push(unreadable(`supabase:${scope.accessTokenEnv}`, scope.projects));
      } else {
        sources.add(scope.projects.source);
        for (const project of scope.projects.value) {
          listed++;
          if (owners.has(project.ref)) continue;
          findings.push({
            resource: `supabase-project:${project.ref}`,
            status: 'fail',
            message: `Supabase project ${project.name} (${project.ref}${project.organizationSlug ? `, organization ${project.organizationSlug}` : ''}, ${project.status}) is not registered: no owner, no backup policy link`,
            evidence: [{ source: scope.projects.source, field: 'ref', value: project.ref }],
          });
        }
      }
      for (const [ref, buckets] of Object.entries(scope.buckets)) {
        const owner = owners.get(ref);
        if (!owner) continue;
        if (!buckets.ok) {
          findings.push(unreadable(`supabase-project:${ref}/buckets`, buckets));
          continue;
        }
        sources.add('GET /v1/projects/{ref}/storage/buckets');
        for (const bucket of buckets.value) {
          listed++;
          if (owner.buckets.has(bucket.name)) continue;
          findings.push({
            resource: `supabase-bucket:${ref}/${bucket.name}`,
            status: 'fail',
            message: `Storage bucket ${bucket.name}${bucket.public ? ' (public)' : ''} of project ${ref} (datastore ${owner.datastore} of service ${owner.service}) is not registered in storageBuckets: no backup decision`,
            evidence: [{ source: buckets.source, field: 'name', value: bucket.name }],
          });
        }
      }
    }
    if (findings.length > 0) return findings;
    return [
      {
        resource: 'supabase',
        status: 'pass',
        message: `all ${listed} discovered Supabase projects and buckets are registered`,
        evidence: [{ source: [...sources].join(', '), field: 'discovered', value: listed }],
      },
    ];
  },
});
