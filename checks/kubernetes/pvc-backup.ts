import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';
import { ageDays, ageHours, oneDecimal, pointSpan, type VolumePoint } from '../../src/datastores/kubernetes/facts';
import { tenths } from '../../src/util';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'kubernetesVolume',
  id: 'kubernetes.pvc-backup',
  title: 'A PersistentVolumeClaim has a recent backup or snapshot, kept long enough',
  severity: 'high',
  protection: true,
  evidenceTrend: { 'retained days': 'higher-is-better', 'newest recovery point age (hours)': 'lower-is-better' },
  description:
    "The newest usable recovery point of the claim (a ready VolumeSnapshot of it, or a completed, unexpired Velero Backup whose namespace selection includes it) is at most policy.maxBackupAgeHours old, and points are kept at least policy.pitrMinRetentionDays: the oldest unexpired point is that old, or a running Velero Schedule covering the namespace, with an unexpired completed backup of its own, has a ttl that long. These are recovery points, not a window.",
  remediation:
    'Schedule VolumeSnapshots of the claim (e.g. a snapshot CronJob or the CSI driver\'s scheduler) or a Velero Schedule including its namespace with spec.template.ttl at least the policy days, and keep it unpaused.',
  docs: 'https://velero.io/docs/main/api-types/schedule/',
  evaluate({ datastore, facts, policy, now }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.claim.ok) return [unreadable(resource, facts.claim)];
    const claim = facts.claim.value;
    const evidence: Evidence[] = [{ source: claim.source, field: 'size', value: claim.size }];
    const unread: string[] = [];
    const points: VolumePoint[] = [];
    let ttlDays = 0;
    if (!facts.snapshots.ok) unread.push(`VolumeSnapshots (${facts.snapshots.reason}${facts.snapshots.hint ? `; to allow it: ${facts.snapshots.hint}` : ''})`);
    else {
      const s = facts.snapshots.value;
      evidence.push({ source: facts.snapshots.source, field: 'ready VolumeSnapshots', value: s.installed ? s.points.length : 'snapshot API not installed' });
      if (s.notReady) evidence.push({ source: facts.snapshots.source, field: 'VolumeSnapshots not ready', value: s.notReady });
      points.push(...s.points);
    }
    if (!facts.velero.ok) unread.push(`Velero (${facts.velero.reason}${facts.velero.hint ? `; to allow it: ${facts.velero.hint}` : ''})`);
    else {
      const v = facts.velero.value;
      if (!v.installed) evidence.push({ source: facts.velero.source, field: 'Velero', value: 'not installed' });
      for (const s of v.schedules) {
        evidence.push({ source: s.source, field: `Schedule ${s.name}`, value: `${s.schedule}, ttl ${s.ttlHours ?? '?'}h${s.paused ? ' (paused)' : ''}` });
      }
      if (v.failed) evidence.push({ source: facts.velero.source, field: 'failed Velero Backups', value: v.failed });
      const unexpired = v.points.filter((p) => p.expires === null || Date.parse(p.expires) > now.getTime());
      points.push(...unexpired);
      // A ttl keeps only what its schedule made: one whose backups all failed keeps nothing, whatever else is recent.
      for (const s of v.schedules) {
        if (!s.paused && s.ttlHours !== null && unexpired.some((p) => p.schedule === s.name)) ttlDays = Math.max(ttlDays, s.ttlHours / 24);
      }
    }
    const notRead = unread.length ? `; not read: ${unread.join(', ')}` : '';
    const object = `PersistentVolumeClaim ${claim.object}`;
    const span = pointSpan(points);
    if (!span) {
      return [{ resource, status: unread.length ? 'unknown' : 'fail', message: `${object} has no usable snapshot or backup${notRead}`, evidence }];
    }
    const { newest, oldest } = span;
    const newestHours = ageHours(newest.at, now);
    const retained = Math.max(ageDays(oldest.at, now), ttlDays);
    evidence.push({ source: newest.source, field: 'newest recovery point', value: `${newest.name} at ${newest.at}${newest.offCluster ? '' : ' (kept inside the cluster)'}` });
    evidence.push({ source: newest.source, field: 'newest recovery point age (hours)', value: tenths(newestHours) });
    evidence.push({ source: oldest.source, field: 'oldest unexpired recovery point', value: `${oldest.name} at ${oldest.at}` });
    evidence.push({ source: oldest.source, field: 'retained days', value: tenths(retained) });
    if (newestHours > policy.maxBackupAgeHours) {
      return [{ resource, status: unread.length ? 'unknown' : 'fail', message: `${object}: the newest recovery point is ${oneDecimal(newestHours)} hours old (${newest.name}); the policy allows ${policy.maxBackupAgeHours}${notRead}`, evidence }];
    }
    if (tenths(retained) < policy.pitrMinRetentionDays) {
      return [
        {
          resource,
          status: unread.length ? 'unknown' : 'fail',
          message: `${object}: recovery points are kept ${oneDecimal(retained)} days (oldest ${oldest.name}${ttlDays ? `, Velero ttl ${oneDecimal(ttlDays)} days` : ''}); the policy requires ${policy.pitrMinRetentionDays}${notRead}`,
          evidence,
        },
      ];
    }
    return [
      {
        resource,
        status: 'pass',
        message: `${object}: newest recovery point ${oneDecimal(newestHours)} hours old (${newest.name}), kept ${oneDecimal(retained)} days (policy: ${policy.maxBackupAgeHours} hours, ${policy.pitrMinRetentionDays} days)${notRead}`,
        evidence,
      },
    ];
  },
});
