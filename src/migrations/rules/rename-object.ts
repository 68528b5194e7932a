import { qualifiedName, relationName, type AstNode } from '../sql';
import { namedIn, type LintRule, type StatementContext } from './rule';

const RENAMED: Record<string, string> = {
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'procedure',
  OBJECT_ROUTINE: 'routine',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'domain',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_SCHEMA: 'schema',
};

/** The name of the object a RenameStmt or AlterObjectSchemaStmt names. */
function objectName(node: AstNode): string {
  if (node.relation) return relationName(node.relation);
  const object = node.object;
  if (object?.ObjectWithArgs) return qualifiedName(object.ObjectWithArgs.objname);
  if (object?.List) return qualifiedName(object.List.items);
  if (object?.TypeName) return qualifiedName(object.TypeName.names);
  if (object?.String) return object.String.sval;
  return node.subname ?? '';
}

function createdEarlier(context: StatementContext, type: string, name: string): boolean {
  const { views, routines, types, tables } = context.created;
  const created = type === 'view' || type === 'materialized view' ? views : type === 'type' || type === 'domain' ? types : type === 'sequence' ? tables : routines;
  return type !== 'schema' && namedIn(created, name);
}

export default {
  id: 'rename-object',
  title: 'View, function, type, sequence or schema renamed or moved',
  severity: 'high',
  category: 'compatibility',
  flags: '`ALTER VIEW/FUNCTION/PROCEDURE/TYPE/DOMAIN/SEQUENCE/SCHEMA … RENAME TO`, `ALTER TYPE … RENAME ATTRIBUTE`, `… SET SCHEMA` of those objects',
  doc: 'Code calls views, functions, types and sequences by name (and schema). Renaming one, or moving it to another schema, breaks the running version that uses the old name. Create the new object beside the old one (a view or wrapper function with the new name), move callers over, then drop the old one later.',
  check(context) {
    const { kind, node } = context.statement;
    if (kind === 'RenameStmt') {
      if (node.renameType === 'OBJECT_ATTRIBUTE') return [`renames attribute ${objectName(node)}.${node.subname} of a composite type to ${node.newname}; code using the old name breaks`];
      const type = RENAMED[node.renameType];
      const name = objectName(node);
      if (!type || createdEarlier(context, type, name)) return [];
      return [`renames ${type} ${name} to ${node.newname}; code using the old name breaks`];
    }
    if (kind === 'AlterObjectSchemaStmt') {
      const type = RENAMED[node.objectType];
      const name = objectName(node);
      if (!type || createdEarlier(context, type, name)) return [];
      return [`moves ${type} ${name} to schema ${node.newschema}; code using the old name breaks`];
    }
    return [];
  },
} satisfies LintRule;
