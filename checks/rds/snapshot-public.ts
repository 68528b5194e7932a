import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { judgedName } from './_judged';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'rds',
  id: 'rds.snapshot-public',
  title: 'No manual RDS snapshot is public',
  severity: 'critical',
  description: 'No manual snapshot of the database has the restore attribute "all", which lets any AWS account copy the data.',
  remediation: 'aws rds modify-db-snapshot-attribute (or modify-db-cluster-snapshot-attribute) --attribute-name restore --values-to-remove all',
  docs: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.manualSnapshots.ok) return [unreadable(resource, facts.manualSnapshots)];
    const snapshots = facts.manualSnapshots.value;
    const source = facts.manualSnapshots.source;
    const exposed = snapshots.filter((s) => s.restorableBy.includes('all'));
    if (exposed.length > 0) {
      return exposed.map((s) => ({
        resource: `${resource}:${s.identifier}`,
        status: 'fail' as const,
        message: `${s.kind} ${s.identifier} of ${judgedName(facts)} is public: any AWS account can restore it`,
        evidence: [{ source, field: `${s.identifier} restore`, value: s.restorableBy.join(',') }],
      }));
    }
    const shared = snapshots.filter((s) => s.restorableBy.length > 0);
    return [
      {
        resource,
        status: 'pass',
        message: `none of ${snapshots.length} manual snapshots of ${judgedName(facts)} is public${shared.length ? ` (${shared.length} shared with named accounts)` : ''}`,
        evidence: [
          { source, field: 'manual snapshots', value: snapshots.length },
          ...shared.map((s) => ({ source, field: `${s.identifier} restore`, value: s.restorableBy.join(',') })),
        ],
      },
    ];
  },
});
