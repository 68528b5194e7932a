import { serialType } from '../locks';
import { alterTableCommands, columnConstraints, existing, type LintRule } from './rule';

export default {
  id: 'add-not-null-column-without-default',
  title: 'NOT NULL column without a default added to an existing table',
  severity: 'high',
  category: 'compatibility',
  flags: '`ADD COLUMN … NOT NULL` without default/identity/generated (a constant default is safe on PostgreSQL 11+)',
  doc: 'Adding a NOT NULL column without a default fails on a table that has rows, and breaks the running application version that inserts without the column. Add it with a constant default (safe and instant on PostgreSQL 11+), or nullable first and constrain it later.',
  check(context) {
    return alterTableCommands(context)
      .filter(({ table, cmd }) => {
        if (cmd.subtype !== 'AT_AddColumn' || !existing(context, table)) return false;
        const kinds = new Set(columnConstraints(cmd.def?.ColumnDef).map((c) => c.contype));
        const filled = kinds.has('CONSTR_DEFAULT') || kinds.has('CONSTR_IDENTITY') || kinds.has('CONSTR_GENERATED');
        return (kinds.has('CONSTR_NOTNULL') || kinds.has('CONSTR_PRIMARY')) && !filled && !serialType(cmd.def?.ColumnDef);
      })
      .map(({ table, cmd }) => `adds NOT NULL column ${table}.${cmd.def?.ColumnDef?.colname} without a default`);
  },
} satisfies LintRule;
