import { existing, tableName, type LintRule } from './rule';

export default {
  id: 'rename-table',
  title: 'Table renamed',
  severity: 'high',
  flags: '`ALTER TABLE … RENAME TO`',
  doc: 'Renaming a table breaks the running application version that uses the old name. Create the new table (or a view with the new name), move readers and writers over, then drop the old name later.',
  check(context) {
    const { kind, node } = context.statement;
    if (kind !== 'RenameStmt' || node.renameType !== 'OBJECT_TABLE') return [];
    const table = tableName(node.relation);
    return existing(context, table) ? [`renames table ${table} to ${node.newname}; code using the old name breaks`] : [];
  },
} satisfies LintRule;
