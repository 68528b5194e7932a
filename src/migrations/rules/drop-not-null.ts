import { alterTableCommands, existing, type LintRule } from './rule';

export default {
  id: 'drop-not-null',
  title: 'DROP NOT NULL on an existing column',
  severity: 'low',
  category: 'compatibility',
  flags: '`ALTER COLUMN … DROP NOT NULL`',
  doc: 'After DROP NOT NULL the new application version may write NULL, which the running old version may not expect when it reads the column. It is the usual first step of removing a column: make sure every reader handles NULL before any writer stops filling the column.',
  check(context) {
    return alterTableCommands(context)
      .filter(({ table, cmd }) => cmd.subtype === 'AT_DropNotNull' && existing(context, table))
      .map(({ table, cmd }) => `drops NOT NULL of ${table}.${cmd.name}: readers of the running version may not expect NULL`);
  },
} satisfies LintRule;
