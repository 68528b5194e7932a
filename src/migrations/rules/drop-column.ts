import { alterTableCommands, existing, type LintRule } from './rule';

export default {
  id: 'drop-column',
  title: 'Column dropped',
  severity: 'high',
  category: 'compatibility',
  flags: '`ALTER TABLE … DROP COLUMN`',
  doc: 'Dropping a column breaks the running application version that still selects or inserts it (ORMs often list every column). Stop using the column and deploy, then drop it in a later migration.',
  check(context) {
    return alterTableCommands(context)
      .filter(({ table, cmd }) => cmd.subtype === 'AT_DropColumn' && existing(context, table))
      .map(({ table, cmd }) => `drops column ${table}.${cmd.name}, which running code may still use`);
  },
} satisfies LintRule;
