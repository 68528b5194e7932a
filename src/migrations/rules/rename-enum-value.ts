import { qualifiedName } from '../sql';
import { namedIn, type LintRule } from './rule';

export default {
  id: 'rename-enum-value',
  title: 'Enum value renamed',
  severity: 'high',
  category: 'compatibility',
  flags: '`ALTER TYPE … RENAME VALUE`',
  doc: 'Renaming an enum value makes every running version that writes or compares the old label fail ("invalid input value for enum"). Add the new value, move writers and readers to it, and keep the old one (enum values cannot be removed without recreating the type).',
  check(context) {
    const { kind, node } = context.statement;
    if (kind !== 'AlterEnumStmt' || !node.oldVal) return [];
    const type = qualifiedName(node.typeName);
    if (namedIn(context.created.types, type)) return [];
    return [`renames value '${node.oldVal}' of enum ${type} to '${node.newVal}'; code using the old label breaks`];
  },
} satisfies LintRule;
