import { alterTableCommands, existing, type LintRule } from './rule';

export default {
  id: 'drop-default-not-null',
  title: 'Default dropped from a NOT NULL column this migration added',
  severity: 'high',
  category: 'compatibility',
  flags: '`ALTER COLUMN … DROP DEFAULT` of a column added NOT NULL (or set NOT NULL) earlier in the same migration: Django\'s AddField',
  doc: 'A NOT NULL column added with a default and then stripped of it (what Django\'s AddField does with a Python default) has no value for rows inserted by code that does not know the column: every insert of the running version fails with a not-null violation until it is replaced. Keep the default in the database (Django 5: db_default), or add the column nullable and constrain it after every writer sets it.',
  check(context) {
    return alterTableCommands(context)
      .filter(({ table, cmd }) => cmd.subtype === 'AT_ColumnDefault' && !cmd.def && existing(context, table) && context.notNullAdded.has(`${table}.${cmd.name}`))
      .map(({ table, cmd }) => `drops the default of NOT NULL column ${table}.${cmd.name}: inserts by the running version, which does not set it, fail`);
  },
} satisfies LintRule;
