// AWS Backup facts of one datastore, sliced out of reads shared per account
// and region per scan: one paged list each of plans, vaults and protected
// resources, a GetBackupPlan per plan and a GetBackupSelection per selection;
// recovery points only for registered resources AWS Backup protects.
import {
  GetBackupPlanCommand,
  GetBackupSelectionCommand,
  paginateListBackupPlans,
  paginateListBackupSelections,
  paginateListBackupVaults,
  paginateListProtectedResources,
  paginateListRecoveryPointsByResource,
  type BackupRule,
  type BackupSelection,
  type RecoveryPointByResource,
} from '@aws-sdk/client-backup';
import { observed, type Observed } from '../../engine/types';
import { backupClient, observeAws } from './clients';
import { selects, type BackupSelectionSpec, type SelectableResource, type SelectionCondition } from './backup-selection';
import type { AwsBackupFacts, AwsBackupRecoveryPoints, AwsBackupRule, AwsBackupUndetermined, AwsBackupVault } from './facts';
import type { RdsScope } from './rds-api';

/** The largest page the AWS Backup list operations return. */
export const BACKUP_PAGE_SIZE = 1000;

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

interface ResolvedSelection {
  name: string;
  spec: BackupSelectionSpec;
}

interface ResolvedPlan {
  name: string;
  rules: BackupRule[];
  selections: ResolvedSelection[];
}

const conditions = (list: { ConditionKey?: string; ConditionValue?: string }[] | undefined): SelectionCondition[] =>
  (list ?? []).map((c) => ({ key: c.ConditionKey ?? '', value: c.ConditionValue ?? '' }));

function toSpec(selection: BackupSelection | undefined): BackupSelectionSpec {
  return {
    resources: selection?.Resources ?? [],
    notResources: selection?.NotResources ?? [],
    tags: (selection?.ListOfTags ?? []).map((t) => ({ key: t.ConditionKey ?? '', value: t.ConditionValue ?? '' })),
    conditions: {
      stringEquals: conditions(selection?.Conditions?.StringEquals),
      stringNotEquals: conditions(selection?.Conditions?.StringNotEquals),
      stringLike: conditions(selection?.Conditions?.StringLike),
      stringNotLike: conditions(selection?.Conditions?.StringNotLike),
    },
  };
}

/** Every plan of the account and region with its rules and resolved selections. */
function plansOf(scope: RdsScope): Promise<ResolvedPlan[]> {
  return scope.shared.once(`backup:plans:${scope.account}:${scope.region}`, async () => {
    const client = await backupClient(scope.shared, scope.config, scope.account, scope.region);
    const listed = [];
    for await (const page of paginateListBackupPlans({ client, pageSize: BACKUP_PAGE_SIZE }, {})) listed.push(...(page.BackupPlansList ?? []));
    return Promise.all(
      listed.map(async ({ BackupPlanId }) => {
        const [plan, selectionIds] = await Promise.all([
          client.send(new GetBackupPlanCommand({ BackupPlanId })),
          (async () => {
            const ids: { SelectionId?: string }[] = [];
            for await (const page of paginateListBackupSelections({ client, pageSize: BACKUP_PAGE_SIZE }, { BackupPlanId })) ids.push(...(page.BackupSelectionsList ?? []));
            return ids;
          })(),
        ]);
        const selections = await Promise.all(
          selectionIds.map(async ({ SelectionId }) => {
            const out = await client.send(new GetBackupSelectionCommand({ BackupPlanId, SelectionId }));
            return { name: out.BackupSelection?.SelectionName ?? SelectionId ?? '(unnamed)', spec: toSpec(out.BackupSelection) };
          }),
        );
        return { name: plan.BackupPlan?.BackupPlanName ?? BackupPlanId ?? '(unnamed)', rules: plan.BackupPlan?.Rules ?? [], selections };
      }),
    );
  });
}

function vaultsOf(scope: RdsScope): Promise<AwsBackupVault[]> {
  return scope.shared.once(`backup:vaults:${scope.account}:${scope.region}`, async () => {
    const client = await backupClient(scope.shared, scope.config, scope.account, scope.region);
    const vaults: AwsBackupVault[] = [];
    // ListBackupVaults carries each vault's lock (Locked, Min/MaxRetentionDays, LockDate): no DescribeBackupVault per vault.
    for await (const page of paginateListBackupVaults({ client, pageSize: BACKUP_PAGE_SIZE }, {})) {
      for (const v of page.BackupVaultList ?? []) {
        vaults.push({
          name: v.BackupVaultName ?? '',
          locked: v.Locked ?? false,
          minRetentionDays: v.MinRetentionDays ?? null,
          maxRetentionDays: v.MaxRetentionDays ?? null,
          lockDate: iso(v.LockDate),
        });
      }
    }
    return vaults;
  });
}

/** LastBackupTime by resource ARN, for the resources AWS Backup protects. */
function protectedOf(scope: RdsScope): Promise<Map<string, string | null>> {
  return scope.shared.once(`backup:protected:${scope.account}:${scope.region}`, async () => {
    const client = await backupClient(scope.shared, scope.config, scope.account, scope.region);
    const byArn = new Map<string, string | null>();
    for await (const page of paginateListProtectedResources({ client, pageSize: BACKUP_PAGE_SIZE }, {})) {
      for (const r of page.Results ?? []) if (r.ResourceArn) byArn.set(r.ResourceArn, iso(r.LastBackupTime));
    }
    return byArn;
  });
}

function coverageOf(plans: ResolvedPlan[], resource: SelectableResource): { rules: AwsBackupRule[]; undetermined: AwsBackupUndetermined[] } {
  const rules: AwsBackupRule[] = [];
  const undetermined: AwsBackupUndetermined[] = [];
  for (const plan of plans) {
    for (const selection of plan.selections) {
      const verdict = selects(selection.spec, resource);
      if (typeof verdict === 'object') undetermined.push({ plan: plan.name, selection: selection.name, why: verdict.undetermined });
      if (verdict !== true) continue;
      for (const r of plan.rules) {
        rules.push({
          plan: plan.name,
          rule: r.RuleName ?? '(unnamed)',
          selection: selection.name,
          vault: r.TargetBackupVaultName ?? '',
          schedule: r.ScheduleExpression ?? null,
          continuous: r.EnableContinuousBackup ?? false,
          deleteAfterDays: r.Lifecycle?.DeleteAfterDays ?? null,
          copyDestinations: (r.CopyActions ?? []).map((c) => c.DestinationBackupVaultArn ?? '').filter(Boolean),
        });
      }
    }
  }
  return { rules, undetermined };
}

function summarize(points: RecoveryPointByResource[]): AwsBackupRecoveryPoints {
  const dated = points.filter((p) => p.CreationDate).sort((a, b) => b.CreationDate!.getTime() - a.CreationDate!.getTime());
  const completed = dated.filter((p) => p.Status === 'COMPLETED');
  const newest = dated[0];
  return {
    completed: completed.length,
    newestCompleted: iso(completed[0]?.CreationDate),
    oldestCompleted: iso(completed.at(-1)?.CreationDate),
    newest: newest ? { created: newest.CreationDate!.toISOString(), status: newest.Status ?? 'unknown' } : null,
    vaults: [...new Set(completed.map((p) => p.BackupVaultName ?? '').filter(Boolean))],
  };
}

const NO_RECOVERY_POINTS: AwsBackupRecoveryPoints = { completed: 0, newestCompleted: null, oldestCompleted: null, newest: null, vaults: [] };

async function readBackup(scope: RdsScope, resource: SelectableResource): Promise<AwsBackupFacts> {
  const [coverage, lastBackupTime, vaults] = await Promise.all([
    observeAws(
      'backup:ListBackupPlans, GetBackupPlan, ListBackupSelections, GetBackupSelection',
      'backup:ListBackupPlans, backup:GetBackupPlan, backup:ListBackupSelections and backup:GetBackupSelection',
      async () => coverageOf(await plansOf(scope), resource),
    ),
    observeAws('backup:ListProtectedResources', 'backup:ListProtectedResources', async () => (await protectedOf(scope)).get(resource.arn) ?? null),
    observeAws('backup:ListBackupVaults', 'backup:ListBackupVaults', () => vaultsOf(scope)),
  ]);
  // Only a resource AWS Backup protects has recovery points: the others cost no call. Listed
  // without a LastBackupTime is still protected (the list is the one already read).
  const unprotected = lastBackupTime.ok && !(await protectedOf(scope)).has(resource.arn);
  const recoveryPoints: Observed<AwsBackupRecoveryPoints> = unprotected
    ? observed('backup:ListProtectedResources (not protected)', NO_RECOVERY_POINTS)
    : await observeAws(
        'backup:ListRecoveryPointsByResource',
        'backup:ListRecoveryPointsByResource',
        async () => {
          const client = await backupClient(scope.shared, scope.config, scope.account, scope.region);
          const points: RecoveryPointByResource[] = [];
          for await (const page of paginateListRecoveryPointsByResource({ client, pageSize: BACKUP_PAGE_SIZE }, { ResourceArn: resource.arn })) {
            points.push(...(page.RecoveryPoints ?? []));
          }
          return summarize(points);
        },
        { code: 'ResourceNotFoundException', value: NO_RECOVERY_POINTS },
      );
  return { resourceArn: resource.arn, coverage, lastBackupTime, recoveryPoints, vaults };
}

/** The AWS Backup facts of one resource; a resource registered twice (or read by two collectors) is read once. */
export function backupFactsOf(scope: RdsScope, resource: SelectableResource): Promise<AwsBackupFacts> {
  return scope.shared.once(`backup:resource:${scope.account}:${scope.region}:${resource.arn}`, () => readBackup(scope, resource));
}
