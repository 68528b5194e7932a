import { qualifiedName } from '../sql';
import { alterTableCommands, existing, type LintRule } from './rule';

export default {
  id: 'change-column-type',
  title: 'Column type changed',
  severity: 'high',
  category: 'compatibility',
  flags: '`ALTER COLUMN … TYPE`',
  doc: 'Changing a column type can break code that reads or writes the old type, and usually rewrites the table under an ACCESS EXCLUSIVE lock. (Widening varchar(n) or varchar to text does not rewrite; suppress with a reason when that is the case.) Add a new column, backfill, switch over, then drop the old one.',
  check(context) {
    return alterTableCommands(context)
      .filter(({ table, cmd }) => cmd.subtype === 'AT_AlterColumnType' && existing(context, table))
      .map(
        ({ table, cmd }) =>
          `changes the type of ${table}.${cmd.name} to ${qualifiedName(cmd.def?.ColumnDef?.typeName?.names).replace(/^pg_catalog\./, '')}, which may break readers and rewrites the table`,
      );
  },
} satisfies LintRule;
