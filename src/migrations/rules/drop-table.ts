import { lastName } from '../sql';
import type { LintRule } from './rule';

export default {
  id: 'drop-table',
  title: 'Table dropped',
  severity: 'high',
  flags: '`DROP TABLE` of an existing table',
  doc: 'Dropping a table breaks every running version of the application that still reads or writes it, and loses its data. Stop using the table in a release first, keep a backup, and drop it in a later migration.',
  check({ statement, createdTables }) {
    if (statement.kind !== 'DropStmt' || statement.node.removeType !== 'OBJECT_TABLE') return [];
    return (statement.node.objects ?? [])
      .map((o: { List?: { items?: unknown[] } }) => lastName(o.List?.items))
      .filter((table: string) => !createdTables.has(table))
      .map((table: string) => `drops table ${table}, which running code may still use`);
  },
} satisfies LintRule;
