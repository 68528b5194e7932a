import { serialType, volatileCalls } from '../locks';
import { alterTableCommands, columnConstraints, existing, type LintRule } from './rule';

export default {
  id: 'volatile-default',
  title: 'Column with a volatile default added to an existing table',
  severity: 'medium',
  category: 'locking',
  flags: '`ADD COLUMN` with `random()`, `gen_random_uuid()`, `uuid_generate_v4()`, `clock_timestamp()`, `nextval()`, serial types (user functions are not judged)',
  doc: 'A constant (or stable, like now()) default is stored once and is instant on PostgreSQL 11+, but a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval() and serial types) rewrites the whole table under an ACCESS EXCLUSIVE lock. Add the column without a default, set the default, and backfill in batches.',
  check(context) {
    return alterTableCommands(context).flatMap(({ table, cmd }) => {
      if (cmd.subtype !== 'AT_AddColumn' || !existing(context, table)) return [];
      const column = cmd.def?.ColumnDef;
      const serial = serialType(column);
      if (serial) return [`adds ${serial} column ${table}.${column.colname}, whose nextval() default rewrites the table`];
      const volatile = columnConstraints(column)
        .filter((c) => c.contype === 'CONSTR_DEFAULT')
        .flatMap((c) => volatileCalls(c.raw_expr));
      return volatile.length > 0 ? [`adds column ${table}.${column.colname} with volatile default ${volatile[0]}(), which rewrites the table`] : [];
    });
  },
} satisfies LintRule;
