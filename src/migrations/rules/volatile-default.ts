import { serialType, volatileCalls } from '../locks';
import { alterTableCommands, columnConstraints, existing, type LintRule } from './rule';

export default {
  id: 'volatile-default',
  title: 'Column with a volatile default added to an existing table',
  severity: 'medium',
  category: 'locking',
  flags: '`ADD COLUMN` with a default calling a volatile built-in (`random()`, `gen_random_uuid()`, `clock_timestamp()`, `nextval()`, …, from PostgreSQL 17\'s pg_proc) or a function that is not built in, and serial types',
  doc: 'A constant (or stable, like now()) default is stored once and is instant on PostgreSQL 11+, but a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval() and serial types) rewrites the whole table under an ACCESS EXCLUSIVE lock. A function that is not built in (uuid_generate_v4() of uuid-ossp, your own) is flagged too: its volatility is not in the migration. Add the column without a default, set the default, and backfill in batches.',
  check(context) {
    return alterTableCommands(context).flatMap(({ table, cmd }) => {
      if (cmd.subtype !== 'AT_AddColumn' || !existing(context, table)) return [];
      const column = cmd.def?.ColumnDef;
      const serial = serialType(column);
      if (serial) return [`adds ${serial} column ${table}.${column.colname}, whose nextval() default rewrites the table`];
      const [call] = columnConstraints(column)
        .filter((c) => c.contype === 'CONSTR_DEFAULT')
        .flatMap((c) => volatileCalls(c.raw_expr));
      if (!call) return [];
      return [
        call.known
          ? `adds column ${table}.${column.colname} with volatile default ${call.name}(), which rewrites the table`
          : `adds column ${table}.${column.colname} with a default calling ${call.name}(), which is not built in: if it is volatile, the table is rewritten`,
      ];
    });
  },
} satisfies LintRule;
