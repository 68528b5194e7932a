import { droppedNames, existing, type LintRule } from './rule';

export default {
  id: 'drop-table',
  title: 'Table dropped',
  severity: 'high',
  category: 'compatibility',
  flags: '`DROP TABLE` of an existing table',
  doc: 'Dropping a table breaks every running version of the application that still reads or writes it, and loses its data. Stop using the table in a release first, keep a backup, and drop it in a later migration.',
  check(context) {
    const { kind, node } = context.statement;
    if (kind !== 'DropStmt' || node.removeType !== 'OBJECT_TABLE') return [];
    return droppedNames(node)
      .filter((table) => existing(context, table))
      .map((table) => `drops table ${table}, which running code may still use`);
  },
} satisfies LintRule;
