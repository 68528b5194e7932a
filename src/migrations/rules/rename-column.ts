import { relationName } from '../sql';
import { existing, type LintRule } from './rule';

export default {
  id: 'rename-column',
  title: 'Column renamed',
  severity: 'high',
  category: 'compatibility',
  flags: '`ALTER TABLE … RENAME COLUMN`',
  doc: 'Renaming a column breaks the running application version that uses the old name. Add the new column, write both, backfill, switch reads, then drop the old column in a later migration.',
  check(context) {
    const { kind, node } = context.statement;
    if (kind !== 'RenameStmt' || node.renameType !== 'OBJECT_COLUMN' || node.relationType === 'OBJECT_TYPE') return [];
    const table = relationName(node.relation);
    return existing(context, table) ? [`renames column ${table}.${node.subname} to ${node.newname}; code using the old name breaks`] : [];
  },
} satisfies LintRule;
