import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.noncurrent-retention',
  title: 'S3 keeps previous object versions at least the policy window',
  severity: 'high',
  protection: true,
  description:
    'With versioning on, no enabled lifecycle rule expires noncurrent versions sooner than the policy minimum (pitrMinRetentionDays, 30 by default), so the recovery window for objects is at least as long as for databases.',
  remediation:
    'Set NoncurrentVersionExpiration NoncurrentDays to at least the policy minimum in every lifecycle rule (aws s3api put-bucket-lifecycle-configuration).',
  docs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html',
  evaluate({ datastore, facts, policy }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.versioning.ok) return [unreadable(resource, facts.versioning)];
    const evidence: Evidence[] = [{ source: facts.versioning.source, field: 'Status', value: facts.versioning.value.status }];
    if (facts.versioning.value.status !== 'Enabled') {
      return [{ resource, status: 'fail', message: `bucket ${facts.bucket} is not versioned: no previous versions are kept at all`, evidence }];
    }
    if (!facts.lifecycle.ok) return [unreadable(resource, facts.lifecycle)];
    const minimum = policy.pitrMinRetentionDays;
    const expiring = facts.lifecycle.value.rules.filter((r) => r.enabled && r.noncurrentDays !== null);
    if (expiring.length === 0) {
      evidence.push({
        source: facts.lifecycle.source,
        field: 'NoncurrentVersionExpiration',
        value: facts.lifecycle.value.configured ? 'no enabled rule' : 'no lifecycle configuration',
      });
      return [{ resource, status: 'pass', message: `bucket ${facts.bucket} keeps previous versions indefinitely (no rule expires them)`, evidence }];
    }
    for (const r of expiring) {
      evidence.push({ source: facts.lifecycle.source, field: `Rule ${r.id ?? '(no id)'} (${r.scope}) NoncurrentDays`, value: r.noncurrentDays });
    }
    const short = expiring.filter((r) => r.noncurrentDays! < minimum);
    if (short.length > 0) {
      const list = short.map((r) => `${r.id ?? '(no id)'} (${r.scope}): ${r.noncurrentDays} days`).join('; ');
      return [{ resource, status: 'fail', message: `bucket ${facts.bucket} expires previous versions sooner than ${minimum} days: ${list}`, evidence }];
    }
    const shortest = Math.min(...expiring.map((r) => r.noncurrentDays!));
    return [{ resource, status: 'pass', message: `bucket ${facts.bucket} keeps previous versions ${shortest} days or more (at least ${minimum})`, evidence }];
  },
});
