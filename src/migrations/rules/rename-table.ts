import { relationName } from '../sql';
import { existing, type LintRule } from './rule';

export default {
  id: 'rename-table',
  title: 'Table renamed',
  severity: 'high',
  category: 'compatibility',
  flags: '`ALTER TABLE … RENAME TO`, `ALTER TABLE … SET SCHEMA`',
  doc: 'Renaming a table (or moving it to another schema) breaks the running application version that uses the old name. Create the new table (or a view with the new name), move readers and writers over, then drop the old name later.',
  check(context) {
    const { kind, node } = context.statement;
    const table = relationName(node.relation);
    if (kind === 'RenameStmt' && node.renameType === 'OBJECT_TABLE' && existing(context, table)) return [`renames table ${table} to ${node.newname}; code using the old name breaks`];
    if (kind === 'AlterObjectSchemaStmt' && node.objectType === 'OBJECT_TABLE' && existing(context, table)) return [`moves table ${table} to schema ${node.newschema}; code using the old name breaks`];
    return [];
  },
} satisfies LintRule;
