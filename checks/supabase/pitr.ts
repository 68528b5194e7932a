import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';
import { formatDays, restorableDays, SUPABASE_PITR_MAX_RETENTION_DAYS } from '../../src/datastores/supabase-project/facts';
import { DAY_MS, tenths } from '../../src/util';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'supabase',
  id: 'supabase.pitr',
  title: 'Supabase point-in-time recovery covers the required window',
  severity: 'high',
  protection: true,
  evidenceTrend: { 'restorable days': 'higher-is-better', 'add-on retention days': 'higher-is-better' },
  description:
    "Point-in-time recovery is enabled on the project and the restorable window the Management API reports (physical_backup_data, earliest to latest restore point) is at least the policy minimum. The PITR add-on's days (7, 14 or 28; from the billing add-ons, else the add-on declared in config) are the ceiling the window can grow to: a window still filling towards an add-on that meets the policy is a warning with the date it will get there.",
  remediation:
    'Enable the PITR add-on (Project Settings > Add-ons > Point in time recovery) with a retention at least the policy minimum; where the policy asks more than Supabase offers, keep a longer-lived backup elsewhere (e.g. scheduled logical dumps to S3) or record a waiver.',
  docs: 'https://supabase.com/docs/guides/platform/backups#point-in-time-recovery',
  evaluate({ datastore, facts, policy }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.backups.ok) return [unreadable(resource, facts.backups)];
    const { pitrEnabled, walgEnabled, physicalWindow } = facts.backups.value;
    const source = facts.backups.source;
    const required = policy.pitrMinRetentionDays;
    const evidence: Evidence[] = [
      { source, field: 'pitr_enabled', value: pitrEnabled },
      { source, field: 'walg_enabled', value: walgEnabled },
      ...(facts.project.ok
        ? [
            { source: facts.project.source, field: 'region', value: facts.project.value.region },
            { source: facts.project.source, field: 'database.version', value: facts.project.value.postgresVersion },
          ]
        : []),
    ];
    if (!pitrEnabled) {
      return [
        {
          resource,
          status: 'fail',
          message: `point-in-time recovery is not enabled (policy requires ${required} days); only the plan's daily backups can be restored`,
          evidence,
        },
      ];
    }

    // The add-on's days: the ceiling the restorable window can grow to.
    const declared = datastore.type === 'supabase-project' ? datastore.pitrAddon?.retentionDays : undefined;
    const fromApi = facts.pitrAddon.ok ? facts.pitrAddon.value : undefined;
    let ceiling: number | undefined;
    let declaredOnly = false;
    if (fromApi?.retentionDays !== null && fromApi?.retentionDays !== undefined) {
      ceiling = fromApi.retentionDays;
      evidence.push({ source: facts.pitrAddon.source, field: 'selected_addons[type=pitr].variant.id', value: fromApi.variant });
      evidence.push({ source: facts.pitrAddon.source, field: 'add-on retention days', value: ceiling });
      if (declared !== undefined && declared !== ceiling) {
        evidence.push({ source: 'config datastores[].pitrAddon.retentionDays', field: 'declared (ignored: the API shows the add-on)', value: declared });
      }
    } else {
      evidence.push({
        source: facts.pitrAddon.source,
        field: 'selected_addons[type=pitr]',
        value: facts.pitrAddon.ok ? 'no PITR add-on listed' : `unreadable: ${facts.pitrAddon.reason}`,
      });
      if (declared !== undefined) {
        ceiling = declared;
        declaredOnly = true;
        evidence.push({ source: 'config datastores[].pitrAddon.retentionDays', field: 'add-on retention days', value: declared });
      }
    }
    const addon = ceiling === undefined ? '' : ` (add-on up to ${ceiling}${declaredOnly ? ', as declared in config' : ''})`;

    const days = restorableDays(physicalWindow);
    if (days === null) {
      evidence.push({ source, field: 'physical_backup_data', value: 'empty' });
      return [
        {
          resource,
          status: 'warn',
          message: `point-in-time recovery is enabled${addon}, but the API reports no restorable window (physical_backup_data is empty): no point in time can be restored yet; policy requires ${required} days`,
          evidence,
        },
      ];
    }
    evidence.push({ source, field: 'physical_backup_data (restorable window)', value: `${physicalWindow.earliest} to ${physicalWindow.latest}` });
    evidence.push({ source, field: 'restorable days', value: tenths(days) });
    const label = `${formatDays(days)} days restorable${addon}`;

    // Compared at a tenth of a day: the latest restore point trails the present by minutes.
    if (tenths(days) >= required) {
      if (ceiling !== undefined && ceiling < required) {
        return [
          {
            resource,
            status: 'warn',
            message: `${label}: the window meets the policy's ${required} days now, but the add-on keeps only ${ceiling} days, so it will shrink below the policy`,
            evidence,
          },
        ];
      }
      return [{ resource, status: 'pass', message: `${label}; policy requires ${required}`, evidence }];
    }
    if (ceiling !== undefined && ceiling >= required) {
      // Still filling (the weeks after the add-on was bought, or after a restore): it reaches the policy when the earliest point is that old.
      const reaches = new Date(Date.parse(physicalWindow.earliest!) + required * DAY_MS).toISOString().slice(0, 10);
      return [
        {
          resource,
          status: 'warn',
          message: `${label}; policy requires ${required}: the window is still filling and reaches ${required} days on ${reaches}`,
          evidence,
        },
      ];
    }
    if (ceiling === undefined) {
      const why = facts.pitrAddon.ok ? 'the billing add-ons list no PITR add-on' : `the billing add-ons could not be read (${facts.pitrAddon.reason})`;
      return [
        {
          resource,
          status: 'fail',
          message: `${label}; policy requires ${required} (whether the window will grow is unknown: ${why}; declare pitrAddon.retentionDays in config)`,
          evidence,
        },
      ];
    }
    const advice =
      required > SUPABASE_PITR_MAX_RETENTION_DAYS
        ? `Supabase's PITR add-on offers at most ${SUPABASE_PITR_MAX_RETENTION_DAYS} days — keep a longer-lived backup elsewhere (e.g. logical dumps to S3) or waive with approval`
        : `choose a PITR add-on of at least ${required} days (Supabase offers 7, 14 and 28)`;
    return [{ resource, status: 'fail', message: `${label}; policy requires ${required}; ${advice}`, evidence }];
  },
});
