import { lastName } from '../sql';
import { existing, tableName, type LintRule, type StatementContext } from './rule';

/** ALTER TABLE subcommands that take a lock weaker than ACCESS EXCLUSIVE. */
const WEAKER_ALTER = new Set(['AT_ValidateConstraint', 'AT_SetStatistics', 'AT_ClusterOn', 'AT_DropCluster', 'AT_SetOptions', 'AT_ResetOptions', 'AT_AttachPartition']);
const DROPPED_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_MATVIEW', 'OBJECT_VIEW']);

/** The existing table an ACCESS EXCLUSIVE statement locks, if the statement takes one. */
function accessExclusiveTarget(context: StatementContext): string | undefined {
  const { kind, node } = context.statement;
  const onExisting = (table: string) => (table && existing(context, table) ? table : undefined);
  switch (kind) {
    case 'AlterTableStmt': {
      if (node.objtype && node.objtype !== 'OBJECT_TABLE') return undefined;
      const cmds = (node.cmds ?? []).map((c: { AlterTableCmd?: { subtype?: string; def?: { Constraint?: { contype?: string } } } }) => c.AlterTableCmd);
      // A foreign key takes SHARE ROW EXCLUSIVE: still blocks writes, reported by constraint-without-not-valid.
      const strong = cmds.some(
        (c: { subtype?: string; def?: { Constraint?: { contype?: string } } } | undefined) =>
          c && !WEAKER_ALTER.has(c.subtype ?? '') && !(c.subtype === 'AT_AddConstraint' && c.def?.Constraint?.contype === 'CONSTR_FOREIGN'),
      );
      return strong ? onExisting(tableName(node.relation)) : undefined;
    }
    case 'RenameStmt':
      return ['OBJECT_TABLE', 'OBJECT_COLUMN'].includes(node.renameType) ? onExisting(tableName(node.relation)) : undefined;
    case 'DropStmt':
      if (!DROPPED_RELATIONS.has(node.removeType) || node.concurrent) return undefined;
      if (node.removeType === 'OBJECT_INDEX') {
        const index = lastName(node.objects?.[0]?.List?.items);
        return context.createdIndexes.has(index) ? undefined : index;
      }
      return onExisting(lastName(node.objects?.[0]?.List?.items));
    case 'TruncateStmt':
      return onExisting(node.relations?.[0]?.RangeVar?.relname ?? '');
    case 'VacuumStmt': {
      const full = (node.options ?? []).some((o: { DefElem?: { defname?: string } }) => o.DefElem?.defname === 'full');
      return full ? onExisting(tableName(node.rels?.[0]?.VacuumRelation?.relation)) : undefined;
    }
    case 'ClusterStmt':
      return onExisting(tableName(node.relation));
    default:
      return undefined;
  }
}

export default {
  id: 'require-lock-timeout',
  title: 'No lock_timeout before an ACCESS EXCLUSIVE lock',
  severity: 'low',
  flags: 'a statement taking ACCESS EXCLUSIVE on an existing table with no non-zero `lock_timeout` set earlier in the migration',
  doc: 'A statement that needs an ACCESS EXCLUSIVE lock waits behind any long-running query, and every query on the table queues behind it: a short migration becomes an outage. Start the migration with SET lock_timeout = \'2s\' (and retry), so it fails fast instead.',
  check(context) {
    if (context.lockTimeoutSet) return [];
    const target = accessExclusiveTarget(context);
    return target ? [`takes an ACCESS EXCLUSIVE lock on ${target} with no lock_timeout set earlier in the migration`] : [];
  },
} satisfies LintRule;
