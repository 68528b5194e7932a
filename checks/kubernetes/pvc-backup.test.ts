import { describe, expect, it } from 'vitest';
import { observed } from '../../src/engine/types';
import { runCheck } from '../../test/support/check-tester';
import { forbiddenList, NOW, policy, pvcDatastore, service, volumeFacts } from '../../test/kubernetes/facts';
import type { VolumeFacts } from '../../src/datastores/kubernetes/facts';
import check from './pvc-backup';

const run = (facts: VolumeFacts, p = policy()) => runCheck(check, { service, datastore: pvcDatastore(), facts, policy: p, now: NOW });
const noVelero = observed('kubernetes prod: list schedules.velero.io in velero', { installed: false, schedules: [], points: [], failed: 0 });

describe('kubernetes.pvc-backup', () => {
  it('passes a snapshot 6 hours old and a Velero schedule keeping 30 days', () => {
    const [f] = run(volumeFacts());
    expect(f?.status).toBe('pass');
    expect(f?.message).toBe(
      'PersistentVolumeClaim inventory/inventory-data: newest recovery point 6 hours old (VolumeSnapshot inventory/inventory-data-6h), kept 30 days (policy: 26 hours, 30 days)',
    );
  });

  it('fails snapshots kept less than the policy days when nothing else keeps them', () => {
    const [f] = run(volumeFacts({ velero: noVelero }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe('PersistentVolumeClaim inventory/inventory-data: recovery points are kept 1.3 days (oldest VolumeSnapshot inventory/inventory-data-30h); the policy requires 30');
  });

  it('does not count a paused Velero schedule for retention', () => {
    const facts = volumeFacts();
    if (!facts.velero.ok) throw new Error('builder');
    facts.velero.value.schedules[0]!.paused = true;
    const [f] = run(facts);
    expect(f?.status).toBe('fail');
  });

  it('does not count the ttl of a Velero schedule none of whose backups is a usable point', () => {
    const facts = volumeFacts();
    if (!facts.velero.ok) throw new Error('builder');
    facts.velero.value.points = [];
    facts.velero.value.failed = 2;
    const [f] = run(facts);
    expect(f?.status).toBe('fail');
    expect(f?.message).toBe('PersistentVolumeClaim inventory/inventory-data: recovery points are kept 1.3 days (oldest VolumeSnapshot inventory/inventory-data-30h); the policy requires 30');
  });

  it('fails when the newest point is older than policy.maxBackupAgeHours', () => {
    const [f] = run(volumeFacts(), policy({ maxBackupAgeHours: 4 }));
    expect(f?.status).toBe('fail');
    expect(f?.message).toContain('the newest recovery point is 6 hours old');
  });

  it('fails a claim with no snapshot or backup at all', () => {
    const [f] = run(volumeFacts({ velero: noVelero, snapshots: observed('s', { installed: true, points: [], notReady: 1 }) }));
    expect([f?.status, f?.message]).toEqual(['fail', 'PersistentVolumeClaim inventory/inventory-data has no usable snapshot or backup']);
  });

  it('is unknown, not a fail or pass, when a backup source was denied and the rest shows nothing', () => {
    const [f] = run(volumeFacts({ velero: forbiddenList('v', 'schedules'), snapshots: observed('s', { installed: true, points: [], notReady: 0 }) }));
    expect(f?.status).toBe('unknown');
    expect(f?.message).toContain('not read: Velero (forbidden');
  });

  it('ignores expired Velero backups', () => {
    const facts = volumeFacts({ snapshots: observed('s', { installed: false, points: [], notReady: 0 }) });
    if (!facts.velero.ok) throw new Error('builder');
    for (const p of facts.velero.value.points) p.expires = new Date(NOW.getTime() - 1000).toISOString();
    const [f] = run(facts);
    expect(f?.status).toBe('fail');
  });
});
