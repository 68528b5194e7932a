import { droppedNames, namedIn, ObjectNames, type LintRule, type StatementContext } from './rule';

/** Objects running code uses by name, and the set of the same migration's creations each is checked against. */
const NONE = new ObjectNames();

const DROPPED: Record<string, { what: string; created: (context: StatementContext) => ObjectNames }> = {
  OBJECT_VIEW: { what: 'view', created: (c) => c.created.views },
  OBJECT_MATVIEW: { what: 'materialized view', created: (c) => c.created.views },
  OBJECT_FUNCTION: { what: 'function', created: (c) => c.created.routines },
  OBJECT_PROCEDURE: { what: 'procedure', created: (c) => c.created.routines },
  OBJECT_ROUTINE: { what: 'routine', created: (c) => c.created.routines },
  OBJECT_AGGREGATE: { what: 'aggregate', created: (c) => c.created.routines },
  OBJECT_TYPE: { what: 'type', created: (c) => c.created.types },
  OBJECT_DOMAIN: { what: 'domain', created: (c) => c.created.types },
  OBJECT_SEQUENCE: { what: 'sequence', created: (c) => c.created.tables },
  OBJECT_SCHEMA: { what: 'schema', created: () => NONE },
};

export default {
  id: 'drop-object',
  title: 'View, function, type, sequence or schema dropped',
  severity: 'high',
  category: 'compatibility',
  flags: '`DROP VIEW/MATERIALIZED VIEW/FUNCTION/PROCEDURE/TYPE/DOMAIN/SEQUENCE/SCHEMA` of an object the migration did not create',
  doc: 'Views, functions, procedures, types (and with them enum values), sequences and schemas are called by name from application code, other functions and ORMs. Dropping one breaks the running version that still uses it. Stop using it in a release first, then drop it in a later migration. Dropping and creating it again in the same transaction replaces it without a gap and is not flagged (keep the new definition compatible); outside a transaction, running code fails in between.',
  check(context) {
    const { kind, node } = context.statement;
    const dropped = kind === 'DropStmt' ? DROPPED[node.removeType] : undefined;
    if (!dropped) return [];
    const inBlock = context.transaction.block !== 'none';
    return droppedNames(node)
      .filter((name) => !namedIn(dropped.created(context), name) && !(inBlock && namedIn(context.createdLater, name)))
      .map((name) =>
        namedIn(context.createdLater, name)
          ? `drops ${dropped.what} ${name} and creates it again outside a transaction: running code fails in between`
          : `drops ${dropped.what} ${name}, which running code may still use`,
      );
  },
} satisfies LintRule;
