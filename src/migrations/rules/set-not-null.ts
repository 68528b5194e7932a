import { alterTableCommands, existing, type LintRule } from './rule';

export default {
  id: 'set-not-null',
  title: 'SET NOT NULL on an existing column',
  severity: 'medium',
  category: 'compatibility',
  flags: '`ALTER COLUMN … SET NOT NULL`, unless a validated `CHECK (col IS NOT NULL)` (this or an earlier migration) proves it',
  doc: 'SET NOT NULL breaks the running application version that still writes NULL, and scans the whole table under an ACCESS EXCLUSIVE lock. Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in a later step, then SET NOT NULL: PostgreSQL 12+ uses the validated constraint and skips the scan (continuity recognises this recipe, within a migration or across the migrations of a set).',
  check(context) {
    return alterTableCommands(context)
      .filter(({ table, cmd }) => cmd.subtype === 'AT_SetNotNull' && existing(context, table) && !context.provenNotNull(table, cmd.name))
      .map(({ table, cmd }) => `sets ${table}.${cmd.name} NOT NULL on an existing table, with no validated CHECK (${cmd.name} IS NOT NULL) to skip the scan`);
  },
} satisfies LintRule;
