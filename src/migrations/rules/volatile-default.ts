import { functionCalls } from '../sql';
import { alterTableCommands, columnConstraints, existing, serialType, type LintRule } from './rule';

/** Built-in functions marked VOLATILE that are common in defaults. User-defined functions are not judged. */
const VOLATILE = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'txid_current',
  'random_normal',
]);

export default {
  id: 'volatile-default',
  title: 'Column with a volatile default added to an existing table',
  severity: 'medium',
  flags: '`ADD COLUMN` with `random()`, `gen_random_uuid()`, `uuid_generate_v4()`, `clock_timestamp()`, `nextval()`, serial types (user functions are not judged)',
  doc: 'A constant (or stable, like now()) default is stored once and is instant on PostgreSQL 11+, but a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval() and serial types) rewrites the whole table under an ACCESS EXCLUSIVE lock. Add the column without a default, set the default, and backfill in batches.',
  check(context) {
    return alterTableCommands(context).flatMap(({ table, cmd }) => {
      if (cmd.subtype !== 'AT_AddColumn' || !existing(context, table)) return [];
      const column = cmd.def?.ColumnDef;
      const serial = serialType(column);
      if (serial) return [`adds ${serial} column ${table}.${column.colname}, whose nextval() default rewrites the table`];
      const defaults = columnConstraints(column).filter((c) => c.contype === 'CONSTR_DEFAULT');
      const volatile = defaults.flatMap((c) => functionCalls(c.raw_expr)).filter((f) => VOLATILE.has(f));
      return volatile.length > 0
        ? [`adds column ${table}.${column.colname} with volatile default ${volatile[0]}(), which rewrites the table`]
        : [];
    });
  },
} satisfies LintRule;
