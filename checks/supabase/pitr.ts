import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import type { Evidence } from '../../src/model';
import { SUPABASE_PITR_MAX_RETENTION_DAYS } from '../../src/datastores/supabase-project/facts';

const DAY_MS = 24 * 60 * 60 * 1000;

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'supabase',
  id: 'supabase.pitr',
  title: 'Supabase point-in-time recovery covers the required window',
  severity: 'high',
  protection: true,
  evidenceTrend: { 'retention days': 'higher-is-better' },
  description:
    "Point-in-time recovery is enabled on the project and its retention (the PITR add-on's 7, 14 or 28 days, read from the billing add-ons endpoint, else from the add-on declared in config) meets the policy minimum.",
  remediation:
    'Enable the PITR add-on (Project Settings > Add-ons > Point in time recovery) with a retention at least the policy minimum; where the policy asks more than Supabase offers, keep a longer-lived backup elsewhere (e.g. scheduled logical dumps to S3) or record a waiver.',
  docs: 'https://supabase.com/docs/guides/platform/backups#point-in-time-recovery',
  evaluate({ datastore, facts, policy }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.backups.ok) return [unreadable(resource, facts.backups)];
    const { pitrEnabled, walgEnabled, physicalWindow } = facts.backups.value;
    const required = policy.pitrMinRetentionDays;
    const evidence: Evidence[] = [
      { source: facts.backups.source, field: 'pitr_enabled', value: pitrEnabled },
      { source: facts.backups.source, field: 'walg_enabled', value: walgEnabled },
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
    if (physicalWindow.earliest && physicalWindow.latest) {
      const days = (Date.parse(physicalWindow.latest) - Date.parse(physicalWindow.earliest)) / DAY_MS;
      evidence.push({
        source: facts.backups.source,
        field: 'physical_backup_data (restorable window)',
        value: `${physicalWindow.earliest} to ${physicalWindow.latest} (${days.toFixed(1)} days)`,
      });
    }

    const declared = datastore.type === 'supabase-project' ? datastore.pitrAddon?.retentionDays : undefined;
    let retention: number;
    let from: string;
    const fromApi = facts.pitrAddon.ok ? facts.pitrAddon.value : undefined;
    if (fromApi?.retentionDays !== null && fromApi?.retentionDays !== undefined) {
      retention = fromApi.retentionDays;
      from = `the PITR add-on ${fromApi.variant}`;
      evidence.push({ source: facts.pitrAddon.source, field: 'selected_addons[type=pitr].variant.id', value: fromApi.variant });
      if (declared !== undefined && declared !== retention) {
        evidence.push({ source: 'config datastores[].pitrAddon.retentionDays', field: 'declared (ignored: the API shows the add-on)', value: declared });
      }
    } else if (declared !== undefined) {
      retention = declared;
      from = 'the add-on declared in config (the API did not show it)';
      evidence.push({
        source: facts.pitrAddon.source,
        field: 'selected_addons[type=pitr]',
        value: facts.pitrAddon.ok ? 'no PITR add-on listed' : `unreadable: ${facts.pitrAddon.reason}`,
      });
      evidence.push({ source: 'config datastores[].pitrAddon.retentionDays', field: 'declared', value: declared });
    } else {
      const why = facts.pitrAddon.ok
        ? 'the billing add-ons list no PITR add-on'
        : `the billing add-ons could not be read (${facts.pitrAddon.reason}${facts.pitrAddon.hint ? `; ${facts.pitrAddon.hint}` : ''})`;
      return [
        {
          resource,
          status: 'unknown',
          message: `point-in-time recovery is enabled but its retention is unknown: ${why}; declare pitrAddon.retentionDays in config`,
          evidence,
        },
      ];
    }

    evidence.push({ source: from, field: 'retention days', value: retention });
    if (retention >= required) {
      // A declaration the API could not confirm is not positive evidence of the retention.
      if (!facts.pitrAddon.ok) {
        return [
          {
            resource,
            status: 'warn',
            message: `PITR keeps ${retention} days by the config's declaration only: the billing add-ons could not be read to confirm it (${facts.pitrAddon.reason}); policy requires ${required}`,
            evidence,
          },
        ];
      }
      return [{ resource, status: 'pass', message: `PITR keeps ${retention} days (${from}); policy requires ${required}`, evidence }];
    }
    const advice =
      required > SUPABASE_PITR_MAX_RETENTION_DAYS
        ? `Supabase's PITR add-on offers at most ${SUPABASE_PITR_MAX_RETENTION_DAYS} days — keep a longer-lived backup elsewhere (e.g. logical dumps to S3) or waive with approval`
        : `choose a PITR add-on of at least ${required} days (Supabase offers 7, 14 and 28)`;
    return [
      {
        resource,
        status: 'fail',
        message: `PITR keeps ${retention} days (${from}); policy requires ${required}; ${advice}`,
        evidence,
      },
    ];
  },
});
