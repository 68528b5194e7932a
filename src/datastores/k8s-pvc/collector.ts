// Reads a PersistentVolumeClaim and its recovery points: VolumeSnapshots of it
// (snapshot.storage.k8s.io/v1: spec.source.persistentVolumeClaimName,
// status.readyToUse, status.creationTime) and the Velero Schedules whose
// selection surely holds its volume (selectsClaimVolume) (spec.schedule, spec.paused,
// spec.template.ttl, status.lastBackup) with their Backups (status.phase,
// completionTimestamp, expiration). Velero: pkg/apis/velero/v1 schedule_types.go
// and backup_types.go; snapshots: kubernetes-csi/external-snapshotter types.go.
import { observed, unavailable, type CollectContext, type Observed } from '../../engine/types';
import { kubernetesApi, listInNamespace, listOnce, settingsOf, type Listing } from '../kubernetes/access';
import type { VeleroScheduleFact, VolumeFacts, VolumePoint } from '../kubernetes/facts';
import { array, bool, record, text, time, type Json } from '../kubernetes/objects';
import { KUBERNETES_RESOURCES as R } from '../kubernetes/resources';
import type { K8sPvcDatastore } from '.';

/** A Go duration such as `720h0m0s` in hours, or null. */
export function goDurationHours(value: string | null): number | null {
  if (!value) return null;
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(value);
  if (!m) return null;
  return Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
}

/** Whether a Velero selection (includedNamespaces / excludedNamespaces) takes in a namespace; empty or `*` means all. */
export function selectsNamespace(selection: Json, namespace: string): boolean {
  const included = array(selection.includedNamespaces).map(String);
  const excluded = array(selection.excludedNamespaces).map(String);
  if (excluded.includes(namespace) || excluded.includes('*')) return false;
  return included.length === 0 || included.includes('*') || included.includes(namespace);
}

const CLAIM_RESOURCES = ['*', 'persistentvolumeclaims', 'pvc', 'persistentvolumeclaims.v1', 'persistentvolumes', 'pv'];

/**
 * Whether a Velero backup or schedule template surely holds the claim's volume:
 * its namespace is selected, claims are among the resources it backs up, and its
 * volumes are snapshotted or copied. A label selector is not evaluated (the
 * claim's labels are not matched here), so such a selection is not counted:
 * never a recovery point that may not hold the volume.
 */
export function selectsClaimVolume(selection: Json, namespace: string): boolean {
  if (!selectsNamespace(selection, namespace)) return false;
  const included = array(selection.includedResources).map((r) => String(r).toLowerCase());
  const excluded = array(selection.excludedResources).map((r) => String(r).toLowerCase());
  if (excluded.some((r) => CLAIM_RESOURCES.includes(r))) return false;
  if (included.length > 0 && !included.some((r) => CLAIM_RESOURCES.includes(r))) return false;
  if (Object.keys(record(selection.labelSelector)).length > 0 || array(selection.orLabelSelectors).length > 0) return false;
  return !(bool(selection.snapshotVolumes) === false && bool(selection.defaultVolumesToFsBackup) !== true);
}

const notListed = (listing: Observed<Listing>): listing is Extract<Observed<Listing>, { ok: false }> => !listing.ok;

export async function collectK8sPvc(ctx: CollectContext<K8sPvcDatastore>): Promise<VolumeFacts> {
  const ds = ctx.datastore;
  const readAt = new Date().toISOString();
  const api = await kubernetesApi(ctx.config, ctx.shared, ds.context);
  const claims = await listInNamespace(ctx.config, ctx.shared, api, R.persistentVolumeClaims, ds.namespace);
  let claim: VolumeFacts['claim'];
  if (notListed(claims)) claim = claims;
  else {
    const found = claims.value.installed ? claims.value.items.find((c) => c.metadata.name === ds.claim) : undefined;
    if (!found) claim = unavailable(claims.source, `no PersistentVolumeClaim ${ds.namespace}/${ds.claim} in context ${api.context}`);
    else {
      const spec = record(found.spec);
      const status = record(found.status);
      claim = observed(claims.source, {
        object: `${ds.namespace}/${ds.claim}`,
        size: text(record(status.capacity).storage) ?? text(record(record(spec.resources).requests).storage),
        storageClass: text(spec.storageClassName),
        phase: text(status.phase),
        source: claims.source,
      });
    }
  }

  const snapshotListing = await listInNamespace(ctx.config, ctx.shared, api, R.volumeSnapshots, ds.namespace);
  let snapshots: VolumeFacts['snapshots'];
  if (notListed(snapshotListing)) snapshots = snapshotListing;
  else if (!snapshotListing.value.installed) snapshots = observed(snapshotListing.source, { installed: false, points: [], notReady: 0 });
  else {
    const points: VolumePoint[] = [];
    let notReady = 0;
    for (const s of snapshotListing.value.items) {
      if (record(record(s.spec).source).persistentVolumeClaimName !== ds.claim) continue;
      const status = record(s.status);
      const at = time(status.creationTime) ?? time(s.metadata.creationTimestamp);
      if (bool(status.readyToUse) !== true || !at) {
        notReady += 1;
        continue;
      }
      points.push({ name: `VolumeSnapshot ${ds.namespace}/${s.metadata.name}`, at, expires: null, offCluster: false, schedule: null, source: snapshotListing.source });
    }
    snapshots = observed(snapshotListing.source, { installed: true, points, notReady });
  }

  const veleroNamespace = settingsOf(ctx.config).veleroNamespace;
  const scheduleListing = await listOnce(ctx.shared, api, R.veleroSchedules, veleroNamespace);
  const backupListing = await listOnce(ctx.shared, api, R.veleroBackups, veleroNamespace);
  let velero: VolumeFacts['velero'];
  if (notListed(scheduleListing)) velero = scheduleListing;
  else if (notListed(backupListing)) velero = backupListing;
  else if (!scheduleListing.value.installed || !backupListing.value.installed) velero = observed(scheduleListing.source, { installed: false, schedules: [], points: [], failed: 0 });
  else {
    const schedules: VeleroScheduleFact[] = scheduleListing.value.items
      .filter((s) => selectsClaimVolume(record(record(s.spec).template), ds.namespace))
      .map((s) => {
        const spec = record(s.spec);
        return {
          name: `${veleroNamespace}/${s.metadata.name}`,
          schedule: text(spec.schedule) ?? '',
          paused: bool(spec.paused) === true,
          ttlHours: goDurationHours(text(record(spec.template).ttl)),
          lastBackup: time(record(s.status).lastBackup),
          source: scheduleListing.source,
        };
      });
    const points: VolumePoint[] = [];
    let failed = 0;
    for (const b of backupListing.value.items) {
      const spec = record(b.spec);
      if (!selectsClaimVolume(spec, ds.namespace)) continue;
      const status = record(b.status);
      const completed = time(status.completionTimestamp);
      if (status.phase === 'Completed' && completed) {
        // Volume data leaves the cluster only when moved to the backup storage (data mover or file-system backup); CSI snapshots alone stay.
        const moved = bool(spec.snapshotMoveData) === true || bool(spec.defaultVolumesToFsBackup) === true;
        const schedule = text(b.metadata.labels?.['velero.io/schedule-name']);
        points.push({
          name: `Velero Backup ${veleroNamespace}/${b.metadata.name}`,
          at: completed,
          expires: time(status.expiration),
          offCluster: moved,
          schedule: schedule ? `${veleroNamespace}/${schedule}` : null,
          source: backupListing.source,
        });
      } else if (status.phase === 'Failed' || status.phase === 'PartiallyFailed' || status.phase === 'FailedValidation') {
        failed += 1;
      }
    }
    velero = observed(scheduleListing.source, { installed: true, schedules, points, failed });
  }
  return { readAt, claim, snapshots, velero };
}
